//! core's `tracing` spans and events → records of the Python logger `authbridge`.
//!
//! Cheap when nobody listens: the effective level of the logger is cached in an atomic,
//! refreshed (with the GIL already held) each time Python calls into authbridge, and a span or
//! event below it is rejected by `enabled()` without touching Python. Only enabled records take
//! the GIL. Core never puts a secret in a span or event field (transport spans carry vendor,
//! operation, method, host, attempts and status), and this layer forwards nothing else.
//!
//! Each HTTP call is one DEBUG record (core's `authbridge::call` event), each portal callback
//! one more (`authbridge::callback`); other events (retries, warnings) keep their own level and
//! are prefixed with the call they belong to. The fields ride along as `record.authbridge` (a
//! dict).

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU32, Ordering};

use authbridge::records::{CALLBACK_TARGET, CALL_TARGET};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::prelude::*;
use tracing_subscriber::registry::LookupSpan;

/// Python's numeric level below which nothing is forwarded; `OFF` disables forwarding.
static THRESHOLD: AtomicU32 = AtomicU32::new(OFF);
const OFF: u32 = u32::MAX;

static LOGGER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn logger(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    let logger = LOGGER.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        Ok(py.import("logging")?.call_method1("getLogger", ("authbridge",))?.unbind())
    })?;
    Ok(logger.bind(py))
}

/// Installs the forwarding layer as the process's tracing subscriber (unless the host already
/// installed one, in which case that one gets core's spans).
pub fn install(py: Python<'_>) -> PyResult<()> {
    logger(py)?;
    refresh(py);
    let subscriber = tracing_subscriber::registry().with(PythonLogging);
    let _ = tracing::subscriber::set_global_default(subscriber);
    Ok(())
}

/// Re-reads the logger's effective level. Called on every entry from Python (GIL held).
pub fn refresh(py: Python<'_>) {
    if crate::shutting_down() {
        THRESHOLD.store(OFF, Ordering::Relaxed);
        return;
    }
    let level = logger(py)
        .and_then(|logger| logger.call_method0(pyo3::intern!(py, "getEffectiveLevel")))
        .and_then(|level| level.extract::<u32>())
        .unwrap_or(OFF);
    THRESHOLD.store(level, Ordering::Relaxed);
}

/// Stops forwarding for good (the interpreter is shutting down).
pub fn disable() {
    THRESHOLD.store(OFF, Ordering::Relaxed);
}

fn python_level(level: &Level) -> u32 {
    match *level {
        Level::TRACE => 5,
        Level::DEBUG => 10,
        Level::INFO => 20,
        Level::WARN => 30,
        Level::ERROR => 40,
    }
}

fn wanted(metadata: &Metadata<'_>, level: u32) -> bool {
    level >= THRESHOLD.load(Ordering::Relaxed) && metadata.target().starts_with("authbridge")
}

/// The fields of an open span, which events inside it carry too.
struct SpanFields {
    fields: Vec<(&'static str, String)>,
}

impl Visit for SpanFields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let value = format!("{value:?}");
        self.set(field.name(), value);
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.set(field.name(), value.to_string());
    }
}

impl SpanFields {
    fn set(&mut self, name: &'static str, value: String) {
        match self.fields.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.fields.push((name, value)),
        }
    }
}

/// An event's message and other fields.
#[derive(Default)]
struct EventFields {
    message: String,
    fields: Vec<(&'static str, String)>,
}

impl Visit for EventFields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.message = format!("{value:?}");
        } else {
            self.fields.push((field.name(), format!("{value:?}")));
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message = value.to_string();
        } else {
            self.fields.push((field.name(), value.to_string()));
        }
    }
}

struct PythonLogging;

impl<S> Layer<S> for PythonLogging
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn register_callsite(&self, _metadata: &'static Metadata<'static>) -> tracing::subscriber::Interest {
        // The Python level can change at any time: ask `enabled` every time.
        tracing::subscriber::Interest::sometimes()
    }

    fn enabled(&self, metadata: &Metadata<'_>, _ctx: Context<'_, S>) -> bool {
        let level = if metadata.is_span() { python_level(&Level::DEBUG) } else { python_level(metadata.level()) };
        wanted(metadata, level)
    }

    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut fields = SpanFields { fields: Vec::new() };
        attrs.record(&mut fields);
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(fields);
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id) {
            if let Some(fields) = span.extensions_mut().get_mut::<SpanFields>() {
                values.record(fields);
            }
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut visited = EventFields::default();
        event.record(&mut visited);
        let level = python_level(event.metadata().level());
        let target = event.metadata().target();
        if target == CALL_TARGET || target == CALLBACK_TARGET {
            // A whole record already: its message and fields are complete.
            let mut fields = visited.fields;
            if let Some(duration) = lookup(&fields, "duration_ms").map(str::to_string) {
                // The name these records had before they carried `duration_ms`.
                fields.push(("elapsed_ms", duration));
            }
            emit(level, visited.message, &fields);
            return;
        }
        let mut fields: Vec<(&'static str, String)> = Vec::new();
        if let Some(span) = ctx.event_span(event) {
            if let Some(span_fields) = span.extensions().get::<SpanFields>() {
                fields.extend(span_fields.fields.iter().cloned());
            }
        }
        let mut message = String::new();
        if let (Some(vendor), Some(operation)) = (lookup(&fields, "vendor"), lookup(&fields, "operation")) {
            let _ = write!(message, "{vendor} {operation}: ");
        }
        message.push_str(&visited.message);
        for (name, value) in &visited.fields {
            let _ = write!(message, " {name}={value}");
        }
        fields.extend(visited.fields);
        emit(level, message, &fields);
    }
}

fn lookup<'a>(fields: &'a [(&'static str, String)], name: &str) -> Option<&'a str> {
    fields.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
}

fn emit(level: u32, message: String, fields: &[(&'static str, String)]) {
    if level < THRESHOLD.load(Ordering::Relaxed) || crate::shutting_down() {
        return;
    }
    Python::attach(|py| {
        let sent = (|| -> PyResult<()> {
            let logger = logger(py)?;
            let extra = PyDict::new(py);
            let detail = PyDict::new(py);
            for (name, value) in fields {
                detail.set_item(*name, value)?;
            }
            extra.set_item("authbridge", detail)?;
            let kwargs = PyDict::new(py);
            kwargs.set_item("extra", extra)?;
            logger.call_method("log", (level, message), Some(&kwargs))?;
            Ok(())
        })();
        // A failing handler must not break the call that logged; Python prints it.
        if let Err(error) = sent {
            error.print(py);
        }
    });
}
