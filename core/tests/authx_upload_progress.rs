//! A large ProcessBiometric upload reports its progress and can be cancelled mid-way: the
//! call fails with `cancelled` at once and the stand-in sees the upload abandoned.
#![cfg(all(feature = "authx", feature = "sandbox"))]
#![allow(clippy::unwrap_used)]

mod authx_support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use authbridge::authx::{BiometricCall, BiometricData, BiometricKind, BiometricProcess, UploadOptions};
use authbridge::CancellationToken;
use authx_support::{profile, setup};

const MIB: usize = 1024 * 1024;
const SAMPLE: usize = 64 * MIB;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_64_mib_upload_reports_monotone_throttled_progress_ending_at_the_total() {
    let (sandbox, client) = setup().await;
    let guid = client.add_user(&profile("progress")).await.unwrap();
    // Slow enough that the throttle shows, fast enough to take about a second.
    sandbox.authx().set_upload_rate(Some(64 * MIB as u64));
    let calls = Arc::new(Mutex::new(Vec::new()));
    let seen = calls.clone();
    let options = UploadOptions::new().on_progress(move |sent, total| seen.lock().unwrap().push((sent, total)));
    let enrol = BiometricCall::new(guid.as_str(), BiometricKind::Face, BiometricProcess::Enrol);

    let started = Instant::now();
    let result = client.process_biometric_with(&enrol, BiometricData::bytes(vec![7u8; SAMPLE]), options).await;
    let elapsed = started.elapsed();
    assert!(result.unwrap().outcome.is_success());

    let calls = calls.lock().unwrap().clone();
    let upload = sandbox.authx().last_upload().unwrap();
    let total = upload.content_length.unwrap();
    assert!(total > SAMPLE as u64, "the total counts the whole multipart body");
    assert_eq!(*calls.last().unwrap(), (total, total), "the last call reports the whole body");
    assert!(calls.windows(2).all(|w| w[0].0 <= w[1].0), "progress went backwards: {calls:?}");
    assert!(calls.iter().all(|&(_, t)| t == total));
    let allowed = (elapsed.as_secs_f64() * 10.0).ceil() as usize + 1;
    assert!(calls.len() >= 3 && calls.len() <= allowed, "{} calls in {elapsed:?}", calls.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_mid_way_stops_the_upload_within_a_second() {
    let (sandbox, client) = setup().await;
    let guid = client.add_user(&profile("cancel")).await.unwrap();
    // 64 MiB at 16 MiB/s: four seconds, unless cancelled.
    sandbox.authx().set_upload_rate(Some(16 * MIB as u64));
    let cancel = CancellationToken::new();
    let cancelled_at = Arc::new(Mutex::new(None));
    let options = {
        let (cancel, cancelled_at) = (cancel.clone(), cancelled_at.clone());
        UploadOptions::new().cancel(cancel.clone()).on_progress(move |sent, total| {
            if sent >= total / 4 && !cancel.is_cancelled() {
                *cancelled_at.lock().unwrap() = Some((Instant::now(), sent));
                cancel.cancel();
            }
        })
    };
    let enrol = BiometricCall::new(guid.as_str(), BiometricKind::Face, BiometricProcess::Enrol);

    let error = client.process_biometric_with(&enrol, BiometricData::bytes(vec![7u8; SAMPLE]), options).await;
    let returned = Instant::now();
    let (at, sent) = cancelled_at.lock().unwrap().unwrap();
    assert_eq!(error.unwrap_err().code(), "cancelled");
    assert!(sent < SAMPLE as u64, "cancelled after the whole body was sent");
    assert!(returned - at < Duration::from_secs(1), "the call outlived its cancellation by {:?}", returned - at);

    // The stand-in notices the closed connection on its next read.
    while sandbox.authx().aborted_uploads() == 0 && at.elapsed() < Duration::from_secs(1) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(sandbox.authx().aborted_uploads(), 1, "the stand-in did not see the upload abandoned");
    assert!(sandbox.authx().last_upload().is_none(), "the abandoned upload was processed");
}

#[tokio::test]
async fn a_call_cancelled_before_it_starts_sends_nothing() {
    let (sandbox, client) = setup().await;
    let cancel = CancellationToken::new();
    cancel.cancel();
    let enrol = BiometricCall::new("guid", BiometricKind::Face, BiometricProcess::Enrol);
    let options = UploadOptions::new().cancel(cancel);
    let error = client.process_biometric_with(&enrol, BiometricData::bytes(vec![1]), options).await.unwrap_err();
    assert_eq!(error.code(), "cancelled");
    assert_eq!(sandbox.request_count("authx.ProcessBiometric"), 0);
}
