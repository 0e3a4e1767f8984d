//! The limits a server loop enforces on its connections.

use std::time::Duration;

use tokio::sync::Semaphore;

use crate::{Error, Result};

/// Timeouts, a connection cap, the stop grace and TLS for [`super::serve_with`].
///
/// The default is the loop as a local test double needs it (what the sandbox runs with): no
/// timeouts, no cap, no TLS, and [`super::ServerHandle::stop`] closes connections at once. A
/// server facing a network sets every limit; the NoPass receiver's `ReceiverOptions` does.
#[derive(Debug, Clone, Default)]
pub struct ServeOptions {
    /// How long a client has to send a whole request head, counted from the moment the
    /// connection is ready for one: accepted, or done with its previous answer (hyper starts
    /// the clock there, so this also bounds the wait for the next request on a kept-alive
    /// connection). With TLS the handshake has this long too, before the head's own clock
    /// starts. On expiry the connection is closed without an answer. `None`: no limit.
    pub header_read_timeout: Option<Duration>,
    /// A connection on which no request is being handled and no byte has moved for this long
    /// is closed: an idle keep-alive connection, or one opened and never used. `None`: no
    /// limit.
    pub idle_timeout: Option<Duration>,
    /// At most this many connections are served at once. Over the cap the loop stops
    /// accepting, so further connections wait in the listen backlog until one ends (rather
    /// than being closed at once): the timeouts guarantee that slots come free, and a
    /// legitimate caller arriving during a flood is then answered late instead of refused.
    /// `None`: no cap.
    pub max_connections: Option<usize>,
    /// How long [`super::ServerHandle::stop`] lets requests in flight finish before it closes
    /// their connections. Idle connections are closed at once either way.
    pub shutdown_grace: Duration,
    /// Serve HTTPS instead of HTTP.
    #[cfg(feature = "server")]
    pub tls: Option<super::ServerTls>,
}

impl ServeOptions {
    /// Refuses limits the loop cannot honour: a zero timeout or cap would refuse every
    /// request.
    pub fn validate(&self) -> Result<()> {
        for (name, timeout) in [("header_read_timeout", self.header_read_timeout), ("idle_timeout", self.idle_timeout)]
        {
            if timeout.is_some_and(|t| t.is_zero()) {
                return Err(Error::Config(format!("{name} must be longer than zero (or unset)")));
            }
        }
        if let Some(cap) = self.max_connections {
            if cap == 0 || cap > Semaphore::MAX_PERMITS {
                return Err(Error::Config(format!(
                    "max_connections must be between 1 and {} (or unset)",
                    Semaphore::MAX_PERMITS
                )));
            }
        }
        Ok(())
    }
}
