//! Frames a ProcessBiometric body with authbridge's public encoder and writes it to a file, for
//! checking the framing with another language's multipart parser.
//!
//! `cargo run -p authbridge --example authx_frame -- <sample file> <body out>`
//!
//! Prints one JSON line: the `Content-Type` (with the boundary), the `Content-Length` and the
//! JSON part's fields, so the checker knows what it must parse back. An empty sample is framed
//! as a delete (enrol and verify need a sample).

use authbridge::authx::{BiometricApp, BiometricCall, BiometricData, BiometricFrame, BiometricKind, BiometricProcess};
use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, sample, out] = args.as_slice() else {
        return Err("usage: authx_frame <sample file> <body out>".into());
    };
    let data = BiometricData::file(sample).await?;
    let process = if data.is_empty() { BiometricProcess::Delete } else { BiometricProcess::Enrol };
    let app =
        BiometricApp::new("BDD0D146-09DF-452B-AAD0-2B5F4E91F748", "B1B1620C-091A-48A6-AA99-C80AA7B07137", "hu1tjtwu");
    let call = BiometricCall::new("bf78c938-bf06-4625-bf79-7622f3f98e88", BiometricKind::Palm, process);
    let frame = BiometricFrame::new(&app, &call, data)?;
    let line = serde_json::json!({
        "content_type": frame.content_type(),
        "content_length": frame.content_length(),
        "correlation_id": frame.correlation_id(),
        "user_name": call.user,
        "authentication_id": call.kind.id(),
        "process_type": call.process.id(),
    });
    // Streamed to disk chunk by chunk, as it would be to a socket.
    let mut file = tokio::fs::File::create(out).await?;
    let mut body = frame.into_stream();
    while let Some(chunk) = body.next().await {
        file.write_all(&chunk?).await?;
    }
    file.flush().await?;
    println!("{line}");
    Ok(())
}
