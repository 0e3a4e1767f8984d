//! Biometric samples from Node, and the ProcessBiometric framing encoder on its own (DESIGN
//! "Biometric upload framing").
//!
//! A sample is a `Buffer`/`Uint8Array` (held in memory, re-sendable), a string (a file path,
//! streamed from disk and re-read if the call is repeated), or a Node `Readable` / any async
//! iterable of bytes (streamed once; `{ stream, length }` adds a `Content-Length`). A stream is
//! pumped by a few lines of JavaScript into a bounded channel that core reads as an
//! `AsyncRead`, so a large sample never sits whole in memory and a slow upload slows the
//! stream (back-pressure) instead of buffering it.

use std::sync::{Arc, Mutex, PoisonError};

use authbridge::authx::{
    BiometricApp, BiometricCall, BiometricData, BiometricFrame as CoreFrame, BiometricKind, BiometricProcess,
    DeviceData, FrameStream,
};
use bytes::Bytes;
use futures_util::StreamExt;
use napi::bindgen_prelude::{Buffer, Either3, FnArgs, Function, Object, PromiseRaw, Uint8Array, Unknown};
use napi::Env;
use napi_derive::napi;
use tokio::sync::mpsc;

use crate::cancel::{signal_of, CallOptions};
use crate::error::check;
use crate::runtime::promise;

/// Chunks in flight between a JavaScript stream and the upload.
const CHANNEL_CHUNKS: usize = 4;

/// Copies a JavaScript stream into a [`ByteSink`]; the `for await` loop gives back-pressure
/// (it waits for each write) and destroys the stream when the upload stops early.
const PUMP: &str = r#"(async function authbridgePump(source, sink) {
  try {
    for await (const chunk of source) {
      await sink.write(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
    }
    sink.end()
  } catch (error) {
    sink.fail(String((error && error.message) || error))
  }
})"#;

/// What a sample argument held, converted on the JavaScript thread.
pub(crate) enum Sample {
    Bytes(Vec<u8>),
    File(String),
    Stream { chunks: mpsc::Receiver<std::io::Result<Bytes>>, len: Option<u64> },
}

impl Sample {
    /// Reads a sample argument; a stream starts being pumped at once.
    pub(crate) fn from_js(env: &Env, value: Either3<Uint8Array, String, Object>) -> napi::Result<Self> {
        match value {
            Either3::A(bytes) => Ok(Sample::Bytes(bytes.to_vec())),
            Either3::B(path) => Ok(Sample::File(path)),
            Either3::C(object) => {
                let (source, len) = match object.get::<Object>("stream")? {
                    Some(stream) => (stream, object.get::<f64>("length")?),
                    None => (object, None),
                };
                let len = match len {
                    Some(len) if len >= 0.0 && len.fract() == 0.0 => Some(len as u64),
                    Some(_) => {
                        return check(env, Err(authbridge::Error::invalid("length", "must be a whole number of bytes")))
                    }
                    None => None,
                };
                let (sender, chunks) = mpsc::channel(CHANNEL_CHUNKS);
                let pump: Function<FnArgs<(Object, ByteSink)>, Unknown> = env.run_script(PUMP)?;
                pump.call((source, ByteSink { sender: Mutex::new(Some(sender)) }).into())?;
                Ok(Sample::Stream { chunks, len })
            }
        }
    }

    /// Core's biometric data for this sample (a file's size is read here).
    pub(crate) async fn into_data(self) -> authbridge::Result<BiometricData> {
        Ok(match self {
            Sample::Bytes(bytes) => BiometricData::bytes(bytes),
            Sample::File(path) => BiometricData::file(path).await?,
            Sample::Stream { chunks, len } => {
                let stream = futures_util::stream::unfold(chunks, |mut chunks| async move {
                    chunks.recv().await.map(|chunk| (chunk, chunks))
                });
                BiometricData::reader(tokio_util::io::StreamReader::new(Box::pin(stream)), len)
            }
        })
    }
}

/// Where the pump writes a JavaScript stream's chunks. Internal to the addon.
#[napi]
pub struct ByteSink {
    sender: Mutex<Option<mpsc::Sender<std::io::Result<Bytes>>>>,
}

#[napi]
impl ByteSink {
    /// Hands one chunk to the upload; resolves when there is room for the next. Rejects when
    /// the upload no longer reads (it finished or failed), which stops the pump.
    #[napi(catch_unwind, ts_return_type = "Promise<void>")]
    pub fn write<'env>(&self, env: &'env Env, chunk: Uint8Array) -> napi::Result<PromiseRaw<'env, ()>> {
        let sender = self.sender.lock().unwrap_or_else(PoisonError::into_inner).clone();
        let chunk = Bytes::from(chunk.to_vec());
        promise(
            env,
            None,
            async move {
                let closed = || authbridge::Error::Io(std::io::Error::other("the upload stopped reading the stream"));
                sender.ok_or_else(closed)?.send(Ok(chunk)).await.map_err(|_| closed())
            },
            |_, ()| Ok(()),
        )
    }

    /// The stream ended.
    #[napi(catch_unwind)]
    pub fn end(&self) {
        self.sender.lock().unwrap_or_else(PoisonError::into_inner).take();
    }

    /// The stream failed: the upload fails with an `io` error carrying `message`.
    #[napi(catch_unwind)]
    pub fn fail(&self, message: String) {
        if let Some(sender) = self.sender.lock().unwrap_or_else(PoisonError::into_inner).take() {
            let _ = sender.try_send(Err(std::io::Error::other(message)));
        }
    }
}

/// Which biometric (`authentication_id`).
#[napi(string_enum = "lowercase")]
pub enum BiometricKindName {
    Finger,
    Face,
    Palm,
}

/// What to do with the sample (`process_type`).
#[napi(string_enum = "lowercase")]
pub enum BiometricProcessName {
    Enrol,
    Verify,
    Delete,
}

/// `device_data`: the device the sample was captured on. Left-out fields describe the calling
/// program.
#[napi(object)]
pub struct BiometricDevice {
    pub browser_name: Option<String>,
    pub os: Option<String>,
    pub os_version: Option<String>,
    pub browser_version: Option<String>,
    pub device_name: Option<String>,
    /// The IP address of the person's device.
    pub ip: Option<String>,
    pub src_user_id: Option<i64>,
}

/// One ProcessBiometric call.
#[napi(object)]
pub struct BiometricRequest {
    /// `user_name`: the user's `guid`, as in the seed's samples.
    pub user: String,
    pub kind: BiometricKindName,
    pub process: BiometricProcessName,
    /// `correlation_id`; a random UUID when left out.
    pub correlation_id: Option<String>,
    pub device_data: Option<BiometricDevice>,
    pub src_user_id: Option<i64>,
}

impl From<BiometricRequest> for BiometricCall {
    fn from(request: BiometricRequest) -> Self {
        let kind = match request.kind {
            BiometricKindName::Finger => BiometricKind::Finger,
            BiometricKindName::Face => BiometricKind::Face,
            BiometricKindName::Palm => BiometricKind::Palm,
        };
        let process = match request.process {
            BiometricProcessName::Enrol => BiometricProcess::Enrol,
            BiometricProcessName::Verify => BiometricProcess::Verify,
            BiometricProcessName::Delete => BiometricProcess::Delete,
        };
        let mut call = BiometricCall::new(&request.user, kind, process);
        call.correlation_id = request.correlation_id;
        if let Some(src_user_id) = request.src_user_id {
            call.src_user_id = src_user_id;
        }
        if let Some(device) = request.device_data {
            let mut data = DeviceData::default();
            let fields = [
                (&mut data.browser_name, device.browser_name),
                (&mut data.os, device.os),
                (&mut data.os_version, device.os_version),
                (&mut data.browser_version, device.browser_version),
                (&mut data.device_name, device.device_name),
                (&mut data.ip, device.ip),
            ];
            for (slot, value) in fields {
                if let Some(value) = value {
                    *slot = value;
                }
            }
            if let Some(id) = device.src_user_id {
                data.src_user_id = id;
            }
            call.device_data = data;
        }
        call
    }
}

/// `application_parameters` of ProcessBiometric: the biometric application's credentials.
#[napi(object)]
pub struct BiometricAppOptions {
    pub application_key: String,
    pub secret_key: String,
    /// The tenant host code.
    pub host_name: String,
}

impl From<BiometricAppOptions> for BiometricApp {
    fn from(app: BiometricAppOptions) -> Self {
        BiometricApp::new(app.application_key, app.secret_key, &app.host_name)
    }
}

enum FrameState {
    Whole(CoreFrame),
    Streaming(FrameStream),
    Done,
}

/// A framed ProcessBiometric body, for hosts that send it with their own HTTP stack. Read it
/// chunk by chunk (`for await (const chunk of frame)`, or `read()`), or whole (`toBuffer()`).
/// It holds the application's `secret_key`: send it only to AuthX.
#[napi(async_iterator)]
pub struct BiometricFrame {
    content_type: String,
    boundary: String,
    correlation_id: String,
    content_length: Option<u64>,
    state: Arc<tokio::sync::Mutex<FrameState>>,
}

impl BiometricFrame {
    pub(crate) fn new(frame: CoreFrame) -> Self {
        Self {
            content_type: frame.content_type(),
            boundary: frame.boundary().to_string(),
            correlation_id: frame.correlation_id().to_string(),
            content_length: frame.content_length(),
            state: Arc::new(tokio::sync::Mutex::new(FrameState::Whole(frame))),
        }
    }
}

async fn next_chunk(state: Arc<tokio::sync::Mutex<FrameState>>) -> authbridge::Result<Option<Bytes>> {
    let mut state = state.lock().await;
    if let FrameState::Whole(_) = &*state {
        if let FrameState::Whole(frame) = std::mem::replace(&mut *state, FrameState::Done) {
            *state = FrameState::Streaming(frame.into_stream());
        }
    }
    let FrameState::Streaming(stream) = &mut *state else {
        return Ok(None);
    };
    match stream.next().await {
        Some(Ok(chunk)) => Ok(Some(chunk)),
        Some(Err(error)) => {
            *state = FrameState::Done;
            Err(authbridge::Error::Io(error))
        }
        None => {
            *state = FrameState::Done;
            Ok(None)
        }
    }
}

#[napi]
impl BiometricFrame {
    /// `multipart/form-data; boundary=…`, for the request's `Content-Type`.
    #[napi(getter)]
    pub fn content_type(&self) -> String {
        self.content_type.clone()
    }

    #[napi(getter)]
    pub fn boundary(&self) -> String {
        self.boundary.clone()
    }

    /// The `correlation_id` in the JSON part.
    #[napi(getter)]
    pub fn correlation_id(&self) -> String {
        self.correlation_id.clone()
    }

    /// The whole body's length for `Content-Length`, or `null` when the sample's is unknown.
    #[napi(getter)]
    pub fn content_length(&self) -> Option<f64> {
        self.content_length.map(|len| len as f64)
    }

    /// The next chunk of the body, or `null` at its end.
    #[napi(catch_unwind, ts_return_type = "Promise<Buffer | null>")]
    pub fn read<'env>(
        &self,
        env: &'env Env,
        options: Option<CallOptions>,
    ) -> napi::Result<PromiseRaw<'env, Option<Buffer>>> {
        promise(env, signal_of(&options), next_chunk(self.state.clone()), |_, chunk| {
            Ok(chunk.map(|c| Buffer::from(c.to_vec())))
        })
    }

    /// The rest of the body in one `Buffer` (it holds the whole sample in memory).
    #[napi(catch_unwind, ts_return_type = "Promise<Buffer>")]
    pub fn to_buffer<'env>(
        &self,
        env: &'env Env,
        options: Option<CallOptions>,
    ) -> napi::Result<PromiseRaw<'env, Buffer>> {
        let state = self.state.clone();
        promise(
            env,
            signal_of(&options),
            async move {
                let mut body = Vec::new();
                while let Some(chunk) = next_chunk(state.clone()).await? {
                    body.extend_from_slice(&chunk);
                }
                Ok(body)
            },
            |_, body| Ok(Buffer::from(body)),
        )
    }
}

impl napi::bindgen_prelude::AsyncGenerator for BiometricFrame {
    type Yield = Buffer;
    type Next = ();
    type Return = ();

    fn next(
        &mut self,
        _value: Option<()>,
    ) -> impl std::future::Future<Output = napi::Result<Option<Buffer>>> + Send + 'static {
        let state = self.state.clone();
        async move {
            match next_chunk(state).await {
                Ok(chunk) => Ok(chunk.map(|c| Buffer::from(c.to_vec()))),
                Err(error) => Err(napi::Error::new(napi::Status::GenericFailure, error.to_string())),
            }
        }
    }
}

/// Frames a ProcessBiometric body without an AuthX client: `app` is the biometric
/// application, `contentType` the sample part's type (default `application/octet-stream`).
// Reached through napi's export registration, which test builds leave out.
#[cfg_attr(test, allow(dead_code))]
#[napi(catch_unwind, ts_return_type = "Promise<BiometricFrame>")]
pub fn frame_biometric<'env>(
    env: &'env Env,
    app: BiometricAppOptions,
    request: BiometricRequest,
    #[napi(
        ts_arg_type = "Buffer | Uint8Array | string | AsyncIterable<Uint8Array> | { stream: AsyncIterable<Uint8Array>; length?: number }"
    )]
    data: Either3<Uint8Array, String, Object>,
    content_type: Option<String>,
    options: Option<CallOptions>,
) -> napi::Result<PromiseRaw<'env, BiometricFrame>> {
    let sample = Sample::from_js(env, data)?;
    let app: BiometricApp = app.into();
    let call: BiometricCall = request.into();
    let content_type = content_type.unwrap_or_else(|| authbridge::authx::DEFAULT_BIOMETRIC_CONTENT_TYPE.to_string());
    promise(
        env,
        signal_of(&options),
        async move { CoreFrame::with_content_type(&app, &call, sample.into_data().await?, &content_type) },
        |_, frame| Ok(BiometricFrame::new(frame)),
    )
}
