//! The embedded receiver on a hostile network: clients that stall mid-head or mid-body, more
//! connections than it serves at once, and connections left open doing nothing. Each is
//! closed by its timeout, and a real callback still gets through. Timeouts are short here;
//! bounds are generous (behaviour, not speed).
#![cfg(all(unix, feature = "nopass", feature = "server", feature = "sandbox"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod nopass_support;
mod receiver_support;

use std::time::{Duration, Instant};

use authbridge::nopass::{Callback, EmbeddedServer, NoHooks, ReceiverOptions};
use receiver_support::*;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::task::JoinSet;

async fn start(options: ReceiverOptions) -> EmbeddedServer {
    EmbeddedServer::start_with(portal(NoHooks), localhost(), options).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_thousand_stalled_clients_neither_block_a_callback_nor_stay_open() {
    const STALLED: usize = 2_000;
    // A client and a server socket per connection, and some to spare.
    let limit = raise_open_file_limit((2 * STALLED + 512) as libc::rlim_t);
    assert!(
        limit >= (2 * STALLED + 256) as libc::rlim_t,
        "this test needs more open files than the hard limit {limit}"
    );

    let header_timeout = Duration::from_secs(2);
    let body_timeout = Duration::from_secs(3);
    let options = ReceiverOptions::default()
        .header_read_timeout(header_timeout)
        .body_read_timeout(body_timeout)
        // Long, so that what closes the stalled connections is the head and body timeouts.
        .idle_timeout(Duration::from_secs(60))
        .max_connections(STALLED + 64);
    let server = start(options).await;

    // Half of them stop in the middle of the head, half in the middle of the body.
    let half_head = &head(Callback::CloseSession, 64)[..40];
    let full_head = head(Callback::CloseSession, 64);
    let mut stalled = Vec::with_capacity(STALLED);
    for i in 0..STALLED {
        let opened = Instant::now();
        let mut stream = TcpStream::connect(server.addr()).await.unwrap();
        if i % 2 == 0 {
            stream.write_all(half_head).await.unwrap();
            stalled.push((stream, opened, header_timeout));
        } else {
            stream.write_all(&full_head).await.unwrap();
            stream.write_all(b"{\"portalId\":").await.unwrap();
            stalled.push((stream, opened, body_timeout));
        }
    }

    let client = reqwest::Client::new();
    let asked = Instant::now();
    let answer = tokio::time::timeout(
        Duration::from_secs(1),
        client
            .post(format!("{}{}", server.url(), Callback::ConfirmPreRegistration.path()))
            .header("Content-Type", "application/json-patch+json")
            .body(pre_registration())
            .send(),
    )
    .await
    .expect("a real callback is answered within 1 s while 2,000 clients stall")
    .unwrap();
    assert_eq!(answer.status(), 200, "answered in {:?}", asked.elapsed());

    let mut closing = JoinSet::new();
    for (mut stream, opened, timeout) in stalled {
        closing.spawn(async move {
            let closed = closed_within(&mut stream, Duration::from_secs(15)).await;
            (closed, opened.elapsed(), timeout)
        });
    }
    let mut closed = 0;
    while let Some(result) = closing.join_next().await {
        let (was_closed, after, timeout) = result.unwrap();
        assert!(was_closed, "a stalled connection is still open after {after:?}");
        // Not closed by anything but its own timeout (50 ms for timer rounding).
        assert!(after + Duration::from_millis(50) >= timeout, "closed after {after:?}, before its {timeout:?}");
        closed += 1;
    }
    assert_eq!(closed, STALLED);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_over_the_cap_wait_until_one_ends() {
    let options = ReceiverOptions::default()
        .max_connections(3)
        .header_read_timeout(Duration::from_secs(30))
        .idle_timeout(Duration::from_secs(30));
    let server = start(options).await;

    // Three kept-alive connections, each proven served by an answer.
    let mut held = Vec::new();
    for _ in 0..3 {
        let mut stream = TcpStream::connect(server.addr()).await.unwrap();
        assert!(exchange(&mut stream, Callback::CloseSession, "{}").await.is_some());
        held.push(stream);
    }

    // A fourth connects (the kernel completes the handshake) but is not served.
    let mut fourth = TcpStream::connect(server.addr()).await.unwrap();
    fourth.write_all(&request(Callback::CloseSession, "{}")).await.unwrap();
    let early = tokio::time::timeout(Duration::from_millis(500), read_response(&mut fourth)).await;
    assert!(early.is_err(), "a connection over the cap was served: {early:?}");

    // One ends: the fourth takes its slot and is answered.
    drop(held.pop());
    let answer = tokio::time::timeout(Duration::from_secs(5), read_response(&mut fourth)).await;
    assert!(answer.expect("served once a slot came free").is_some());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connections_are_closed_after_the_idle_timeout_and_busy_ones_are_not() {
    let idle_timeout = Duration::from_secs(2);
    let options = ReceiverOptions::default()
        .idle_timeout(idle_timeout)
        // Longer, so that what closes them is the idle timeout.
        .header_read_timeout(Duration::from_secs(20));
    let server = start(options).await;

    // Opened and never used.
    let unused_since = Instant::now();
    let mut unused = TcpStream::connect(server.addr()).await.unwrap();

    // Kept alive: a second request within the idle timeout is served on the same connection.
    let mut kept = TcpStream::connect(server.addr()).await.unwrap();
    assert!(exchange(&mut kept, Callback::CloseSession, "{}").await.is_some());
    tokio::time::sleep(Duration::from_millis(200)).await;
    let last_request = Instant::now();
    assert!(exchange(&mut kept, Callback::CloseSession, "{}").await.is_some(), "closed while in use");

    assert!(closed_within(&mut kept, Duration::from_secs(10)).await, "an idle kept-alive connection stays open");
    assert!(last_request.elapsed() >= idle_timeout, "closed after {:?}", last_request.elapsed());
    assert!(closed_within(&mut unused, Duration::from_secs(10)).await, "an unused connection stays open");
    assert!(unused_since.elapsed() >= idle_timeout, "closed after {:?}", unused_since.elapsed());
    server.stop().await;
}
