//! Replays the fuzz seeds and every input that ever crashed the `portal_handle` fuzz target
//! through the same harness, so a fixed crash stays fixed. The harness panics on a 5xx, a
//! panic, or an answer that is not the vendor's envelope (docs/vendors/nopass.md).
#![cfg(feature = "nopass")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../fuzz/harness.rs"]
mod harness;

use std::path::Path;

fn inputs(dir: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz").join(dir);
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.file_name().is_some_and(|name| name != "README"))
        .map(|path| (path.display().to_string(), std::fs::read(&path).unwrap()))
        .collect();
    inputs.sort();
    inputs
}

#[tokio::test]
async fn seeds_and_past_crashes_pass_the_harness() {
    let seeds = inputs("seeds/portal_handle");
    assert!(seeds.len() >= 40, "the seeds are missing");
    for (name, data) in seeds.iter().chain(inputs("regressions/portal_handle").iter()) {
        let outcome = tokio::spawn({
            let data = data.clone();
            async move { harness::run(&data).await }
        })
        .await;
        assert!(outcome.is_ok(), "{name} crashes the portal");
    }
}
