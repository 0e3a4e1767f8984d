//! `process_biometric`'s sample, progress and cancellation from Python.
//!
//! A sample is `bytes`, a path, a binary file-like object (`read(n)`), a reader whose `read(n)`
//! is a coroutine (Starlette/FastAPI's `UploadFile`), or an async iterable of bytes (asyncio
//! client only). Streams are read in chunks as the upload goes out, never whole: a sync
//! `read` on a blocking thread, an async one on the caller's event loop. The multipart body
//! needs its length up front: `length=`, else a file's size from `seek`/`tell` or a reader's
//! `size` attribute; an async iterable must be given one.

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::Arc;

use authbridge::authx::{BiometricData, UploadOptions};
use bytes::Bytes;
use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use tokio_util::io::StreamReader;

use crate::wait::CancellationToken;

/// How much one read asks for: the core's own chunk size.
const CHUNK: usize = 64 * 1024;

/// The `data` argument of `process_biometric`, as given.
#[derive(FromPyObject)]
pub enum UploadSample {
    Bytes(Vec<u8>),
    Path(PathBuf),
    Stream(Py<PyAny>),
}

/// Where the call runs, which decides how Python is called back.
pub enum Surface {
    /// A blocking call: callbacks run on a library thread.
    Blocking,
    /// An asyncio call: callbacks and async reads run on the loop running when it was made
    /// (none for a call made outside a coroutine, as `asyncio.run(client.process_biometric(…))`
    /// does: it needs none unless it has an async sample or a progress callback).
    Asyncio(Option<Py<PyAny>>),
}

impl Surface {
    /// The surface of an asyncio call being made now.
    pub fn asyncio(py: Python<'_>) -> PyResult<Self> {
        let running = py.import("asyncio")?.call_method0("get_running_loop").ok();
        Ok(Surface::Asyncio(running.map(Bound::unbind)))
    }

    /// The loop `what` needs to run on.
    fn event_loop(&self, py: Python<'_>, what: &str) -> PyResult<Py<PyAny>> {
        match self {
            Surface::Asyncio(Some(event_loop)) => Ok(event_loop.clone_ref(py)),
            Surface::Asyncio(None) => Err(PyRuntimeError::new_err(format!(
                "{what} needs a running event loop: make the call inside a coroutine"
            ))),
            Surface::Blocking => Err(PyTypeError::new_err(format!("{what} needs the asyncio client (.aio)"))),
        }
    }
}

/// A sample ready to be opened inside the call.
pub enum Prepared {
    Bytes(Vec<u8>),
    Path(PathBuf),
    Stream { chunks: Arc<Chunks>, length: u64 },
}

/// A Python source of chunks.
pub enum Chunks {
    /// A binary file-like object: `read(n)`.
    File(Py<PyAny>),
    /// `await reader.read(n)` on the loop.
    AsyncReader { reader: Py<PyAny>, event_loop: Py<PyAny> },
    /// The next item of an async iterator, on the loop.
    AsyncIterator { iterator: Py<PyAny>, event_loop: Py<PyAny> },
}

impl UploadSample {
    /// Classifies a stream and finds its length, with the GIL held at the call.
    pub fn prepare(self, py: Python<'_>, length: Option<u64>, surface: &Surface) -> PyResult<Prepared> {
        let source = match self {
            UploadSample::Bytes(bytes) => return Ok(Prepared::Bytes(bytes)),
            UploadSample::Path(path) => return Ok(Prepared::Path(path)),
            UploadSample::Stream(source) => source.into_bound(py),
        };
        let needs_loop = |what: &str| surface.event_loop(py, what);
        if let Ok(read) = source.getattr("read") {
            let is_async = py.import("inspect")?.call_method1("iscoroutinefunction", (&read,))?.is_truthy()?;
            if is_async {
                let length = length.or_else(|| source.getattr("size").ok()?.extract().ok());
                let length = length.ok_or_else(|| needs_length("a reader with no `size`"))?;
                let chunks =
                    Chunks::AsyncReader { reader: source.unbind(), event_loop: needs_loop("an async reader")? };
                return Ok(Prepared::Stream { chunks: Arc::new(chunks), length });
            }
            let length = match length {
                Some(length) => length,
                None => remaining(&source).map_err(|_| needs_length("a file-like object that cannot seek"))?,
            };
            return Ok(Prepared::Stream { chunks: Arc::new(Chunks::File(source.unbind())), length });
        }
        if source.hasattr("__aiter__")? {
            let length = length.ok_or_else(|| needs_length("an async iterable"))?;
            let event_loop = needs_loop("an async iterable")?;
            let iterator = source.call_method0("__aiter__")?.unbind();
            return Ok(Prepared::Stream { chunks: Arc::new(Chunks::AsyncIterator { iterator, event_loop }), length });
        }
        Err(PyTypeError::new_err(
            "data must be bytes, a path, a binary file-like object, an async reader or an async iterable of bytes",
        ))
    }
}

fn needs_length(what: &str) -> PyErr {
    PyValueError::new_err(format!("the upload needs its length in advance: pass length= for {what}"))
}

/// The bytes from the file's position to its end, leaving the position where it was.
fn remaining(file: &Bound<'_, PyAny>) -> PyResult<u64> {
    let at: u64 = file.call_method0("tell")?.extract()?;
    let end: u64 = file.call_method1("seek", (0, 2))?.extract()?;
    file.call_method1("seek", (at,))?;
    Ok(end.saturating_sub(at))
}

impl Prepared {
    /// The core's sample; a stream is pulled chunk by chunk as the body goes out.
    pub async fn open(self) -> authbridge::Result<BiometricData> {
        match self {
            Prepared::Bytes(bytes) => Ok(BiometricData::bytes(bytes)),
            Prepared::Path(path) => BiometricData::file(path).await,
            Prepared::Stream { chunks, length } => {
                let stream = futures_util::stream::try_unfold(chunks, |chunks| async move {
                    let source = chunks.clone();
                    let chunk = tokio::task::spawn_blocking(move || Python::attach(|py| source.next(py)))
                        .await
                        .map_err(std::io::Error::other)??;
                    Ok::<_, std::io::Error>(chunk.map(|chunk| (chunk, chunks)))
                });
                Ok(BiometricData::reader(StreamReader::new(Box::pin(stream)), Some(length)))
            }
        }
    }
}

static HELPERS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

impl Chunks {
    /// The next chunk, `None` at the end. Runs on a blocking thread: an async source's chunk is
    /// awaited on its loop while this thread waits (without the GIL).
    fn next(&self, py: Python<'_>) -> std::io::Result<Option<Bytes>> {
        if crate::shutting_down() {
            return Err(std::io::Error::other("the interpreter is shutting down"));
        }
        let chunk = match self {
            Chunks::File(file) => file.bind(py).call_method1("read", (CHUNK,)),
            Chunks::AsyncReader { reader, event_loop } => on_loop(py, event_loop, "read_chunk", (reader, CHUNK)),
            Chunks::AsyncIterator { iterator, event_loop } => on_loop(py, event_loop, "next_chunk", (iterator,)),
        };
        let chunk = chunk.map_err(|e| std::io::Error::other(format!("reading the sample failed: {e}")))?;
        let bytes: Cow<'_, [u8]> = chunk.extract().map_err(|_| {
            std::io::Error::new(std::io::ErrorKind::InvalidData, "the sample must yield bytes, not text")
        })?;
        Ok((!bytes.is_empty()).then(|| Bytes::copy_from_slice(&bytes)))
    }
}

/// Runs the coroutine `authbridge._upload.<helper>(*args)` on `event_loop` and waits for it.
fn on_loop<'py>(
    py: Python<'py>,
    event_loop: &Py<PyAny>,
    helper: &str,
    args: impl pyo3::call::PyCallArgs<'py>,
) -> PyResult<Bound<'py, PyAny>> {
    let helpers = HELPERS.get_or_try_init(py, || Ok::<_, PyErr>(py.import("authbridge._upload")?.unbind()))?;
    let coroutine = helpers.bind(py).call_method1(helper, args)?;
    let asyncio = py.import("asyncio")?;
    let future = match asyncio.call_method1("run_coroutine_threadsafe", (&coroutine, event_loop)) {
        Ok(future) => future,
        Err(error) => {
            // The loop is gone (the call was cancelled and its loop closed): nothing will run it.
            let _ = coroutine.call_method0("close");
            return Err(error);
        }
    };
    // `result()` waits on a lock, which lets go of the GIL meanwhile.
    future.call_method0("result")
}

/// Where progress goes.
enum ProgressSink {
    /// Called on the library thread that sends the body.
    Direct(Py<PyAny>),
    /// Scheduled on the caller's loop, in order.
    OnLoop { callback: Py<PyAny>, event_loop: Py<PyAny> },
}

impl ProgressSink {
    fn report(&self, sent: u64, total: u64) {
        if crate::shutting_down() {
            return;
        }
        Python::attach(|py| {
            let (callback, outcome) = match self {
                ProgressSink::Direct(callback) => (callback, callback.bind(py).call1((sent, total)).map(drop)),
                ProgressSink::OnLoop { callback, event_loop } => (
                    callback,
                    event_loop.bind(py).call_method1("call_soon_threadsafe", (callback, sent, total)).map(drop),
                ),
            };
            // A failing progress callback must not fail the upload; Python reports it.
            if let Err(error) = outcome {
                error.write_unraisable(py, Some(callback.bind(py)));
            }
        });
    }
}

/// The sample, ready to open inside the call, and the core's options from `on_progress=` and
/// `cancel=`.
pub fn prepare(
    py: Python<'_>,
    data: UploadSample,
    length: Option<u64>,
    on_progress: Option<Py<PyAny>>,
    cancel: Option<CancellationToken>,
    surface: &Surface,
) -> PyResult<(Prepared, UploadOptions)> {
    let data = data.prepare(py, length, surface)?;
    let mut options = UploadOptions::new();
    if let Some(callback) = on_progress {
        let sink = match surface {
            Surface::Blocking => ProgressSink::Direct(callback),
            Surface::Asyncio(_) => {
                ProgressSink::OnLoop { event_loop: surface.event_loop(py, "on_progress")?, callback }
            }
        };
        options = options.on_progress(move |sent, total| sink.report(sent, total));
    }
    if let Some(cancel) = cancel {
        options = options.cancel(cancel.token);
    }
    Ok((data, options))
}
