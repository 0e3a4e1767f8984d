//! A nevisIDM password login through authbridge against the same request made with bare
//! `reqwest`, both against the sandbox over keep-alive connections.
//!
//! Criterion measures each; the overhead ratio (target: within 10%) comes from rounds that
//! alternate between the two, so a change in machine load hits both alike.
//! `cargo bench -p authbridge --bench nevis_login`
// Helpers outside the #[test] functions may unwrap as the tests themselves do.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use authbridge::nevis::{NevisClient, NevisConfig};
use authbridge::sandbox::Sandbox;
use authbridge::{Secret, Vendor};
use criterion::Criterion;
use tokio::runtime::Runtime;

const ROUNDS: usize = 15;
const CALLS_PER_ROUND: u32 = 400;

struct Fixture {
    runtime: Runtime,
    sandbox: Sandbox,
    client: NevisClient,
    password: Secret,
    bare: reqwest::Client,
    url: String,
}

impl Fixture {
    fn new() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let sandbox = runtime.block_on(Sandbox::start()).unwrap();
        let sim = sandbox.nevis();
        sim.add_client("1000", "Default");
        sim.add_user("1000", "1234");
        sim.set_password("1000", "1234", "1StrongPassword!");
        let base = sandbox.url(Vendor::Nevis).unwrap();
        let client = NevisClient::new(NevisConfig::new(&base).unwrap()).unwrap();
        let bare = reqwest::Client::builder().use_rustls_tls().build().unwrap();
        let url = format!("{base}/nevisidm/api/auth/v1/1000/users/1234/password/login/");
        Self { runtime, sandbox, client, password: Secret::new("1StrongPassword!"), bare, url }
    }

    async fn authbridge_login(&self) {
        let status = self.client.password_login("1000", "1234", &self.password).await.unwrap();
        assert!(status.status.is_ok());
    }

    async fn bare_login(&self) {
        let body = serde_json::to_vec(&serde_json::json!({ "password": "1StrongPassword!" })).unwrap();
        let response = self
            .bare
            .post(&self.url)
            .header("accept", "application/json")
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
        assert_eq!(body["statusCode"], 5);
    }

    /// Median per-call time of each contender over alternating rounds.
    fn interleaved(&self) -> (Duration, Duration) {
        let mut ours = Vec::with_capacity(ROUNDS);
        let mut bare = Vec::with_capacity(ROUNDS);
        self.runtime.block_on(async {
            for _ in 0..ROUNDS {
                let started = Instant::now();
                for _ in 0..CALLS_PER_ROUND {
                    self.authbridge_login().await;
                }
                ours.push(started.elapsed() / CALLS_PER_ROUND);
                let started = Instant::now();
                for _ in 0..CALLS_PER_ROUND {
                    self.bare_login().await;
                }
                bare.push(started.elapsed() / CALLS_PER_ROUND);
            }
        });
        (median(ours), median(bare))
    }
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort_unstable();
    samples[samples.len() / 2]
}

fn criterion_benches(c: &mut Criterion, fixture: &Fixture) {
    let mut group = c.benchmark_group("nevis_password_login");
    group.bench_function("authbridge", |b| b.to_async(&fixture.runtime).iter(|| fixture.authbridge_login()));
    group.bench_function("bare_reqwest", |b| b.to_async(&fixture.runtime).iter(|| fixture.bare_login()));
    group.finish();
}

fn main() {
    let fixture = Fixture::new();
    let mut criterion = Criterion::default().configure_from_args();
    criterion_benches(&mut criterion, &fixture);
    criterion.final_summary();
    let (ours, bare) = fixture.interleaved();
    let ratio = ours.as_secs_f64() / bare.as_secs_f64();
    println!(
        "\nnevis password login, median of {ROUNDS} alternating rounds of {CALLS_PER_ROUND} calls: \
         authbridge {:.1} µs, bare reqwest {:.1} µs per call; ratio {ratio:.3} (overhead {:+.1}%)",
        ours.as_secs_f64() * 1e6,
        bare.as_secs_f64() * 1e6,
        (ratio - 1.0) * 100.0
    );
    let Fixture { runtime, sandbox, .. } = fixture;
    runtime.block_on(sandbox.stop());
}
