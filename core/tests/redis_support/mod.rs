//! A real `redis-server` for the Redis store's tests: started as a child process on a free
//! port of 127.0.0.1 with its own directory, AOF on and fsynced at every write, never the
//! machine's own Redis service. Killed (SIGKILL) when dropped.
//!
//! `redis-server` must be on PATH: `tests/run-all` installs it (`apt-get install
//! redis-server`). Without it these tests fail rather than skip, so a run without Redis cannot
//! pass for one that tested the store.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

static SERVERS: AtomicUsize = AtomicUsize::new(0);

/// How long a fresh server may take to answer PING.
const STARTUP: Duration = Duration::from_secs(20);

pub struct RedisServer {
    child: Option<Child>,
    pub port: u16,
    pub dir: PathBuf,
    extra: Vec<String>,
}

impl RedisServer {
    /// A server with the test's settings and nothing else.
    pub fn start() -> Self {
        Self::start_with(&[])
    }

    /// A server with extra `redis-server` arguments (e.g. `["--requirepass", "pw"]`).
    pub fn start_with(extra: &[&str]) -> Self {
        let n = SERVERS.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("authbridge-redis-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let mut server =
            Self { child: None, port: free_port(), dir, extra: extra.iter().map(|s| s.to_string()).collect() };
        server.spawn();
        server
    }

    /// `redis://127.0.0.1:<port>/0?portal=<portal>` (credentials go in by hand where needed).
    pub fn url(&self, portal: &str) -> String {
        format!("redis://127.0.0.1:{}/0?portal={portal}", self.port)
    }

    /// Kills the server as a crash would (SIGKILL), keeping its directory.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same port and directory: it reloads its AOF.
    pub fn restart(&mut self) {
        self.kill();
        self.spawn();
    }

    fn spawn(&mut self) {
        let log = std::fs::File::create(self.dir.join("redis.log")).unwrap();
        let mut command = Command::new("redis-server");
        command
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "yes", "--appendfsync", "always"])
            .arg("--dir")
            .arg(&self.dir)
            .args(&self.extra)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log);
        let child = match command.spawn() {
            Ok(child) => child,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
                "redis-server is not on PATH: the Redis store's tests need a real Redis. tests/run-all installs it \
                 (apt-get install redis-server)"
            ),
            Err(e) => panic!("could not start redis-server: {e}"),
        };
        self.child = Some(child);
        self.wait_until_up();
    }

    fn wait_until_up(&mut self) {
        let deadline = Instant::now() + STARTUP;
        loop {
            if let Some(status) = self.child.as_mut().and_then(|c| c.try_wait().unwrap()) {
                let log = std::fs::read_to_string(self.dir.join("redis.log")).unwrap_or_default();
                panic!("redis-server exited ({status}) on port {}:\n{log}", self.port);
            }
            if answers_ping(self.port) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "redis-server on port {} did not answer PING within {STARTUP:?}",
                self.port
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Whether a Redis answers on `port` (`+PONG`, or `-NOAUTH` from one that wants a password).
fn answers_ping(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else { return false };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
    if stream.write_all(b"PING\r\n").is_err() {
        return false;
    }
    let mut answer = [0u8; 7];
    stream.read_exact(&mut answer).is_ok() && (answer.starts_with(b"+PONG") || answer.starts_with(b"-NOAUTH"))
}

/// A port nothing listens on now (the server binds it right after).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A portal name no other test uses, so tests on one server share nothing.
pub fn unique_portal(name: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    format!("{name}-{}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed))
}
