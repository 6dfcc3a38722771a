//! The error body every non-2xx answer carries.

use serde::{Deserialize, Serialize};

/// `{code, message}`: `code` is for programs (stable), `message` for people, in the language
/// the request's `Accept-Language` asked for (zh-CN or en).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    /// For `sequence_gap`: the device sequence the server expected next.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<i64>,
}

/// Why a request failed. Clients must treat an unknown code like its HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The body is not valid JSON of the right shape.
    BadRequest,
    /// A field is out of range or malformed; the message says which.
    Invalid,
    /// No token, an unknown token or a revoked device.
    Unauthorized,
    /// Signed in, but not allowed to do this.
    Forbidden,
    NotFound,
    /// The username is already taken.
    UsernameTaken,
    /// Wrong username or password.
    BadCredentials,
    /// Sign-up is closed on this server; an invite is needed.
    SignupClosed,
    /// The invite code is unknown, expired, used up or revoked.
    InviteInvalid,
    /// A push skipped device sequences; `expected` says where to resume.
    SequenceGap,
    /// The pull cursor is older than the server keeps; re-pull from 0.
    CursorExpired,
    PayloadTooLarge,
    /// Too many attempts; wait for `Retry-After` seconds.
    RateLimited,
    /// The client speaks another protocol version.
    ProtocolMismatch,
    /// The owner cannot leave the group they own (delete it or hand it over).
    OwnerCannotLeave,
    /// A photo with this id already exists with other bytes or another owner (ids are never
    /// reused: a photo is immutable once uploaded).
    PhotoTaken,
    /// The account stores as many photos as this server allows.
    QuotaExceeded,
    Internal,
    /// A code from a newer server.
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::Invalid => "invalid",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NotFound => "not_found",
            ErrorCode::UsernameTaken => "username_taken",
            ErrorCode::BadCredentials => "bad_credentials",
            ErrorCode::SignupClosed => "signup_closed",
            ErrorCode::InviteInvalid => "invite_invalid",
            ErrorCode::SequenceGap => "sequence_gap",
            ErrorCode::CursorExpired => "cursor_expired",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::ProtocolMismatch => "protocol_mismatch",
            ErrorCode::OwnerCannotLeave => "owner_cannot_leave",
            ErrorCode::PhotoTaken => "photo_taken",
            ErrorCode::QuotaExceeded => "quota_exceeded",
            ErrorCode::Internal => "internal",
            ErrorCode::Unknown => "unknown",
        }
    }
}
