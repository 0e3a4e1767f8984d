//! Stopping the embedded receiver: a callback in flight is still answered (its hook runs to
//! the end and its change is committed), idle connections do not hold the stop up, and the
//! grace period bounds how long a slow callback can.
#![cfg(all(unix, feature = "nopass", feature = "server", feature = "sandbox"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod nopass_support;
mod receiver_support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use authbridge::nopass::{
    Callback, EmbeddedServer, HookFuture, PortalHooks, PortalPhase, PreRegistration, ReceiverOptions,
};
use receiver_support::*;
use tokio::net::TcpStream;
use tokio::sync::Notify;

/// Pre-registration hooks that take their time, and say when they have begun.
struct Slow {
    delay: Duration,
    started: Arc<Notify>,
}

impl PortalHooks for Slow {
    fn confirm_pre_registration(&self, _event: PreRegistration) -> HookFuture<()> {
        let (delay, started) = (self.delay, self.started.clone());
        Box::pin(async move {
            started.notify_one();
            tokio::time::sleep(delay).await;
            Ok(())
        })
    }
}

/// A receiver whose pre-registration hook takes `delay`, the portal it serves, and a signal
/// that a callback is in flight.
async fn start(delay: Duration, grace: Duration) -> (EmbeddedServer, authbridge::nopass::Portal, Arc<Notify>) {
    let started = Arc::new(Notify::new());
    let portal = portal(Slow { delay, started: started.clone() });
    // Idle connections are not closed by a timeout of their own before the grace runs out.
    let options = ReceiverOptions::default()
        .shutdown_grace(grace)
        .idle_timeout(Duration::from_secs(60))
        .header_read_timeout(Duration::from_secs(60));
    let server = EmbeddedServer::start_with(portal.clone(), localhost(), options).await.unwrap();
    (server, portal, started)
}

fn send_pre_registration(url: String) -> tokio::task::JoinHandle<reqwest::Result<reqwest::StatusCode>> {
    tokio::spawn(async move {
        let answer = reqwest::Client::new()
            .post(format!("{url}{}", Callback::ConfirmPreRegistration.path()))
            .header("Content-Type", "application/json-patch+json")
            .body(pre_registration())
            .send()
            .await?;
        Ok(answer.status())
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_callback_in_flight_is_answered_after_stop_is_called() {
    let (server, portal, started) = start(Duration::from_millis(300), Duration::from_secs(10)).await;
    let addr = server.addr();
    let mut idle = TcpStream::connect(addr).await.unwrap();
    assert!(exchange(&mut idle, Callback::CloseSession, "{}").await.is_some());

    let in_flight = send_pre_registration(server.url());
    started.notified().await;
    let stopping = Instant::now();
    server.stop().await;
    let stopped_after = stopping.elapsed();

    assert_eq!(in_flight.await.unwrap().unwrap(), 200);
    assert_eq!(portal.status().await.unwrap().phase, PortalPhase::PreRegistered);
    // The idle connection was closed at once rather than waited for until the grace ran out.
    assert!(stopped_after < Duration::from_secs(5), "stop took {stopped_after:?}");
    assert!(closed_within(&mut idle, Duration::from_secs(1)).await, "an idle connection outlived the stop");
    assert!(TcpStream::connect(addr).await.is_err(), "still accepting after the stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_callback_slower_than_the_grace_period_is_cut_off() {
    let grace = Duration::from_millis(300);
    let (server, _portal, started) = start(Duration::from_secs(30), grace).await;

    let in_flight = send_pre_registration(server.url());
    started.notified().await;
    let stopping = Instant::now();
    server.stop().await;
    let stopped_after = stopping.elapsed();

    assert!(stopped_after >= grace, "stop took {stopped_after:?}, less than the grace");
    assert!(stopped_after < Duration::from_secs(10), "stop took {stopped_after:?}");
    let answer = tokio::time::timeout(Duration::from_secs(5), in_flight).await.expect("the caller is let go").unwrap();
    assert!(answer.is_err(), "answered although cut off: {answer:?}");
}
