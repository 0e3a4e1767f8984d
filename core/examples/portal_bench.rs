//! How fast the NoPass portal answers callbacks, by store and number of replicas, and how soon
//! a login page waiting on one replica learns of a callback another replica handled.
//!
//! A measurement, not a test. The sandbox plays the NoPass server and spreads UpdatePicture
//! callbacks for 64 logins over the replicas' embedded receivers (64 in flight), for a few
//! seconds per configuration: memory and SQLite on one replica, Redis on one and on three
//! (each replica with its own Redis connections, as separate processes would have). Redis is a
//! `redis-server` started here on a free port (AOF, fsync every second, its default).
//!
//! `cargo run --release -p authbridge --example portal_bench --features redis`

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use authbridge::nopass::{
    open_store, AccessPolicy, EmbeddedServer, NoPassServerConfig, Portal, PortalConfig, PortalStore,
};
use authbridge::sandbox::Sandbox;
use authbridge::{Vendor, WaitOptions};

const LOGINS: usize = 64;
const RUN: Duration = Duration::from_secs(4);
const WAKE_SAMPLES: usize = 300;

type Fallible<T> = Result<T, Box<dyn std::error::Error>>;

/// A redis-server of our own, stopped when dropped.
struct Redis {
    child: Child,
    port: u16,
    dir: std::path::PathBuf,
}

impl Redis {
    fn start() -> Fallible<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let dir = std::env::temp_dir().join(format!("authbridge-bench-redis-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes"])
            .arg("--dir")
            .arg(&dir)
            .stdout(Stdio::null())
            .spawn()
            .map_err(|e| format!("could not start redis-server (apt-get install redis-server): {e}"))?;
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                return Err("redis-server did not start within 10 s".into());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(Self { child, port, dir })
    }

    fn url(&self, portal: &str) -> String {
        format!("redis://127.0.0.1:{}/0?portal={portal}", self.port)
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Replicas of one portal on `store_url`, each with its own store connection and embedded
/// receiver, registered through the sandbox and with `LOGINS` logins started.
struct Deployment {
    portals: Vec<Portal>,
    servers: Vec<EmbeddedServer>,
    auth_ids: Vec<String>,
}

async fn deploy(sandbox: &Sandbox, store_url: &str, replicas: usize) -> Fallible<Deployment> {
    let server_url = sandbox.url(Vendor::NoPass).ok_or("no NoPass stand-in")?;
    let mut portals = Vec::new();
    let mut servers = Vec::new();
    // One store for memory (a second one would be another portal); one per replica otherwise.
    let shared: Option<Arc<dyn PortalStore>> =
        if store_url == "memory:" { Some(open_store(store_url).await?) } else { None };
    for _ in 0..replicas {
        let store = match &shared {
            Some(store) => store.clone(),
            None => open_store(store_url).await?,
        };
        let config = PortalConfig::new("JimTheAdmin", "nDhTZvX82Et")?
            .server(NoPassServerConfig::new(&server_url)?)
            .access(AccessPolicy::loopback());
        let portal = Portal::builder(config).shared_store(store).build()?;
        servers.push(EmbeddedServer::start(portal.clone(), SocketAddr::from(([127, 0, 0, 1], 0))).await?);
        portals.push(portal);
    }
    let urls: Vec<String> = servers.iter().map(EmbeddedServer::url).collect();
    let nopass = sandbox.nopass();
    nopass.set_portal_urls(&urls.iter().map(String::as_str).collect::<Vec<_>>());
    nopass.register_portal("JimTheAdmin").await?;
    let mut auth_ids = Vec::new();
    for n in 0..LOGINS {
        let user = format!("bench{n}");
        nopass.add_user(&user);
        portals[n % replicas].request_authorization(&user).await?;
        auth_ids.push(nopass.last_auth_id(&user).ok_or("no authId")?);
    }
    Ok(Deployment { portals, servers, auth_ids })
}

async fn undeploy(deployment: Deployment) {
    for server in deployment.servers {
        server.stop().await;
    }
}

/// UpdatePicture callbacks per second, `LOGINS` in flight, spread over the replicas.
async fn throughput(sandbox: &Sandbox, deployment: &Deployment) -> Fallible<f64> {
    let answered = AtomicU64::new(0);
    let refused = AtomicU64::new(0);
    let started = Instant::now();
    let senders = deployment.auth_ids.iter().map(|auth_id| async {
        while started.elapsed() < RUN {
            match sandbox.nopass().update_picture(auth_id).await {
                Ok(reply) if reply.is_success() => answered.fetch_add(1, Ordering::Relaxed),
                _ => refused.fetch_add(1, Ordering::Relaxed),
            };
        }
    });
    futures_util::future::join_all(senders).await;
    let refused = refused.load(Ordering::Relaxed);
    if refused > 0 {
        return Err(format!("{refused} callbacks were not answered 200").into());
    }
    Ok(answered.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64())
}

/// From sending a callback to replica A until a wait on replica B returns, `WAKE_SAMPLES` times.
async fn wake_latencies(sandbox: &Sandbox, deployment: &Deployment) -> Fallible<Vec<Duration>> {
    let nopass = sandbox.nopass();
    nopass.set_portal_urls(&[&deployment.servers[0].url()]);
    let waiter = deployment.portals[1].clone();
    // Fresh logins, started on replica B, so the pictures below never run past their time.
    let mut handles = Vec::new();
    for n in 0..LOGINS {
        handles.push(waiter.request_authorization(&format!("bench{n}")).await?.handle);
    }
    let mut latencies = Vec::with_capacity(WAKE_SAMPLES);
    for n in 0..WAKE_SAMPLES {
        let login = n % LOGINS;
        let handle = handles[login].clone();
        let auth_id = nopass.last_auth_id(&format!("bench{login}")).ok_or("no authId")?;
        let seen = waiter.session(&handle).await?.ok_or("no session")?.version;
        // A minute between polls: only the change feed can wake the wait in time.
        let options = WaitOptions::new(Duration::from_secs(10)).interval(Duration::from_secs(60));
        let wait = {
            let waiter = waiter.clone();
            tokio::spawn(async move { waiter.wait_session(&handle, seen, &options).await.map(|_| Instant::now()) })
        };
        tokio::time::sleep(Duration::from_millis(2)).await;
        let sent = Instant::now();
        let reply = nopass.update_picture(&auth_id).await?;
        if !reply.is_success() {
            return Err(format!("a callback was refused: {reply:?}").into());
        }
        latencies.push(wait.await??.saturating_duration_since(sent));
    }
    latencies.sort();
    Ok(latencies)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main]
async fn main() -> Fallible<()> {
    let redis = Redis::start()?;
    let dir = std::env::temp_dir().join(format!("authbridge-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let sqlite = format!("sqlite:{}", dir.join("portal.sqlite").display());
    let configurations = [
        ("memory", 1, "memory:".to_string()),
        ("sqlite", 1, sqlite),
        ("redis", 1, redis.url("bench1")),
        ("redis", 3, redis.url("bench3")),
    ];
    println!("NoPass portal: UpdatePicture callbacks, {LOGINS} logins, {LOGINS} in flight, {} s each", RUN.as_secs());
    let mut baseline = None;
    for (store, replicas, url) in configurations {
        let sandbox = Sandbox::start().await?;
        let deployment = deploy(&sandbox, &url, replicas).await?;
        let rate = throughput(&sandbox, &deployment).await?;
        let ratio = rate / *baseline.get_or_insert(rate);
        println!(
            "  {store:<6} {replicas} replica{}  {rate:>9.0} callbacks/s  ({ratio:.2} × memory)",
            if replicas == 1 { " " } else { "s" }
        );
        undeploy(deployment).await;
        sandbox.stop().await;
    }

    let sandbox = Sandbox::start().await?;
    let deployment = deploy(&sandbox, &redis.url("wake"), 2).await?;
    let latencies = wake_latencies(&sandbox, &deployment).await?;
    println!(
        "Cross-replica wake-up on Redis (callback sent to replica A → wait on replica B returns), {WAKE_SAMPLES} samples: \
         p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        percentile(&latencies, 0.50).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3,
        latencies.last().map_or(0.0, |d| d.as_secs_f64() * 1e3),
    );
    undeploy(deployment).await;
    sandbox.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
