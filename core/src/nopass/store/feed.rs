//! Change notifications, part of the store contract: a store tells every subscriber which
//! sessions a committed change touched, so a wait wakes only for its own session (a few
//! thousand waits and a hundred commits cost about a hundred reads, not a few hundred
//! thousand). A store shared by several processes also reports their changes (Redis: pub/sub);
//! one that cannot (SQLite shared by two processes) leaves the portal's polling to find them.

use std::sync::Arc;

use futures_util::stream::{self, BoxStream, StreamExt};
use tokio::sync::broadcast;

use super::{Change, StoreOp};

/// What a subscriber learns of a committed change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreEvent {
    /// These sessions (by handle) changed.
    Sessions(Arc<[String]>),
    /// Anything may have changed (a reset or purge, or notifications were missed): re-read.
    Everything,
}

impl StoreEvent {
    /// What `change` touched.
    pub fn of(change: &Change) -> Self {
        let mut handles = Vec::new();
        for op in &change.ops {
            match op {
                StoreOp::InsertSession(session) | StoreOp::UpdateSession { session, .. } => {
                    handles.push(session.handle.clone());
                }
                StoreOp::Reset | StoreOp::Purge { .. } => return StoreEvent::Everything,
                StoreOp::SetPortal(_) | StoreOp::PutRegistration(_) | StoreOp::TakeRegistration(_) => {}
            }
        }
        StoreEvent::Sessions(handles.into())
    }

    /// Whether the session with `handle` may have changed.
    pub fn touches(&self, handle: &str) -> bool {
        match self {
            StoreEvent::Sessions(handles) => handles.iter().any(|h| h == handle),
            StoreEvent::Everything => true,
        }
    }
}

/// A stream of [`StoreEvent`]s; it ends when the store can no longer notify (the portal then
/// falls back to polling).
pub type ChangeFeed = BoxStream<'static, StoreEvent>;

/// A feed that never says anything: for stores without notifications.
pub fn silent_feed() -> ChangeFeed {
    stream::pending().boxed()
}

/// Fans a store's committed changes out to its subscribers in this process. A subscriber
/// that falls behind gets [`StoreEvent::Everything`] instead of what it missed.
#[derive(Debug, Clone)]
pub struct ChangeBroadcast {
    sender: broadcast::Sender<StoreEvent>,
}

impl Default for ChangeBroadcast {
    fn default() -> Self {
        Self { sender: broadcast::channel(1024).0 }
    }
}

impl ChangeBroadcast {
    /// Tells every subscriber about `event` (nobody listening is fine).
    pub fn publish(&self, event: StoreEvent) {
        let _ = self.sender.send(event);
    }

    /// A feed of every event published from now on; a subscriber that falls behind gets
    /// [`StoreEvent::Everything`] instead of the events it missed.
    pub fn subscribe(&self) -> ChangeFeed {
        stream::unfold(self.sender.subscribe(), |mut receiver| async move {
            match receiver.recv().await {
                Ok(event) => Some((event, receiver)),
                Err(broadcast::error::RecvError::Lagged(_)) => Some((StoreEvent::Everything, receiver)),
                Err(broadcast::error::RecvError::Closed) => None,
            }
        })
        .boxed()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[tokio::test]
    async fn subscribers_learn_what_changed_and_laggards_re_read() {
        let broadcast = ChangeBroadcast::default();
        let mut feed = broadcast.subscribe();
        broadcast.publish(StoreEvent::Sessions(vec!["a".to_string()].into()));
        let event = feed.next().await.unwrap();
        assert!(event.touches("a") && !event.touches("b"));

        let mut slow = broadcast.subscribe();
        for _ in 0..2000 {
            broadcast.publish(StoreEvent::Sessions(vec!["x".to_string()].into()));
        }
        assert_eq!(slow.next().await.unwrap(), StoreEvent::Everything, "a laggard is told to re-read");
        assert!(StoreEvent::Everything.touches("anything"));
    }

    #[test]
    fn a_change_names_the_sessions_it_touched() {
        let reset = Change { portal_version: 0, ops: vec![StoreOp::Reset] };
        assert_eq!(StoreEvent::of(&reset), StoreEvent::Everything);
        let nothing = Change { portal_version: 0, ops: vec![StoreOp::TakeRegistration([0; 32])] };
        assert!(!StoreEvent::of(&nothing).touches("a"));
    }
}
