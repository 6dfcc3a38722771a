//! The client the app (and `daka-blockd client …`) uses: one blocking request per connection,
//! with timeouts, and errors the app can show in the user's language.

#[cfg(unix)]
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use daka_core::lang::Lang;
use daka_focus::hosts::HostsError;

use crate::protocol::{
    Detail, ErrorCode, MAX_REQUEST_FRAME, MAX_RESPONSE_FRAME, Op, Request, Response, Status,
};

/// The socket of the system daemon.
pub const SYSTEM_SOCKET: &str = "/run/daka-blockd.sock";
/// How long one request may take (connect, send, answer).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Talks to a daemon over its socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    socket: PathBuf,
    timeout: Duration,
}

/// Why a request did not succeed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    /// There is no socket: the helper is not installed (or not started since boot).
    #[error("daka-blockd is not installed")]
    NotInstalled,
    /// The socket exists but nobody listens.
    #[error("daka-blockd is not running")]
    NotRunning,
    /// The daemon did not answer in time.
    #[error("daka-blockd did not answer in time")]
    Timeout,
    /// Another connection problem.
    #[error("cannot talk to daka-blockd: {0}")]
    Io(String),
    /// The answer was not understood (a daemon of another version?).
    #[error("unexpected answer from daka-blockd: {0}")]
    Protocol(String),
    /// The daemon refused the request.
    #[error("daka-blockd refused: {}", code.as_str())]
    Refused { code: ErrorCode, detail: Detail },
}

impl Client {
    /// A client for the daemon listening on `socket_path`.
    pub fn new(socket_path: impl Into<PathBuf>) -> Self {
        Client { socket: socket_path.into(), timeout: DEFAULT_TIMEOUT }
    }

    /// A client for the system daemon ([`SYSTEM_SOCKET`]).
    pub fn system() -> Self {
        Client::new(SYSTEM_SOCKET)
    }

    /// The same client with another per-request timeout.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn socket_path(&self) -> &Path {
        &self.socket
    }

    /// What the daemon is doing.
    pub fn status(&self) -> Result<Status, ClientError> {
        self.send(Op::Status)
    }

    /// Starts a block, or tightens the running one (see the ratchet rules).
    pub fn start(
        &self,
        sites: &[String],
        duration_secs: u32,
        strict: bool,
    ) -> Result<Status, ClientError> {
        let op =
            Op::Start { sites: sites.to_vec(), duration_secs: u64::from(duration_secs), strict };
        self.send(op)
    }

    /// Moves the end later (never past 24 h from now).
    pub fn extend(&self, duration_secs: u32) -> Result<Status, ClientError> {
        self.send(Op::Extend { duration_secs: u64::from(duration_secs) })
    }

    /// Adds sites to the running block.
    pub fn add_sites(&self, sites: &[String]) -> Result<Status, ClientError> {
        self.send(Op::AddSites { sites: sites.to_vec() })
    }

    /// Ends a non-strict block early.
    pub fn stop(&self) -> Result<Status, ClientError> {
        self.send(Op::Stop)
    }

    /// Sends any operation.
    #[cfg(unix)]
    pub fn send(&self, op: Op) -> Result<Status, ClientError> {
        use crate::protocol::{FrameError, read_frame, write_frame};
        use std::os::unix::net::UnixStream;

        let payload = serde_json::to_vec(&Request::new(op))
            .map_err(|e| ClientError::Protocol(e.to_string()))?;
        if payload.len() > MAX_REQUEST_FRAME {
            // Would be refused anyway; say so without sending it.
            return Err(ClientError::Refused {
                code: ErrorCode::FrameTooLarge,
                detail: Detail { max: Some(MAX_REQUEST_FRAME as u64), ..Detail::default() },
            });
        }
        let mut stream = UnixStream::connect(&self.socket).map_err(connect_error)?;
        stream.set_read_timeout(Some(self.timeout)).map_err(io_error)?;
        stream.set_write_timeout(Some(self.timeout)).map_err(io_error)?;
        write_frame(&mut stream, &payload).map_err(io_error)?;
        let reply = read_frame(&mut stream, MAX_RESPONSE_FRAME).map_err(|e| match e {
            FrameError::Closed => ClientError::Protocol("connection closed".into()),
            FrameError::TooLarge(n) => ClientError::Protocol(format!("{n}-byte reply")),
            FrameError::Io(e) => io_error(e),
        })?;
        let response: Response =
            serde_json::from_slice(&reply).map_err(|e| ClientError::Protocol(e.to_string()))?;
        match response {
            Response { ok: true, status: Some(status), .. } => Ok(status),
            Response { ok: false, error: Some(e), .. } => {
                Err(ClientError::Refused { code: e.code, detail: e.detail })
            }
            _ => Err(ClientError::Protocol("neither a status nor an error".into())),
        }
    }

    /// Sends any operation (no daemon off Unix yet).
    #[cfg(not(unix))]
    pub fn send(&self, op: Op) -> Result<Status, ClientError> {
        let _ = (op, MAX_REQUEST_FRAME, MAX_RESPONSE_FRAME);
        Err(ClientError::NotInstalled)
    }
}

#[cfg(unix)]
fn connect_error(e: io::Error) -> ClientError {
    match e.kind() {
        io::ErrorKind::NotFound => ClientError::NotInstalled,
        io::ErrorKind::ConnectionRefused => ClientError::NotRunning,
        _ => io_error(e),
    }
}

#[cfg(unix)]
fn io_error(e: io::Error) -> ClientError {
    match e.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => ClientError::Timeout,
        _ => ClientError::Io(e.to_string()),
    }
}

impl ClientError {
    /// True if the helper is missing or not running (the app then offers to install it).
    pub fn is_unavailable(&self) -> bool {
        matches!(self, ClientError::NotInstalled | ClientError::NotRunning)
    }

    /// The message shown to the user, in their language.
    pub fn message(&self, lang: Lang) -> String {
        let zh = lang == Lang::ZhCn;
        let pick = |z: &str, e: &str| if zh { z.to_owned() } else { e.to_owned() };
        match self {
            ClientError::NotInstalled => pick(
                "网站屏蔽助手（daka-blockd）还没有安装，安装后才能屏蔽网站。",
                "The website blocker (daka-blockd) is not installed; install it to block sites.",
            ),
            ClientError::NotRunning => pick(
                "网站屏蔽助手（daka-blockd）没有运行。可以运行 sudo systemctl start daka-blockd 启动它。",
                "The website blocker (daka-blockd) is not running. Start it with: sudo systemctl start daka-blockd",
            ),
            ClientError::Timeout => pick(
                "网站屏蔽助手没有响应，请稍后再试。",
                "The website blocker did not respond; please try again.",
            ),
            ClientError::Io(m) if zh => format!("无法连接网站屏蔽助手：{m}"),
            ClientError::Io(m) => format!("Cannot reach the website blocker: {m}"),
            ClientError::Protocol(_) => pick(
                "打卡和网站屏蔽助手的版本不一致，请更新后重试。",
                "Daka and its website blocker do not match; please update and try again.",
            ),
            ClientError::Refused { code, detail } => refusal_message(*code, detail, lang),
        }
    }
}

fn refusal_message(code: ErrorCode, detail: &Detail, lang: Lang) -> String {
    let zh = lang == Lang::ZhCn;
    let max = detail.max.unwrap_or(0);
    match code {
        ErrorCode::Forbidden => lang
            .pick(
                "你没有权限修改这次网站屏蔽（它由另一个用户开启，或你的账户未被允许）。",
                "You may not change this block (another user started it, or your account is not allowed).",
            )
            .into(),
        ErrorCode::Strict => {
            lang.pick("严格模式下不能提前结束网站屏蔽", "A strict block cannot be stopped early").into()
        }
        ErrorCode::NotActive => {
            lang.pick("现在没有进行中的网站屏蔽。", "No block is running.").into()
        }
        ErrorCode::InvalidSite => {
            let n = detail.index.map_or(0, |i| u64::from(i) + 1);
            let why = detail.site_error.as_ref().map(|e| e.message(lang)).unwrap_or_default();
            if zh { format!("第 {n} 个网站无法屏蔽：{why}") } else { format!("Site {n} cannot be blocked: {why}") }
        }
        ErrorCode::NoSites => {
            lang.pick("请至少选择一个要屏蔽的网站。", "Choose at least one site to block.").into()
        }
        ErrorCode::TooManySites if zh => format!("网站太多了：最多 {max} 个。"),
        ErrorCode::TooManySites => format!("Too many sites: at most {max}."),
        ErrorCode::InvalidDuration => lang
            .pick("屏蔽时长必须在 1 秒到 24 小时之间。", "A block lasts from 1 second to 24 hours.")
            .into(),
        ErrorCode::HostsBroken => HostsError::BrokenSection.message(lang),
        ErrorCode::Io => {
            let m = detail.message.clone().unwrap_or_default();
            if zh { format!("网站屏蔽助手无法写入系统文件：{m}") } else { format!("The website blocker could not write a system file: {m}") }
        }
        ErrorCode::FrameTooLarge => lang
            .pick("一次添加的网站太多，请分几次添加。", "Too many sites at once; add them in smaller groups.")
            .into(),
        ErrorCode::BadRequest | ErrorCode::UnsupportedVersion | ErrorCode::UnknownOp | ErrorCode::Unknown => {
            let c = code.as_str();
            if zh { format!("打卡和网站屏蔽助手的版本不一致，请更新后重试（{c}）。") } else { format!("Daka and its website blocker do not match; please update and try again ({c}).") }
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use daka_focus::blocklist::BlocklistError;

    #[test]
    fn a_missing_socket_means_not_installed_and_a_dead_one_not_running() {
        let dir = tempfile::tempdir().unwrap();
        let client = Client::new(dir.path().join("none.sock"));
        assert_eq!(client.status(), Err(ClientError::NotInstalled));
        let path = dir.path().join("dead.sock");
        drop(std::os::unix::net::UnixListener::bind(&path).unwrap());
        assert_eq!(Client::new(&path).status(), Err(ClientError::NotRunning));
        assert!(ClientError::NotRunning.is_unavailable());
    }

    #[test]
    fn an_oversized_request_is_refused_locally() {
        let sites: Vec<String> =
            (0..10_000).map(|i| format!("site-number-{i}.example.com")).collect();
        let err = Client::new("/nonexistent.sock").start(&sites, 60, false).unwrap_err();
        assert!(matches!(err, ClientError::Refused { code: ErrorCode::FrameTooLarge, .. }));
    }

    #[test]
    fn messages_exist_in_both_languages() {
        let strict = ClientError::Refused { code: ErrorCode::Strict, detail: Detail::default() };
        assert_eq!(strict.message(Lang::ZhCn), "严格模式下不能提前结束网站屏蔽");
        assert_eq!(strict.message(Lang::En), "A strict block cannot be stopped early");
        let site = ClientError::Refused {
            code: ErrorCode::InvalidSite,
            detail: Detail {
                index: Some(2),
                site_error: Some(BlocklistError::Wildcard),
                ..Detail::default()
            },
        };
        assert!(site.message(Lang::ZhCn).starts_with("第 3 个网站"));
        assert!(site.message(Lang::En).starts_with("Site 3 cannot be blocked: No wildcards"));
        let all = [
            ClientError::NotInstalled,
            ClientError::NotRunning,
            ClientError::Timeout,
            ClientError::Io("x".into()),
            ClientError::Protocol("x".into()),
        ];
        for e in all {
            assert_ne!(e.message(Lang::ZhCn), e.message(Lang::En));
        }
        for code in [
            ErrorCode::Forbidden,
            ErrorCode::NotActive,
            ErrorCode::NoSites,
            ErrorCode::TooManySites,
            ErrorCode::InvalidDuration,
            ErrorCode::HostsBroken,
            ErrorCode::Io,
            ErrorCode::BadRequest,
            ErrorCode::FrameTooLarge,
            ErrorCode::UnsupportedVersion,
            ErrorCode::UnknownOp,
            ErrorCode::Unknown,
        ] {
            let e = ClientError::Refused { code, detail: Detail::default() };
            assert!(!e.message(Lang::ZhCn).is_empty());
            assert_ne!(e.message(Lang::ZhCn), e.message(Lang::En), "{code:?}");
        }
    }
}
