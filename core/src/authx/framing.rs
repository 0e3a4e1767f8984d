//! The `multipart/form-data` body of ProcessBiometric (docs/vendors/authx.md, "Process Biometric"),
//! usable on its own by hosts with their own HTTP stack.
//!
//! The vendor's request has two parts, a JSON part and the sample:
//!
//! ```text
//! --<boundary>
//! Content-Disposition: form-data; name="processBiometrics"
//!
//! {"authentication_id":2,"process_type":1,"user_name":"…",…}
//! --<boundary>
//! Content-Disposition: form-data; name="biometricdata"; filename="blob"
//! Content-Type: application/octet-stream
//!
//! <sample bytes>
//! --<boundary>--
//! ```
//!
//! The JSON part carries no `Content-Type`, as in the vendor's sample (a browser's `FormData` text
//! field). The sample is streamed from memory, a file or any reader and never held whole; the
//! boundary is random (128 bits), so it cannot be predicted to collide with the sample; the length
//! is known — and sent as `Content-Length` — whenever the sample's is.

use std::fmt;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::{Stream, StreamExt, TryStreamExt};
use rand::Rng;
use tokio::io::AsyncRead;
use tokio_util::io::ReaderStream;
use zeroize::Zeroizing;

use super::biometric_call::BiometricCall;
use super::config::{BiometricApp, DEFAULT_BIOMETRIC_CONTENT_TYPE};
use super::types::BiometricProcess;
use crate::validate::no_control;
use crate::{Error, Result, SecretBytes};

/// Read size for files and readers: large enough for full-speed local uploads, small enough
/// that a 256 MiB sample costs a few chunks of memory in flight.
const CHUNK: usize = 64 * 1024;

/// The framed body as a stream of chunks.
pub type FrameStream = Pin<Box<dyn Stream<Item = std::io::Result<Bytes>> + Send + 'static>>;

/// The biometric sample to upload.
pub struct BiometricData(Source);

enum Source {
    /// In memory, zeroised when the last chunk referring to it is dropped.
    Bytes(Bytes),
    /// A file, opened again for each attempt.
    File { path: PathBuf, len: u64 },
    /// A reader, readable once.
    Reader { reader: Option<Box<dyn AsyncRead + Send + Unpin>>, len: Option<u64> },
}

/// Lets `Bytes` own secret bytes without copying them.
struct SecretOwner(SecretBytes);

impl AsRef<[u8]> for SecretOwner {
    fn as_ref(&self) -> &[u8] {
        self.0.expose()
    }
}

impl BiometricData {
    /// A sample in memory. It can be sent again after a refused token.
    pub fn bytes(data: impl Into<SecretBytes>) -> Self {
        BiometricData(Source::Bytes(Bytes::from_owner(SecretOwner(data.into()))))
    }

    /// A sample in a file, streamed from disk (and re-read if the call must be repeated). Its
    /// size is taken now and sent as `Content-Length`; a file that changes size before it is
    /// sent fails the upload rather than sending a malformed body.
    pub async fn file(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        let metadata = tokio::fs::metadata(&path).await?;
        if !metadata.is_file() {
            return Err(Error::invalid("biometricdata", "must be a regular file"));
        }
        Ok(BiometricData(Source::File { path, len: metadata.len() }))
    }

    /// A sample from any reader, read once. With `len` the body has a `Content-Length` and the
    /// reader must yield exactly `len` bytes; without, the body is sent chunked.
    pub fn reader<R: AsyncRead + Send + Unpin + 'static>(reader: R, len: Option<u64>) -> Self {
        BiometricData(Source::Reader { reader: Some(Box::new(reader)), len })
    }

    /// The sample's size, when known.
    pub fn len(&self) -> Option<u64> {
        match &self.0 {
            Source::Bytes(bytes) => Some(bytes.len() as u64),
            Source::File { len, .. } => Some(*len),
            Source::Reader { len, .. } => *len,
        }
    }

    /// Whether the sample is known to be empty; a reader of unknown length is not.
    pub fn is_empty(&self) -> bool {
        self.len() == Some(0)
    }
}

impl fmt::Debug for BiometricData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Source::Bytes(bytes) => write!(f, "BiometricData::Bytes(*** ({} bytes))", bytes.len()),
            Source::File { path, len } => write!(f, "BiometricData::File({}, {len} bytes)", path.display()),
            Source::Reader { len, .. } => write!(f, "BiometricData::Reader(len: {len:?})"),
        }
    }
}

impl Source {
    /// The sample's bytes for one attempt, or `None` when a reader was already used.
    fn open(&mut self) -> Option<FrameStream> {
        match self {
            Source::Bytes(bytes) => {
                // Handed on in slices of the same buffer, so that progress moves as it is sent.
                let bytes = bytes.clone();
                let slices =
                    (0..bytes.len()).step_by(CHUNK).map(move |at| Ok(bytes.slice(at..(at + CHUNK).min(bytes.len()))));
                Some(futures_util::stream::iter(slices).boxed())
            }
            Source::File { path, len } => {
                let path = path.clone();
                let file = futures_util::stream::once(async move { tokio::fs::File::open(path).await })
                    .map_ok(|file| ReaderStream::with_capacity(file, CHUNK))
                    .try_flatten();
                Some(Exact::new(file.boxed(), Some(*len)).boxed())
            }
            Source::Reader { reader, len } => {
                let reader = reader.take()?;
                Some(Exact::new(ReaderStream::with_capacity(reader, CHUNK).boxed(), *len).boxed())
            }
        }
    }

    fn can_open(&self) -> bool {
        !matches!(self, Source::Reader { reader: None, .. })
    }
}

/// A stream that fails unless it yields exactly the length announced in `Content-Length`.
struct Exact {
    inner: FrameStream,
    expected: Option<u64>,
    seen: u64,
    done: bool,
}

impl Exact {
    fn new(inner: FrameStream, expected: Option<u64>) -> Self {
        Self { inner, expected, seen: 0, done: false }
    }
}

impl Stream for Exact {
    type Item = std::io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        let mismatch = |what: &str| {
            std::io::Error::new(std::io::ErrorKind::InvalidData, format!("biometric data is {what} than its length"))
        };
        match self.inner.as_mut().poll_next(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                self.seen += chunk.len() as u64;
                if self.expected.is_some_and(|expected| self.seen > expected) {
                    self.done = true;
                    return Poll::Ready(Some(Err(mismatch("longer"))));
                }
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(None) => {
                self.done = true;
                match self.expected {
                    Some(expected) if self.seen != expected => Poll::Ready(Some(Err(mismatch("shorter")))),
                    _ => Poll::Ready(None),
                }
            }
            Poll::Ready(Some(Err(error))) => {
                self.done = true;
                Poll::Ready(Some(Err(error)))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

/// A framed ProcessBiometric body: its `Content-Type` (with the boundary), its length when
/// known, and its bytes as a stream. `Debug` shows neither the JSON part (it holds the
/// application's `secret_key`) nor the sample.
pub struct BiometricFrame {
    boundary: String,
    correlation_id: String,
    /// Everything before the sample: both part headers and the JSON part. Zeroised when dropped.
    head: Bytes,
    tail: Bytes,
    data_len: Option<u64>,
    source: Arc<Mutex<Source>>,
}

impl fmt::Debug for BiometricFrame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BiometricFrame")
            .field("content_type", &self.content_type())
            .field("content_length", &self.content_length())
            .field("correlation_id", &self.correlation_id)
            .finish_non_exhaustive()
    }
}

impl BiometricFrame {
    /// Frames `data` for `call` on behalf of `app`, with the sample typed
    /// `application/octet-stream`.
    pub fn new(app: &BiometricApp, call: &BiometricCall, data: BiometricData) -> Result<Self> {
        Self::with_content_type(app, call, data, DEFAULT_BIOMETRIC_CONTENT_TYPE)
    }

    /// Frames `data` with the sample part typed `data_content_type` (the vendor's own spelling is
    /// `application/octect-stream`).
    pub fn with_content_type(
        app: &BiometricApp,
        call: &BiometricCall,
        data: BiometricData,
        data_content_type: &str,
    ) -> Result<Self> {
        app.validate()?;
        call.validate()?;
        // Enrol and verify compare a sample; only delete may go without one.
        if call.process != BiometricProcess::Delete && data.is_empty() {
            return Err(Error::invalid("biometricdata", "must not be empty to enrol or verify"));
        }
        no_control("biometric_content_type", data_content_type)?;
        if !data_content_type.contains('/') || http::HeaderValue::from_str(data_content_type).is_err() {
            return Err(Error::invalid(
                "biometric_content_type",
                "must be a media type such as application/octet-stream",
            ));
        }
        let correlation_id = call.correlation_id.clone().unwrap_or_else(random_uuid);
        let json = call.json_part(app, &correlation_id);
        let boundary = loop {
            let candidate = format!("authbridge-{}", random_hex());
            // 128 random bits never collide in practice; checking costs nothing for the JSON.
            if !json.windows(candidate.len()).any(|w| w == candidate.as_bytes()) {
                break candidate;
            }
        };
        let mut head = Zeroizing::new(Vec::with_capacity(json.len() + 256));
        head.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"processBiometrics\"\r\n\r\n").as_bytes(),
        );
        head.extend_from_slice(&json);
        head.extend_from_slice(
            format!(
                "\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"biometricdata\"; filename=\"blob\"\r\n\
                 Content-Type: {data_content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        let tail = Bytes::from(format!("\r\n--{boundary}--\r\n"));
        Ok(Self {
            boundary,
            correlation_id,
            head: Bytes::from_owner(head),
            tail,
            data_len: data.len(),
            source: Arc::new(Mutex::new(data.0)),
        })
    }

    /// `multipart/form-data; boundary=<boundary>`, for the request's `Content-Type` header.
    pub fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }

    /// The multipart boundary, also in [`BiometricFrame::content_type`].
    pub fn boundary(&self) -> &str {
        &self.boundary
    }

    /// The `correlation_id` in the JSON part (the caller's, or a random UUID).
    pub fn correlation_id(&self) -> &str {
        &self.correlation_id
    }

    /// The whole body's length, for `Content-Length`, when the sample's length is known.
    pub fn content_length(&self) -> Option<u64> {
        self.data_len.map(|len| self.head.len() as u64 + len + self.tail.len() as u64)
    }

    /// The body as a stream of chunks; the sample is read as the stream is polled.
    pub fn into_stream(self) -> FrameStream {
        self.open().unwrap_or_else(|| {
            futures_util::stream::iter([Err(std::io::Error::other("the biometric reader was already read"))]).boxed()
        })
    }

    /// The whole body in memory. Only for hosts whose HTTP stack needs a buffer: it holds the
    /// entire sample.
    pub async fn into_bytes(self) -> Result<Vec<u8>> {
        let mut body = Vec::with_capacity(usize::try_from(self.content_length().unwrap_or(0)).unwrap_or(0));
        let mut stream = self.into_stream();
        while let Some(chunk) = stream.next().await {
            body.extend_from_slice(&chunk?);
        }
        Ok(body)
    }

    /// A fresh stream of the whole body, or `None` when the sample cannot be read again.
    pub(crate) fn open(&self) -> Option<FrameStream> {
        let data = self.source.lock().unwrap_or_else(PoisonError::into_inner).open()?;
        let head = futures_util::stream::iter([Ok(self.head.clone())]);
        let tail = futures_util::stream::iter([Ok(self.tail.clone())]);
        Some(head.chain(data).chain(tail).boxed())
    }

    /// Whether [`BiometricFrame::open`] can produce the body (again).
    pub(crate) fn can_open(&self) -> bool {
        self.source.lock().unwrap_or_else(PoisonError::into_inner).can_open()
    }

    /// A handle that opens the same body, for the transport's attempts.
    pub(crate) fn share(&self) -> Self {
        Self {
            boundary: self.boundary.clone(),
            correlation_id: self.correlation_id.clone(),
            head: self.head.clone(),
            tail: self.tail.clone(),
            data_len: self.data_len,
            source: self.source.clone(),
        }
    }
}

fn random_hex() -> String {
    let bytes: [u8; 16] = rand::rng().random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A random (version 4) UUID, the form of the vendor's `correlation_id`.
fn random_uuid() -> String {
    let mut b: [u8; 16] = rand::rng().random();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authx::{BiometricKind, BiometricProcess};

    fn app() -> BiometricApp {
        BiometricApp::new("app-key", "app-secret", "hu1tjtwu")
    }

    #[tokio::test]
    async fn frames_both_parts_with_exact_length() {
        let call = BiometricCall::new("guid-1", BiometricKind::Face, BiometricProcess::Enrol);
        let sample = b"\r\n--not-a-boundary\r\n\x00\xff".to_vec();
        let frame = BiometricFrame::new(&app(), &call, BiometricData::bytes(sample.clone())).unwrap();
        let boundary = frame.boundary().to_string();
        assert_eq!(frame.content_type(), format!("multipart/form-data; boundary={boundary}"));
        let expected_len = frame.content_length().unwrap();
        let body = frame.into_bytes().await.unwrap();
        assert_eq!(body.len() as u64, expected_len);
        let text = String::from_utf8_lossy(&body);
        assert!(text.starts_with(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"processBiometrics\"\r\n\r\n{{"
        )));
        let data_head = format!(
            "\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"biometricdata\"; filename=\"blob\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        );
        let start = text.find(&data_head).unwrap() + data_head.len();
        let tail = format!("\r\n--{boundary}--\r\n");
        assert!(body.ends_with(tail.as_bytes()));
        assert_eq!(&body[start..body.len() - tail.len()], &sample[..]);
    }

    #[tokio::test]
    async fn boundaries_are_random_and_readers_read_once() {
        let call = BiometricCall::new("g", BiometricKind::Finger, BiometricProcess::Verify);
        let a = BiometricFrame::new(&app(), &call, BiometricData::bytes(vec![1])).unwrap();
        let b = BiometricFrame::new(&app(), &call, BiometricData::bytes(vec![1])).unwrap();
        assert_ne!(a.boundary(), b.boundary());
        assert_ne!(a.correlation_id(), b.correlation_id());
        let frame = BiometricFrame::new(&app(), &call, BiometricData::reader(&[1u8, 2, 3][..], None)).unwrap();
        assert_eq!(frame.content_length(), None);
        assert!(frame.open().is_some());
        assert!(!frame.can_open());
        assert!(frame.open().is_none());
    }

    #[tokio::test]
    async fn a_reader_shorter_than_announced_fails() {
        let call = BiometricCall::new("g", BiometricKind::Palm, BiometricProcess::Verify);
        let frame = BiometricFrame::new(&app(), &call, BiometricData::reader(&[1u8, 2][..], Some(3))).unwrap();
        let error = frame.into_bytes().await.unwrap_err();
        assert_eq!(error.code(), "io");
        assert!(error.to_string().contains("shorter"));
    }

    #[test]
    fn debug_hides_the_json_part_and_sample() {
        let call = BiometricCall::new("g", BiometricKind::Face, BiometricProcess::Enrol);
        let frame = BiometricFrame::new(&app(), &call, BiometricData::bytes(b"FACEBYTES".to_vec())).unwrap();
        let printed = format!("{frame:?} {:?}", BiometricData::bytes(b"FACEBYTES".to_vec()));
        assert!(!printed.contains("app-secret") && !printed.contains("app-key") && !printed.contains("FACEBYTES"));
    }
}
