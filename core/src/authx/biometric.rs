//! ProcessBiometric (docs/vendors/authx.md, "Process Biometric"): enrol, verify or delete a finger,
//! face or palm sample for a user, as a `multipart/form-data` upload framed by [`BiometricFrame`].

use http::header::CONTENT_TYPE;

use super::biometric_call::BiometricCall;
use super::client::{AuthxClient, Operation};
use super::envelope::{Envelope, ERROR};
use super::framing::{BiometricData, BiometricFrame};
use super::types::{BiometricOutcome, BiometricResult};
use super::upload::{ProgressReporter, UploadOptions};
use crate::transport::Body;
use crate::{Error, Result};

impl AuthxClient {
    /// The framed body of `call` for this client's [`BiometricApp`](super::BiometricApp) and
    /// content type, for hosts that send it themselves.
    pub fn biometric_frame(&self, call: &BiometricCall, data: BiometricData) -> Result<BiometricFrame> {
        let app = self.config.biometric_app.as_ref().ok_or_else(|| {
            Error::Config("ProcessBiometric needs the application's key, secret and host (biometric_app)".into())
        })?;
        BiometricFrame::with_content_type(app, call, data, &self.config.biometric_content_type)
    }

    /// ProcessBiometric: uploads `data` to enrol, verify or delete. A sample that does not
    /// match or cannot be used is an [`BiometricOutcome`] in the result; `response_code` 0 is
    /// an `Error::Vendor`. A refused token is renewed and the upload repeated when `data` can
    /// be read again (bytes, a file), not when it came from a reader.
    pub async fn process_biometric(&self, call: &BiometricCall, data: BiometricData) -> Result<BiometricResult> {
        self.process_biometric_with(call, data, UploadOptions::new()).await
    }

    /// [`AuthxClient::process_biometric`] with its progress reported and a way to stop it
    /// ([`UploadOptions`]). Cancelling fails the call with `cancelled` at once, wherever it is
    /// (fetching the token, sending, waiting for the answer); the connection is dropped.
    pub async fn process_biometric_with(
        &self,
        call: &BiometricCall,
        data: BiometricData,
        options: UploadOptions,
    ) -> Result<BiometricResult> {
        let cancel = options.cancel_token();
        if cancel.is_cancelled() {
            return Err(Error::Cancelled);
        }
        tokio::select! {
            biased;
            _ = cancel.cancelled() => Err(Error::Cancelled),
            result = self.upload(call, data, &options) => result,
        }
    }

    async fn upload(
        &self,
        call: &BiometricCall,
        data: BiometricData,
        options: &UploadOptions,
    ) -> Result<BiometricResult> {
        let frame = self.biometric_frame(call, data)?;
        let content_type = frame.content_type();
        let timeout = self.config.upload_timeout;
        let reporter = options.progress.clone().map(|callback| ProgressReporter::new(callback, frame.content_length()));
        let response = self
            .authorized(Operation::ProcessBiometric, |request| {
                if !frame.can_open() {
                    return Ok(None);
                }
                let shared = frame.share();
                let reporter = reporter.clone();
                let body = Body::Stream {
                    len: frame.content_length(),
                    open: Box::new(move || {
                        let body = shared.open()?;
                        let body = match &reporter {
                            Some(reporter) => reporter.count(body),
                            None => body,
                        };
                        Some(reqwest::Body::wrap_stream(body))
                    }),
                };
                Ok(Some(request.header(CONTENT_TYPE, &content_type)?.body(body).timeout(timeout)))
            })
            .await?;
        let envelope = Envelope::read(&response)?;
        if envelope.response_code == ERROR {
            return Err(envelope.into_vendor_error(&response));
        }
        let outcome = BiometricOutcome::from_code(envelope.response_code);
        tracing::debug!(outcome = outcome.as_str(), "authx biometric processed");
        Ok(BiometricResult {
            outcome,
            subcode: envelope.response_subcode.unwrap_or(0),
            message: envelope.response_text,
            correlation_id: envelope.correlation_id.unwrap_or_else(|| frame.correlation_id().to_string()),
        })
    }
}
