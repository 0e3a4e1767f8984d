//! The embedded receiver's defences on a network it cannot trust: timeouts, a connection cap,
//! the stop grace, and TLS.
//!
//! The NoPass callbacks carry no authentication and arrive at a public
//! `https://MyWebSite/api/PortalCommunication/…` URL (docs/vendors/nopass.md), so anyone can
//! connect. Every connection therefore has a deadline at each step: the head, the body, the wait
//! between requests; and only so many are served at once. The defaults are meant for a receiver on
//! the internet; a NoPass callback is a small JSON body that a working client sends in well under a
//! second.

use std::time::Duration;

use crate::serve::{ServeOptions, ServerTls};
use crate::{Error, Result};

/// Options of [`super::EmbeddedServer::start_with`]. [`ReceiverOptions::default`] holds the
/// defaults named by the `DEFAULT_*` constants, without TLS.
#[derive(Debug, Clone)]
pub struct ReceiverOptions {
    /// How long a caller has to send a whole request head, counted from the moment the
    /// connection is ready for a request: accepted, or done with its previous answer. With
    /// TLS, the handshake gets this long as well. On expiry the connection is closed without
    /// an answer: a slow or stalled head (slowloris) cannot hold a connection longer.
    pub header_read_timeout: Duration,
    /// How long a caller has to send a whole request body, counted from the end of its head.
    /// On expiry nothing more is answered and the connection is closed.
    pub body_read_timeout: Duration,
    /// A connection with no request in progress on which nothing has moved for this long is
    /// closed (a kept-alive connection between callbacks, or one opened and never used).
    /// Since the header read timeout also runs from the end of the previous answer, a
    /// kept-alive connection is never kept longer than the shorter of the two.
    pub idle_timeout: Duration,
    /// At most this many connections are served at once. Over the cap the receiver stops
    /// accepting and further connections wait in the listen backlog until one ends, instead
    /// of being closed at once: the timeouts above guarantee that slots come free, so a
    /// NoPass server calling during a flood is answered late rather than refused. Keep it
    /// below the process's open-file limit.
    pub max_connections: usize,
    /// How long [`super::EmbeddedServer::stop`] lets callbacks in flight finish (their hooks
    /// run and their changes are committed) before it closes their connections.
    pub shutdown_grace: Duration,
    /// Serve HTTPS with this certificate (and, if it has client CAs, require client
    /// certificates). `None`: plain HTTP, for a receiver behind a TLS-terminating proxy or on
    /// a private network.
    pub tls: Option<ServerTls>,
    /// Serve the process's metrics ([`crate::metrics::prometheus_text`]) to `GET` at this exact
    /// path, e.g. `/metrics`. `None` (the default): no such page; the path is answered as any
    /// unknown path. The page holds counts and durations only, no secret, but it is served to
    /// whoever reaches the receiver, without the portal's access policy: expose it where only
    /// the scraper can reach it.
    pub metrics_path: Option<String>,
}

impl ReceiverOptions {
    /// The default of [`ReceiverOptions::header_read_timeout`].
    pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
    /// Long enough for a body of `PortalConfig::DEFAULT_MAX_BODY_BYTES` on a slow link.
    pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(20);
    /// The default of [`ReceiverOptions::idle_timeout`].
    pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(5);
    /// Well below the 1024 open files a process commonly may have.
    pub const DEFAULT_MAX_CONNECTIONS: usize = 512;
    /// The default of [`ReceiverOptions::shutdown_grace`].
    pub const DEFAULT_SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

    /// Sets how long a caller has to send a request head.
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout;
        self
    }

    /// Sets how long a caller has to send a request body.
    pub fn body_read_timeout(mut self, timeout: Duration) -> Self {
        self.body_read_timeout = timeout;
        self
    }

    /// Sets how long an unused connection is kept.
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// Sets how many connections are served at once.
    pub fn max_connections(mut self, cap: usize) -> Self {
        self.max_connections = cap;
        self
    }

    /// Sets how long stopping lets callbacks in flight finish.
    pub fn shutdown_grace(mut self, grace: Duration) -> Self {
        self.shutdown_grace = grace;
        self
    }

    /// Serves HTTPS with `tls` (mutual TLS when it has client CAs).
    pub fn tls(mut self, tls: ServerTls) -> Self {
        self.tls = Some(tls);
        self
    }

    /// Serves the metrics page at `path` (`None` turns it off, the default).
    pub fn metrics_path(mut self, path: Option<impl Into<String>>) -> Self {
        self.metrics_path = path.map(Into::into);
        self
    }

    /// Refuses options that would refuse every callback (a zero timeout or cap) and a metrics
    /// path that is not an absolute path.
    pub fn validate(&self) -> Result<()> {
        if self.body_read_timeout.is_zero() {
            return Err(Error::Config("body_read_timeout must be longer than zero".into()));
        }
        if let Some(path) = &self.metrics_path {
            let plain = path.starts_with('/') && !path.contains(['?', '#']) && !path.chars().any(char::is_whitespace);
            if !plain {
                return Err(Error::Config("metrics_path must be an absolute path such as /metrics".into()));
            }
        }
        self.serve_options().validate()
    }

    /// Refuses a metrics path that would hide a callback of a portal mounted at `mount`.
    pub(super) fn check_metrics_path(&self, mount: &str) -> Result<()> {
        match &self.metrics_path {
            Some(path) if super::Callback::from_path(mount, path).is_some() => {
                Err(Error::Config("metrics_path must not be a NoPass callback path".into()))
            }
            _ => Ok(()),
        }
    }

    /// The part the server loop enforces; the body timeout is the receiver's own.
    pub(super) fn serve_options(&self) -> ServeOptions {
        ServeOptions {
            header_read_timeout: Some(self.header_read_timeout),
            idle_timeout: Some(self.idle_timeout),
            max_connections: Some(self.max_connections),
            shutdown_grace: self.shutdown_grace,
            tls: self.tls.clone(),
        }
    }
}

impl Default for ReceiverOptions {
    fn default() -> Self {
        Self {
            header_read_timeout: Self::DEFAULT_HEADER_READ_TIMEOUT,
            body_read_timeout: Self::DEFAULT_BODY_READ_TIMEOUT,
            idle_timeout: Self::DEFAULT_IDLE_TIMEOUT,
            max_connections: Self::DEFAULT_MAX_CONNECTIONS,
            shutdown_grace: Self::DEFAULT_SHUTDOWN_GRACE,
            tls: None,
            metrics_path: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_limits_are_refused_as_config_errors() {
        assert!(ReceiverOptions::default().validate().is_ok());
        for options in [
            ReceiverOptions::default().header_read_timeout(Duration::ZERO),
            ReceiverOptions::default().body_read_timeout(Duration::ZERO),
            ReceiverOptions::default().idle_timeout(Duration::ZERO),
            ReceiverOptions::default().max_connections(0),
            ReceiverOptions::default().metrics_path(Some("metrics")),
            ReceiverOptions::default().metrics_path(Some("/metrics?x=1")),
        ] {
            assert_eq!(options.validate().unwrap_err().code(), "config", "{options:?}");
        }
    }
}
