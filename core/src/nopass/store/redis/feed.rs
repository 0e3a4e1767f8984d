//! Change notifications between replicas. The apply script PUBLISHes a notice on the portal's
//! channel in the same atomic step as the change, so a notice is sent exactly for each
//! committed change. Each store holds ONE pub/sub connection, whose listener fans the notices
//! out in-process through a [`ChangeBroadcast`]; however many waits a replica has, Redis sees
//! one subscriber per replica.
//!
//! A store tells its own subscribers directly once a change is committed (a notice names the
//! store it came from, and a store skips its own), so waits in the replica that made a change
//! do not depend on the pub/sub connection. When that connection drops, notices from other
//! replicas may be lost: once it is subscribed again, the listener says
//! [`StoreEvent::Everything`] so every wait re-reads. A connection that stays silent is
//! pinged, so one lost without a reset (a dead peer, a dropped route) is noticed too.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use redis::aio::PubSub;
use redis::{Client, Msg};
use serde::{Deserialize, Serialize};
use tokio::task::JoinHandle;

use super::errors::redis_error;
use super::target::Target;
use crate::nopass::store::{ChangeBroadcast, StoreEvent};
use crate::Result;

/// How often a quiet pub/sub connection is pinged, and how long the answer may take.
const PING_EVERY: Duration = Duration::from_secs(5);
const PING_TIMEOUT: Duration = Duration::from_secs(3);
/// Waits between attempts to subscribe again.
const MIN_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// What travels on the channel: which store made the change, and what it touched.
#[derive(Debug, Serialize, Deserialize)]
struct Notice {
    from: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    sessions: Vec<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    everything: bool,
}

/// The notice the script publishes for `event` from the store `instance`; `None` when the
/// change touched no session, so nobody needs to hear of it.
pub(super) fn notice(instance: &str, event: &StoreEvent) -> Option<String> {
    let notice = match event {
        StoreEvent::Sessions(handles) if handles.is_empty() => return None,
        StoreEvent::Sessions(handles) => {
            Notice { from: instance.into(), sessions: handles.to_vec(), everything: false }
        }
        StoreEvent::Everything => Notice { from: instance.into(), sessions: Vec::new(), everything: true },
    };
    serde_json::to_string(&notice).ok()
}

/// The event a received notice stands for; `None` for the store's own. A notice that cannot
/// be read says "re-read everything": it is safe, and costs only reads.
fn event_of(instance: &str, payload: &[u8]) -> Option<StoreEvent> {
    match serde_json::from_slice::<Notice>(payload) {
        Ok(notice) if notice.from == instance => None,
        Ok(notice) if notice.everything => Some(StoreEvent::Everything),
        Ok(notice) => Some(StoreEvent::Sessions(notice.sessions.into())),
        Err(_) => Some(StoreEvent::Everything),
    }
}

/// The task that keeps the store's pub/sub connection; it stops when the store is dropped.
#[derive(Debug)]
pub(super) struct Listener {
    task: JoinHandle<()>,
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Everything the listener needs to subscribe again on its own.
pub(super) struct Subscription {
    pub(super) client: Client,
    pub(super) channel: String,
    pub(super) instance: String,
    pub(super) changes: ChangeBroadcast,
    pub(super) connect_timeout: Duration,
    /// For log lines and errors: the address, never the password.
    pub(super) target: Arc<Target>,
}

/// Subscribes (so the store is not handed out before it hears other replicas) and starts the
/// listener.
pub(super) async fn start(subscription: Subscription) -> Result<Listener> {
    let first = connect(&subscription).await.map_err(|error| redis_error(&subscription.target, &error))?;
    Ok(Listener { task: tokio::spawn(run(subscription, first)) })
}

/// A pub/sub connection subscribed to the portal's channel, within the connect timeout.
async fn connect(subscription: &Subscription) -> redis::RedisResult<PubSub> {
    let connect = async {
        let mut pubsub = subscription.client.get_async_pubsub().await?;
        pubsub.subscribe(&subscription.channel).await?;
        Ok(pubsub)
    };
    tokio::time::timeout(subscription.connect_timeout, connect).await.unwrap_or_else(|_| {
        let message = format!("subscribing to changes took longer than {:?}", subscription.connect_timeout);
        Err(std::io::Error::new(std::io::ErrorKind::TimedOut, message).into())
    })
}

async fn run(subscription: Subscription, first: PubSub) {
    let address = &subscription.target.address;
    let mut connected = Some(first);
    let mut backoff = MIN_BACKOFF;
    loop {
        let pubsub = match connected.take() {
            Some(pubsub) => pubsub,
            None => match connect(&subscription).await {
                Ok(pubsub) => {
                    tracing::info!(redis = %address, "store change feed subscribed again");
                    // Whatever was published while we were away is lost: re-read.
                    subscription.changes.publish(StoreEvent::Everything);
                    backoff = MIN_BACKOFF;
                    pubsub
                }
                Err(error) => {
                    let error = redis_error(&subscription.target, &error);
                    tracing::debug!(%error, "store change feed could not subscribe yet");
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                    continue;
                }
            },
        };
        listen(pubsub, &subscription.instance, &subscription.changes).await;
        tracing::warn!(redis = %address, "store change feed lost its connection; subscribing again");
    }
}

/// Delivers notices until the connection drops or stops answering pings.
async fn listen(pubsub: PubSub, instance: &str, changes: &ChangeBroadcast) {
    let (mut sink, mut stream) = pubsub.split();
    let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + PING_EVERY, PING_EVERY);
    loop {
        tokio::select! {
            message = stream.next() => match message {
                Some(message) => deliver(&message, instance, changes),
                None => return,
            },
            _ = ping.tick() => {
                let answer = tokio::time::timeout(PING_TIMEOUT, sink.ping::<redis::Value>()).await;
                if !matches!(answer, Ok(Ok(_))) {
                    return;
                }
            }
        }
    }
}

fn deliver(message: &Msg, instance: &str, changes: &ChangeBroadcast) {
    if let Some(event) = event_of(instance, message.get_payload_bytes()) {
        changes.publish(event);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn notices_name_their_sessions_and_skip_their_sender() {
        let event = StoreEvent::Sessions(vec!["h1".to_string(), "h2".to_string()].into());
        let text = notice("me", &event).unwrap();
        assert_eq!(event_of("other", text.as_bytes()), Some(event));
        assert_eq!(event_of("me", text.as_bytes()), None);
        let all = notice("me", &StoreEvent::Everything).unwrap();
        assert_eq!(event_of("other", all.as_bytes()), Some(StoreEvent::Everything));
        assert_eq!(notice("me", &StoreEvent::Sessions(Vec::new().into())), None);
        assert_eq!(event_of("other", b"garbage"), Some(StoreEvent::Everything));
    }
}
