//! Everything authbridge and the libraries under it emit at TRACE, kept as text so the
//! redaction tests can search it for secrets.

use std::io::Write;
use std::sync::{Arc, Mutex};

use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::util::SubscriberInitExt;

#[derive(Clone, Default)]
pub struct TraceCapture(Arc<Mutex<Vec<u8>>>);

impl TraceCapture {
    /// Installs the process-wide subscriber, so `log` records (reqwest, hyper) and events from
    /// every thread are kept too, with each span's opening and closing. Once per test binary.
    pub fn install() -> Self {
        let capture = Self::default();
        let writer = capture.clone();
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_span_events(FmtSpan::FULL)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish()
            .try_init()
            .expect("the trace capture is installed once per test binary");
        capture
    }

    /// All that was emitted so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("trace capture lock")).into_owned()
    }
}

impl Write for TraceCapture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("trace capture lock").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
