//! A nevisIDM password login through authbridge against the same request made with bare
//! `reqwest`, both against the sandbox over keep-alive connections. Prints the overhead ratio
//! (target: within 10%). `cargo bench -p authbridge --bench nevis_login`

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use authbridge::nevis::{NevisClient, NevisConfig};
use authbridge::sandbox::Sandbox;
use authbridge::{Secret, Vendor};
use criterion::{criterion_group, Criterion};

/// Total time and iterations criterion measured, per contender.
static MEASURED: Mutex<Option<HashMap<&'static str, (Duration, u64)>>> = Mutex::new(None);

fn record(name: &'static str, elapsed: Duration, iters: u64) {
    let mut measured = MEASURED.lock().unwrap();
    let entry = measured.get_or_insert_with(HashMap::new).entry(name).or_default();
    entry.0 += elapsed;
    entry.1 += iters;
}

fn bench(c: &mut Criterion) {
    let runtime = Arc::new(tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap());
    let sandbox = runtime.block_on(Sandbox::start()).unwrap();
    let sim = sandbox.nevis();
    sim.add_client("1000", "Default");
    sim.add_user("1000", "1234");
    sim.set_password("1000", "1234", "1StrongPassword!");
    let base = sandbox.url(Vendor::Nevis).unwrap();

    let client = NevisClient::new(NevisConfig::new(&base).unwrap()).unwrap();
    let password = Secret::new("1StrongPassword!");
    let bare = reqwest::Client::builder().use_rustls_tls().build().unwrap();
    let url = format!("{base}/nevisidm/api/auth/v1/1000/users/1234/password/login/");

    let mut group = c.benchmark_group("nevis_password_login");
    group.bench_function("authbridge", |b| {
        b.to_async(runtime.as_ref()).iter_custom(|iters| {
            let (client, password) = (&client, &password);
            async move {
                let started = Instant::now();
                for _ in 0..iters {
                    let status = client.password_login("1000", "1234", password).await.unwrap();
                    assert!(status.status.is_ok());
                }
                let elapsed = started.elapsed();
                record("authbridge", elapsed, iters);
                elapsed
            }
        })
    });
    group.bench_function("bare_reqwest", |b| {
        b.to_async(runtime.as_ref()).iter_custom(|iters| {
            let (bare, url) = (&bare, &url);
            async move {
                let started = Instant::now();
                for _ in 0..iters {
                    let response = bare
                        .post(url)
                        .header("accept", "application/json")
                        .header("content-type", "application/json")
                        .body(serde_json::to_vec(&serde_json::json!({ "password": "1StrongPassword!" })).unwrap())
                        .send()
                        .await
                        .unwrap();
                    let body: serde_json::Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
                    assert_eq!(body["statusCode"], 5);
                }
                let elapsed = started.elapsed();
                record("bare_reqwest", elapsed, iters);
                elapsed
            }
        })
    });
    group.finish();
    runtime.block_on(sandbox.stop());
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    let measured = MEASURED.lock().unwrap();
    let per_call = |name| {
        let (total, iters) = measured.as_ref()?.get(name).copied()?;
        Some(total.as_secs_f64() / iters.max(1) as f64)
    };
    if let (Some(ours), Some(bare)) = (per_call("authbridge"), per_call("bare_reqwest")) {
        println!(
            "\nnevis password login: authbridge {:.1} µs, bare reqwest {:.1} µs per call; ratio {:.3} (overhead {:+.1}%)",
            ours * 1e6,
            bare * 1e6,
            ours / bare,
            (ours / bare - 1.0) * 100.0
        );
    }
}
