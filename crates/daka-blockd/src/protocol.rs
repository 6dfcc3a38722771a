//! The wire protocol between the app (or the CLI) and the daemon.
//!
//! * **Framing:** a 4-byte big-endian length, then that many bytes of UTF-8 JSON. A request
//!   frame is at most [`MAX_REQUEST_FRAME`] (64 KiB); a bigger header is answered with
//!   `frame_too_large` and the connection is closed, and the claimed size is never allocated
//!   (the header alone decides). Replies may be bigger (a status lists every blocked site), up
//!   to [`MAX_RESPONSE_FRAME`].
//! * **Requests:** `{"v":1,"op":"status"}`, `{"v":1,"op":"start","sites":[…],
//!   "duration_secs":N,"strict":bool}`, `{"v":1,"op":"extend","duration_secs":N}`,
//!   `{"v":1,"op":"add_sites","sites":[…]}`, `{"v":1,"op":"stop"}`. Unknown fields are
//!   ignored so a newer app can talk to an older daemon about what both know.
//! * **Replies:** `{"ok":true,"status":{…}}` or `{"ok":false,"error":{"code":"…","detail":{…}}}`.
//!   The detail is structured (site index, the [`BlocklistError`], a limit, a message) so the
//!   app can show a localized message instead of the daemon's English.

use std::io::{self, Read, Write};

use daka_focus::blocklist::BlocklistError;
use serde::{Deserialize, Serialize};

/// The protocol version this daemon speaks (`"v"` of every request).
pub const PROTOCOL_VERSION: u32 = 1;
/// The largest request frame the daemon reads.
pub const MAX_REQUEST_FRAME: usize = 64 * 1024;
/// The largest reply frame the client reads (10,000 sites of 253 characters fit).
pub const MAX_RESPONSE_FRAME: usize = 4 * 1024 * 1024;

/// One operation. Durations are `u64` on the wire so an out-of-range number is refused as
/// `invalid_duration`, not as an unreadable request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Op {
    Status,
    Start { sites: Vec<String>, duration_secs: u64, strict: bool },
    Extend { duration_secs: u64 },
    AddSites { sites: Vec<String> },
    Stop,
}

/// A request as sent: the version and the operation side by side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    pub v: u32,
    #[serde(flatten)]
    pub op: Op,
}

impl Request {
    pub fn new(op: Op) -> Self {
        Request { v: PROTOCOL_VERSION, op }
    }
}

/// The state of one enforcement layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum LayerState {
    /// Written and checked.
    Active,
    /// Deliberately not written (Firefox: the administrator has their own policies.json).
    Skipped,
    /// No block, or writing failed (the daemon retries every 15 s).
    #[default]
    Off,
}

/// The layers a block is enforced through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Layers {
    pub hosts: LayerState,
    pub chromium: LayerState,
    pub chrome: LayerState,
    pub firefox: LayerState,
}

/// What the daemon is doing. No 64-bit integers: the app passes this on to its web view.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Status {
    pub active: bool,
    pub strict: bool,
    /// The uid that started the block; `None` when no block runs.
    pub owner_uid: Option<u32>,
    /// Seconds left, rounded up; 0 when no block runs.
    pub remaining_secs: u32,
    /// When the block ends, RFC 3339 in UTC (`2025-06-01T12:00:00Z`), by the wall clock at the
    /// time of asking; `None` when no block runs.
    pub ends_at: Option<String>,
    /// The normalized sites, in the order they were first blocked.
    pub sites: Vec<String>,
    pub layers: Layers,
    /// The last hosts change was followed by a successful DNS cache flush.
    pub dns_flushed: bool,
}

/// Why a request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// This uid may not do that (not allowed at all, or not the block's owner).
    Forbidden,
    /// A strict block cannot be stopped early.
    Strict,
    /// `extend` or `add_sites` without an active block.
    NotActive,
    /// A site is not a host name (`detail.index`, `detail.site_error`).
    InvalidSite,
    /// `start` or `add_sites` with no sites.
    NoSites,
    /// More sites than a block may hold (`detail.max`).
    TooManySites,
    /// Duration outside 1 s..=24 h (`detail.max`).
    InvalidDuration,
    /// The hosts file has a broken Daka section; nothing was written.
    HostsBroken,
    /// A file could not be written (`detail.message`).
    Io,
    /// Not a request: bad UTF-8, JSON, field types (`detail.message`).
    BadRequest,
    /// The frame header claimed more than 64 KiB.
    FrameTooLarge,
    /// `"v"` is not a version this daemon speaks.
    UnsupportedVersion,
    /// `"op"` is not an operation this daemon knows.
    UnknownOp,
    /// A code from a newer daemon.
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    /// The code as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::Strict => "strict",
            ErrorCode::NotActive => "not_active",
            ErrorCode::InvalidSite => "invalid_site",
            ErrorCode::NoSites => "no_sites",
            ErrorCode::TooManySites => "too_many_sites",
            ErrorCode::InvalidDuration => "invalid_duration",
            ErrorCode::HostsBroken => "hosts_broken",
            ErrorCode::Io => "io",
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::FrameTooLarge => "frame_too_large",
            ErrorCode::UnsupportedVersion => "unsupported_version",
            ErrorCode::UnknownOp => "unknown_op",
            ErrorCode::Unknown => "unknown",
        }
    }
}

/// Extra facts about a refusal; every field is optional.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Detail {
    /// Index of the offending site in the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_error: Option<BlocklistError>,
    /// The limit that was exceeded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u64>,
    /// A technical message in English, for logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// A refusal as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireError {
    pub code: ErrorCode,
    #[serde(default)]
    pub detail: Detail,
}

impl WireError {
    pub fn new(code: ErrorCode) -> Self {
        WireError { code, detail: Detail::default() }
    }

    pub fn with_message(code: ErrorCode, message: impl Into<String>) -> Self {
        WireError { code, detail: Detail { message: Some(message.into()), ..Detail::default() } }
    }
}

/// A reply as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response {
    pub ok: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<WireError>,
}

impl Response {
    pub fn ok(status: Status) -> Self {
        Response { ok: true, status: Some(status), error: None }
    }

    pub fn err(error: WireError) -> Self {
        Response { ok: false, status: None, error: Some(error) }
    }

    /// The reply as JSON bytes. Serializing these plain structs cannot fail; if it ever did,
    /// a fixed `io` error is sent instead of panicking.
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_else(|_| {
            br#"{"ok":false,"error":{"code":"io","detail":{"message":"serialize"}}}"#.to_vec()
        })
    }
}

/// Parses one request frame. Checks the version before the operation so a future `v: 2`
/// request gets `unsupported_version`, not a confusing field error.
pub fn parse_request(payload: &[u8]) -> Result<Op, WireError> {
    let text = std::str::from_utf8(payload)
        .map_err(|_| WireError::with_message(ErrorCode::BadRequest, "not UTF-8"))?;
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| WireError::with_message(ErrorCode::BadRequest, e.to_string()))?;
    let Some(object) = value.as_object() else {
        return Err(WireError::with_message(ErrorCode::BadRequest, "not a JSON object"));
    };
    match object.get("v").and_then(serde_json::Value::as_u64) {
        Some(v) if v == u64::from(PROTOCOL_VERSION) => {}
        Some(v) => {
            return Err(WireError::with_message(
                ErrorCode::UnsupportedVersion,
                format!("version {v}; this daemon speaks {PROTOCOL_VERSION}"),
            ));
        }
        None => return Err(WireError::with_message(ErrorCode::BadRequest, "missing \"v\"")),
    }
    const KNOWN: [&str; 5] = ["status", "start", "extend", "add_sites", "stop"];
    match object.get("op").and_then(serde_json::Value::as_str) {
        Some(op) if KNOWN.contains(&op) => {}
        Some(op) => {
            let shown: String = op.chars().take(40).collect();
            return Err(WireError::with_message(ErrorCode::UnknownOp, shown));
        }
        None => return Err(WireError::with_message(ErrorCode::BadRequest, "missing \"op\"")),
    }
    serde_json::from_value::<Op>(value)
        .map_err(|e| WireError::with_message(ErrorCode::BadRequest, e.to_string()))
}

/// Why a frame could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    /// The peer closed the connection between frames.
    #[error("connection closed")]
    Closed,
    /// The header claimed more than the limit; nothing of the body was read.
    #[error("frame of {0} bytes is too large")]
    TooLarge(u32),
    /// The connection failed or ended inside a frame, or timed out.
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// Reads one frame of at most `max` bytes.
pub fn read_frame(reader: &mut impl Read, max: usize) -> Result<Vec<u8>, FrameError> {
    let mut header = [0u8; 4];
    // A clean end of stream is only "closed" before the first header byte.
    let mut got = 0;
    while got < header.len() {
        match reader.read(&mut header[got..]) {
            Ok(0) if got == 0 => return Err(FrameError::Closed),
            Ok(0) => return Err(FrameError::Io(io::ErrorKind::UnexpectedEof.into())),
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
    let len = u32::from_be_bytes(header);
    let size = usize::try_from(len).unwrap_or(usize::MAX);
    if size > max {
        return Err(FrameError::TooLarge(len));
    }
    let mut body = vec![0u8; size];
    reader.read_exact(&mut body)?;
    Ok(body)
}

/// Writes one frame. The caller keeps payloads within the peer's limit.
pub fn write_frame(writer: &mut impl Write, payload: &[u8]) -> io::Result<()> {
    let len = u32::try_from(payload.len())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "frame too large"))?;
    let mut frame = Vec::with_capacity(payload.len() + 4);
    frame.extend_from_slice(&len.to_be_bytes());
    frame.extend_from_slice(payload);
    writer.write_all(&frame)?;
    writer.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_parse() {
        assert_eq!(parse_request(br#"{"v":1,"op":"status"}"#), Ok(Op::Status));
        assert_eq!(
            parse_request(
                br#"{"v":1,"op":"start","sites":["a.com"],"duration_secs":60,"strict":true}"#
            ),
            Ok(Op::Start { sites: vec!["a.com".into()], duration_secs: 60, strict: true })
        );
        assert_eq!(
            parse_request(br#"{"v":1,"op":"add_sites","sites":[],"extra":1}"#),
            Ok(Op::AddSites { sites: vec![] })
        );
        let json = serde_json::to_string(&Request::new(Op::Extend { duration_secs: 5 })).unwrap();
        assert_eq!(json, r#"{"v":1,"op":"extend","duration_secs":5}"#);
    }

    #[test]
    fn bad_requests_are_classified() {
        let code = |b: &[u8]| parse_request(b).unwrap_err().code;
        assert_eq!(code(b"\xff\xfe"), ErrorCode::BadRequest);
        assert_eq!(code(b"[1]"), ErrorCode::BadRequest);
        assert_eq!(code(br#"{"op":"status"}"#), ErrorCode::BadRequest);
        assert_eq!(code(br#"{"v":2,"op":"status"}"#), ErrorCode::UnsupportedVersion);
        assert_eq!(code(br#"{"v":1,"op":"reboot"}"#), ErrorCode::UnknownOp);
        assert_eq!(code(br#"{"v":1,"op":"extend","duration_secs":-1}"#), ErrorCode::BadRequest);
        assert_eq!(code(br#"{"v":1,"op":"start","sites":"a.com"}"#), ErrorCode::BadRequest);
    }

    #[test]
    fn frames_round_trip_and_limits_hold() {
        let mut buf = Vec::new();
        write_frame(&mut buf, b"hello").unwrap();
        assert_eq!(read_frame(&mut buf.as_slice(), 16).unwrap(), b"hello");
        assert!(matches!(read_frame(&mut &b""[..], 16), Err(FrameError::Closed)));
        assert!(matches!(read_frame(&mut &b"\0\0"[..], 16), Err(FrameError::Io(_))));
        let huge = [0xff, 0xff, 0xff, 0xff];
        assert!(matches!(read_frame(&mut &huge[..], 16), Err(FrameError::TooLarge(u32::MAX))));
        assert!(matches!(read_frame(&mut &b"\0\0\0\x05ab"[..], 16), Err(FrameError::Io(_))));
    }

    #[test]
    fn replies_have_the_documented_shape() {
        let ok = serde_json::to_value(Response::ok(Status::default())).unwrap();
        assert_eq!(ok["ok"], true);
        assert_eq!(ok["status"]["layers"]["firefox"], "off");
        assert_eq!(ok["status"]["owner_uid"], serde_json::Value::Null);
        assert!(ok.get("error").is_none());
        let err = Response::err(WireError::with_message(ErrorCode::Strict, "no"));
        assert_eq!(
            String::from_utf8(err.to_bytes()).unwrap(),
            r#"{"ok":false,"error":{"code":"strict","detail":{"message":"no"}}}"#
        );
    }

    #[test]
    fn unknown_error_codes_survive() {
        let e: WireError = serde_json::from_str(r#"{"code":"new_thing"}"#).unwrap();
        assert_eq!(e.code, ErrorCode::Unknown);
        let e: WireError = serde_json::from_str(r#"{"code":"strict","detail":{}}"#).unwrap();
        assert_eq!(e.code, ErrorCode::Strict);
        for code in [ErrorCode::Forbidden, ErrorCode::InvalidSite, ErrorCode::FrameTooLarge] {
            assert_eq!(serde_json::to_string(&code).unwrap(), format!("\"{}\"", code.as_str()));
        }
    }
}
