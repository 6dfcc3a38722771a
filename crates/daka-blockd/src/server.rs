//! The socket: `/run/daka-blockd.sock`, mode 0666 so every local user can ask for a status
//! (and, per the [`Access`](crate::ratchet::Access) rules, start a block); the peer's uid comes
//! from the kernel (`SO_PEERCRED`), never from the request.
//!
//! One thread per connection (at most [`MAX_CONNECTIONS`]; more are closed at once), each frame
//! read against a deadline of [`IO_TIMEOUT`] so a slow or silent client cannot hold a thread or
//! the service lock, and writes time out too. The service sits behind one mutex: requests are
//! short, and the enforcer thread takes the same lock once a second.

use std::fs;
use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use crate::clock::{Clock, SystemClock};
use crate::protocol::{
    ErrorCode, FrameError, MAX_REQUEST_FRAME, Response, WireError, parse_request, read_frame,
    write_frame,
};
use crate::service::{Config, Service};

/// Per-frame read deadline and write timeout.
pub const IO_TIMEOUT: Duration = Duration::from_secs(5);
/// Connections served at once.
pub const MAX_CONNECTIONS: usize = 32;

/// Why the daemon could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("another daka-blockd is already listening on {0}")]
    AlreadyRunning(PathBuf),
    #[error("{0} exists and is not a socket; refusing to replace it")]
    NotASocket(PathBuf),
    #[error("cannot listen on {path}: {source}")]
    Bind { path: PathBuf, source: io::Error },
    #[error("cannot start the enforcer thread: {0}")]
    Thread(io::Error),
}

/// Runs the daemon until the process is killed. The layers and state stay as they are when it
/// dies: the next start resumes or cleans up.
pub fn serve(socket: &Path, config: Config) -> Result<(), ServeError> {
    serve_with_clock(socket, config, Arc::new(SystemClock))
}

/// [`serve`] with another clock.
pub fn serve_with_clock(
    socket: &Path,
    config: Config,
    clock: Arc<dyn Clock>,
) -> Result<(), ServeError> {
    // Bind first: if another daemon runs, stop before touching any file it manages.
    let listener = bind(socket)?;
    let root = config.root.display().to_string();
    let service = Arc::new(Mutex::new(Service::open(config, clock)));
    tracing::info!("daka-blockd listening on {} (root {root})", socket.display());

    let enforcer = Arc::clone(&service);
    let spawned = thread::Builder::new().name("enforcer".into()).spawn(move || {
        loop {
            let wait = lock(&enforcer).tick();
            thread::sleep(wait.max(Duration::from_millis(10)));
        }
    });
    if let Err(e) = spawned {
        return Err(ServeError::Thread(e));
    }

    let open = Arc::new(AtomicUsize::new(0));
    for conn in listener.incoming() {
        let stream = match conn {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!("accept: {e}");
                thread::sleep(Duration::from_millis(50));
                continue;
            }
        };
        if open.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            open.fetch_sub(1, Ordering::SeqCst);
            continue; // dropping the stream closes it
        }
        let guard = OpenGuard(Arc::clone(&open));
        let service = Arc::clone(&service);
        let spawned = thread::Builder::new().name("conn".into()).spawn(move || {
            let _guard = guard;
            serve_connection(&stream, &service);
        });
        if let Err(e) = spawned {
            tracing::warn!("cannot start a connection thread: {e}");
        }
    }
    Ok(())
}

/// Decrements the open-connection count when a connection thread ends (or never starts).
struct OpenGuard(Arc<AtomicUsize>);

impl Drop for OpenGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn lock(service: &Mutex<Service>) -> MutexGuard<'_, Service> {
    // Nothing panics while holding the lock; if something ever did, the state is still
    // consistent file-wise, so keep serving.
    service.lock().unwrap_or_else(PoisonError::into_inner)
}

fn bind(path: &Path) -> Result<UnixListener, ServeError> {
    let err = |source| ServeError::Bind { path: path.to_path_buf(), source };
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_socket() => {
            if UnixStream::connect(path).is_ok() {
                return Err(ServeError::AlreadyRunning(path.to_path_buf()));
            }
            fs::remove_file(path).map_err(err)?;
        }
        Ok(_) => return Err(ServeError::NotASocket(path.to_path_buf())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(err(e)),
    }
    let listener = UnixListener::bind(path).map_err(err)?;
    fs::set_permissions(path, fs::Permissions::from_mode(0o666)).map_err(err)?;
    Ok(listener)
}

fn serve_connection(stream: &UnixStream, service: &Mutex<Service>) {
    let uid = match rustix::net::sockopt::socket_peercred(stream) {
        Ok(cred) => cred.uid.as_raw(),
        Err(e) => {
            tracing::debug!("no peer credentials: {e}");
            return;
        }
    };
    if stream.set_write_timeout(Some(IO_TIMEOUT)).is_err() {
        return;
    }
    loop {
        let mut reader = DeadlineReader { stream, deadline: Instant::now() + IO_TIMEOUT };
        let response = match read_frame(&mut reader, MAX_REQUEST_FRAME) {
            Ok(payload) => match parse_request(&payload) {
                Ok(op) => lock(service).handle(uid, op),
                Err(e) => Response::err(e),
            },
            Err(FrameError::TooLarge(n)) => {
                let e = WireError::with_message(
                    ErrorCode::FrameTooLarge,
                    format!("{n} bytes; at most {MAX_REQUEST_FRAME}"),
                );
                let _ = write_frame(&mut &*stream, &Response::err(e).to_bytes());
                return;
            }
            Err(FrameError::Closed | FrameError::Io(_)) => return,
        };
        if write_frame(&mut &*stream, &response.to_bytes()).is_err() {
            return;
        }
    }
}

/// Reads from a stream, failing once `deadline` has passed however the bytes trickle in.
struct DeadlineReader<'a> {
    stream: &'a UnixStream,
    deadline: Instant,
}

impl Read for DeadlineReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        self.stream.set_read_timeout(Some(left))?;
        (&*self.stream).read(buf)
    }
}
