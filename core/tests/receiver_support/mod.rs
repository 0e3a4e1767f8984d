//! Shared set-up of the embedded receiver tests: a portal, raw HTTP/1.1 over a socket (to
//! stall, trickle and hold connections as no HTTP client library would), and the open-file
//! limit thousands of sockets need.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::time::Duration;

use authbridge::nopass::{Callback, Portal, PortalHooks};
use serde_json::json;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use crate::nopass_support::{config, ADMIN_ID, R};

/// The portal every receiver test serves: the only place that knows how a portal is built.
pub fn portal(hooks: impl PortalHooks) -> Portal {
    Portal::builder(config()).hooks(hooks).build().unwrap()
}

/// Any free port on the loopback interface.
pub fn localhost() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}

/// A ConfirmPreRegistration body (callback 1 in docs/vendors/nopass.md) the portal answers 200
/// while it is not registered.
pub fn pre_registration() -> String {
    json!({ "adminId": ADMIN_ID, "r": R }).to_string()
}

/// A whole callback request, with `body`, on a kept-alive connection.
pub fn request(callback: Callback, body: &str) -> Vec<u8> {
    let mut bytes = head(callback, body.len());
    bytes.extend_from_slice(body.as_bytes());
    bytes
}

/// A whole callback request after which the server is asked to close the connection.
pub fn request_then_close(callback: Callback, body: &str) -> Vec<u8> {
    let mut bytes = head(callback, body.len());
    bytes.truncate(bytes.len() - 2);
    bytes.extend_from_slice(b"Connection: close\r\n\r\n");
    bytes.extend_from_slice(body.as_bytes());
    bytes
}

/// A callback's request head announcing a body of `length` bytes.
pub fn head(callback: Callback, length: usize) -> Vec<u8> {
    format!(
        "POST {} HTTP/1.1\r\nHost: portal.test\r\nContent-Type: application/json-patch+json\r\nContent-Length: {length}\r\n\r\n",
        callback.path()
    )
    .into_bytes()
}

/// An HTTP answer as read off the socket.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: String,
}

/// Reads one response whose body has a `Content-Length`; `None` if the connection ends first.
pub async fn read_response<S: AsyncRead + Unpin>(stream: &mut S) -> Option<Answer> {
    let mut received = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(end) = received.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => received.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&received[..head_end]).to_ascii_lowercase();
    let status = head.split(' ').nth(1)?.parse().ok()?;
    let length: usize = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .map_or(0, |value| value.trim().parse().unwrap());
    while received.len() < head_end + length {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => received.extend_from_slice(&chunk[..n]),
        }
    }
    let body = String::from_utf8_lossy(&received[head_end..head_end + length]).into_owned();
    Some(Answer { status, body })
}

/// Sends a whole callback and reads its answer.
pub async fn exchange<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    callback: Callback,
    body: &str,
) -> Option<Answer> {
    stream.write_all(&request(callback, body)).await.ok()?;
    read_response(stream).await
}

/// Waits up to `limit` for the server to close the connection, reading and discarding what
/// it sends. True when it closed (end of stream or reset), false when it was still open.
pub async fn closed_within<S: AsyncRead + Unpin>(stream: &mut S, limit: Duration) -> bool {
    let mut chunk = [0u8; 1024];
    tokio::time::timeout(limit, async {
        loop {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(_) => continue,
            }
        }
    })
    .await
    .is_ok()
}

/// Raises this process's soft limit on open files to `wanted` (or the hard limit, if lower)
/// and returns the limit now in force.
pub fn raise_open_file_limit(wanted: libc::rlim_t) -> libc::rlim_t {
    let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit and setrlimit only read and write the struct passed by reference.
    unsafe {
        assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit), 0);
        if limit.rlim_cur < wanted {
            limit.rlim_cur = wanted.min(limit.rlim_max);
            assert_eq!(libc::setrlimit(libc::RLIMIT_NOFILE, &limit), 0);
        }
    }
    limit.rlim_cur
}
