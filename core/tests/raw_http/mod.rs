//! HTTP/1.1 by hand, for the few servers the sandbox cannot play: a TLS endpoint that demands
//! client certificates, a forward proxy. Each answers every request with a successful
//! nevisIDM login.

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

const LOGIN_ANSWER: &str = r#"{"statusCode":5,"description":"Login successful"}"#;

/// Reads a request up to the end of its head; `None` when the peer leaves first.
pub async fn read_head<S: AsyncRead + Unpin>(stream: &mut S) -> Option<String> {
    let mut head = Vec::new();
    let mut chunk = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => head.extend_from_slice(&chunk[..n]),
        }
    }
    Some(String::from_utf8_lossy(&head).into_owned())
}

/// Answers with a successful login and closes the connection.
pub async fn answer_login<S: AsyncWrite + Unpin>(stream: &mut S) {
    let answer = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{LOGIN_ANSWER}",
        LOGIN_ANSWER.len()
    );
    let _ = stream.write_all(answer.as_bytes()).await;
    let _ = stream.shutdown().await;
}
