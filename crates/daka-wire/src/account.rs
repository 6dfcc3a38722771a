//! Accounts and devices.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Create an account and sign this computer in as its first device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct SignUp {
    /// 3–32 characters: letters, digits, `_`, `-`, `.`; compared without case.
    pub username: String,
    /// 8–256 characters.
    pub password: String,
    /// The name the group sees, 1–24 characters.
    pub nickname: String,
    /// What this computer is called in the device list, 1–64 characters.
    pub device_name: String,
    /// Required when the server's sign-up is invite-only: a group invite code.
    #[serde(default)]
    pub invite: Option<String>,
}

/// Sign in an existing account as a new device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    pub username: String,
    pub password: String,
    pub device_name: String,
}

/// The answer to sign-up and sign-in. `token` is shown only here, once: the server keeps only
/// its SHA-256 hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Session {
    pub user_id: Uuid,
    pub device_id: Uuid,
    pub username: String,
    pub nickname: String,
    /// `pk_` + 256 random bits in base64url; send it as `Authorization: Bearer …`.
    pub token: String,
}

/// Who the token belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Me {
    pub user_id: Uuid,
    pub device_id: Uuid,
    pub username: String,
    pub nickname: String,
}

/// Change the nickname.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct UpdateProfile {
    pub nickname: String,
}

/// One computer signed in to the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Device {
    pub id: Uuid,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// True for the device making the request.
    pub current: bool,
}
