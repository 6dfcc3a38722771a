//! A loopback HTTP/1.1 proxy between sync clients and the server that injects network faults
//! from a seeded schedule. One request per connection (`Connection: close` both ways), so every
//! request is a unit the schedule can decide about:
//!
//! - forward it normally;
//! - drop the request (close without forwarding);
//! - drop the response (forward, let the server apply it, close without answering — the
//!   dangerous case: applied but never acknowledged);
//! - duplicate it (forward twice at once, answer with one of the two);
//! - delay it (0–300 ms; with devices syncing at once this reorders their requests);
//! - reorder it (hold it until the next request has been forwarded, or a timeout);
//! - truncate the response (half of it, then close);
//! - answer 502 with an HTML page, as a reverse proxy does.
//!
//! When the server is down (stopped, or killed with SIGKILL) the proxy answers 502 HTML like a
//! real reverse proxy in front of it would.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

use super::rng::Rng;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Forward,
    DropRequest,
    DropResponse,
    /// Forward twice at once; answer with the second's answer when `true`.
    Duplicate(bool),
    Delay(Duration),
    /// Hold until the next request went through, at most this long.
    Reorder(Duration),
    Truncate,
    BadGateway,
}

impl Fault {
    pub fn name(self) -> &'static str {
        match self {
            Fault::Forward => "forward",
            Fault::DropRequest => "drop_request",
            Fault::DropResponse => "drop_response",
            Fault::Duplicate(_) => "duplicate",
            Fault::Delay(_) => "delay",
            Fault::Reorder(_) => "reorder",
            Fault::Truncate => "truncate",
            Fault::BadGateway => "bad_gateway",
        }
    }
}

/// The kinds in the order counts are kept and printed.
pub const KINDS: [&str; 9] = [
    "forward",
    "drop_request",
    "drop_response",
    "duplicate",
    "delay",
    "reorder",
    "truncate",
    "bad_gateway",
    "upstream_down",
];

#[derive(Debug, Default)]
pub struct FaultCounts([AtomicU64; 9]);

impl FaultCounts {
    fn add(&self, kind: &str) {
        if let Some(i) = KINDS.iter().position(|k| *k == kind) {
            self.0[i].fetch_add(1, Ordering::Relaxed);
        }
    }

    pub fn snapshot(&self) -> [u64; 9] {
        std::array::from_fn(|i| self.0[i].load(Ordering::Relaxed))
    }
}

#[derive(Debug)]
struct Plan {
    /// `None`: pass everything through untouched.
    rng: Option<Rng>,
    /// The next request's number, for the log.
    n: u64,
}

#[derive(Debug)]
struct Inner {
    upstream: RwLock<Option<SocketAddr>>,
    plan: Mutex<Plan>,
    held: Mutex<Option<oneshot::Sender<()>>>,
    counts: Arc<FaultCounts>,
    log: Mutex<Vec<String>>,
}

#[derive(Debug)]
pub struct FaultProxy {
    pub url: String,
    inner: Arc<Inner>,
    accept: tokio::task::JoinHandle<()>,
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl FaultProxy {
    /// A proxy to `upstream`, adding its fault counts to `counts`.
    pub async fn start(upstream: Option<SocketAddr>, counts: Arc<FaultCounts>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the proxy");
        let url = format!("http://{}", listener.local_addr().expect("proxy addr"));
        let inner = Arc::new(Inner {
            upstream: RwLock::new(upstream),
            plan: Mutex::new(Plan { rng: None, n: 0 }),
            held: Mutex::new(None),
            counts,
            log: Mutex::new(Vec::new()),
        });
        let accepting = Arc::clone(&inner);
        let accept = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { continue };
                let _ = stream.set_nodelay(true);
                tokio::spawn(handle(Arc::clone(&accepting), stream));
            }
        });
        FaultProxy { url, inner, accept }
    }

    /// Where requests go (`None`: the server is down; answer 502).
    pub fn set_upstream(&self, upstream: Option<SocketAddr>) {
        *self.inner.upstream.write().unwrap_or_else(std::sync::PoisonError::into_inner) = upstream;
    }

    /// Injects faults drawn from `seed` from now on; `None` heals the network.
    pub fn set_faults(&self, seed: Option<u64>) {
        let mut plan = lock(&self.inner.plan);
        plan.rng = seed.map(Rng::new);
        plan.n = 0;
    }

    /// What was done to each request since the last call.
    pub fn take_log(&self) -> Vec<String> {
        std::mem::take(&mut *lock(&self.inner.log))
    }
}

impl Inner {
    fn decide(&self) -> (u64, Fault) {
        let mut plan = lock(&self.plan);
        plan.n += 1;
        let n = plan.n;
        let Some(rng) = plan.rng.as_mut() else { return (n, Fault::Forward) };
        // forward, drop request, drop response, duplicate, delay, reorder, truncate, 502
        let fault = match rng.weighted(&[56, 7, 10, 7, 8, 5, 4, 3]) {
            0 => Fault::Forward,
            1 => Fault::DropRequest,
            2 => Fault::DropResponse,
            3 => Fault::Duplicate(rng.chance(50)),
            4 => Fault::Delay(Duration::from_millis(rng.range(0, 300))),
            5 => Fault::Reorder(Duration::from_millis(rng.range(20, 300))),
            6 => Fault::Truncate,
            _ => Fault::BadGateway,
        };
        (n, fault)
    }

    fn upstream(&self) -> Option<SocketAddr> {
        *self.upstream.read().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

enum Upstream {
    /// Nothing listens (the server is stopped or was killed).
    Down,
    /// The connection broke before a whole answer came back.
    Broken,
}

async fn handle(inner: Arc<Inner>, mut client: TcpStream) {
    let Ok(Some((line, request))) =
        tokio::time::timeout(Duration::from_secs(30), read_request(&mut client)).await
    else {
        return;
    };
    // A request held back for reordering goes once this one has been through.
    let release = lock(&inner.held).take();
    let (n, fault) = inner.decide();
    if fault != Fault::Forward {
        lock(&inner.log).push(format!("#{n} {line} → {fault:?}"));
    }
    inner.counts.add(fault.name());
    let answer = match fault {
        Fault::DropRequest => None,
        Fault::BadGateway => Some(Ok(bad_gateway())),
        Fault::Forward | Fault::DropResponse | Fault::Truncate => {
            Some(forward(&inner, &request).await)
        }
        Fault::Delay(d) => {
            tokio::time::sleep(d).await;
            Some(forward(&inner, &request).await)
        }
        Fault::Reorder(limit) => {
            let (tx, rx) = oneshot::channel();
            if let Some(previous) = lock(&inner.held).replace(tx) {
                let _ = previous.send(());
            }
            let _ = tokio::time::timeout(limit, rx).await;
            Some(forward(&inner, &request).await)
        }
        Fault::Duplicate(second) => {
            let (a, b) = tokio::join!(forward(&inner, &request), forward(&inner, &request));
            Some(match (a, b) {
                (Ok(a), Ok(b)) => Ok(if second { b } else { a }),
                (Ok(one), Err(_)) | (Err(_), Ok(one)) => Ok(one),
                (Err(e), Err(_)) => Err(e),
            })
        }
    };
    if let Some(release) = release {
        let _ = release.send(());
    }
    let bytes = match answer {
        Some(Ok(bytes)) => bytes,
        Some(Err(Upstream::Down)) => {
            inner.counts.add("upstream_down");
            bad_gateway()
        }
        // Dropped on purpose, or the server died mid-answer: the client sees the close.
        None | Some(Err(Upstream::Broken)) => return,
    };
    match fault {
        Fault::DropResponse => {}
        Fault::Truncate => {
            let _ = client.write_all(&bytes[..bytes.len() / 2]).await;
        }
        _ => {
            let _ = client.write_all(&close_connection(&bytes)).await;
        }
    }
    let _ = client.shutdown().await;
}

/// Reads one request (head and a `Content-Length` body) and rewrites it to close the
/// connection after the answer. Answers the request line and the bytes to send upstream.
async fn read_request(client: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = find(&buf, b"\r\n\r\n") {
            break i;
        }
        if buf.len() > 64 * 1024 {
            return None;
        }
        let n = client.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let line = lines.next()?.to_owned();
    let mut length = 0usize;
    let mut out_head = format!("{line}\r\n");
    for header in lines {
        let lower = header.to_ascii_lowercase();
        if lower.starts_with("transfer-encoding:") {
            return None; // the sync client always sends a Content-Length
        }
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse().ok()?;
        }
        if lower.starts_with("connection:") || lower.starts_with("keep-alive:") {
            continue;
        }
        out_head.push_str(header);
        out_head.push_str("\r\n");
    }
    out_head.push_str("connection: close\r\n\r\n");
    let mut body = buf.split_off(head_end + 4);
    while body.len() < length {
        let n = client.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    body.truncate(length);
    let mut out = out_head.into_bytes();
    out.extend_from_slice(&body);
    Some((line, out))
}

async fn forward(inner: &Inner, request: &[u8]) -> Result<Vec<u8>, Upstream> {
    let addr = inner.upstream().ok_or(Upstream::Down)?;
    let connect = tokio::time::timeout(Duration::from_secs(5), TcpStream::connect(addr));
    let Ok(Ok(mut server)) = connect.await else { return Err(Upstream::Down) };
    let _ = server.set_nodelay(true);
    server.write_all(request).await.map_err(|_| Upstream::Broken)?;
    let mut answer = Vec::new();
    match tokio::time::timeout(Duration::from_secs(60), server.read_to_end(&mut answer)).await {
        Ok(Ok(_)) if find(&answer, b"\r\n\r\n").is_some() => Ok(answer),
        _ => Err(Upstream::Broken),
    }
}

/// The answer with its `Connection` header replaced by `close`.
fn close_connection(answer: &[u8]) -> Vec<u8> {
    let Some(end) = find(answer, b"\r\n\r\n") else { return answer.to_vec() };
    let head = String::from_utf8_lossy(&answer[..end]).into_owned();
    let mut out = String::new();
    for (i, line) in head.split("\r\n").enumerate() {
        if i > 0 && line.to_ascii_lowercase().starts_with("connection:") {
            continue;
        }
        out.push_str(line);
        out.push_str("\r\n");
    }
    out.push_str("connection: close\r\n\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(&answer[end + 4..]);
    bytes
}

fn bad_gateway() -> Vec<u8> {
    let body = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>";
    format!(
        "HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
