//! What the app shows about the group connection: the account, why it must sign in again, where
//! the token is kept, and the sync loop's state — plain data for the UI (specta types behind the
//! `specta` feature), built from the [`Session`](crate::Session) and the [`Runner`] state.
//!
//! [`Runner`]: crate::Runner

use chrono::{DateTime, Utc};
use daka_core::lang::Lang;
use daka_wire::RejectCode;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::runner::{SyncPhase, SyncState};
use crate::session::Account;
use crate::store::Rejected;

/// The Groups screen's and the status bar's view of the connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GroupsStatus {
    pub account: Option<AccountView>,
    /// Set when this computer was connected before and must sign in again, and why.
    pub sign_in_again: Option<SignInAgain>,
    /// Where the device token is kept when the OS keychain did not answer (a 0600 file): the
    /// app says so instead of pretending it is in the keychain.
    pub token_file: Option<String>,
    /// `None` while signed out.
    pub sync: Option<SyncView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AccountView {
    pub server: String,
    pub username: String,
    pub nickname: String,
}

impl From<&Account> for AccountView {
    fn from(a: &Account) -> Self {
        AccountView {
            server: a.server.clone(),
            username: a.username.clone(),
            nickname: a.nickname.clone(),
        }
    }
}

/// Why a computer that was connected is not any more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum SignInAgain {
    /// The data folder was copied or moved here: it signs in as a new device.
    MovedHere,
    /// The token is gone from the keychain (cleared, another user session).
    TokenMissing { server: String, username: String },
    /// The server signed this device out (revoked from another computer, account removed).
    SignedOutByServer { server: String, username: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum SyncPhaseView {
    Synced,
    Syncing,
    Offline,
    Failed,
    SignedOut,
}

impl From<SyncPhase> for SyncPhaseView {
    fn from(p: SyncPhase) -> Self {
        match p {
            SyncPhase::Synced => SyncPhaseView::Synced,
            SyncPhase::Syncing => SyncPhaseView::Syncing,
            SyncPhase::Offline => SyncPhaseView::Offline,
            SyncPhase::Failed => SyncPhaseView::Failed,
            SyncPhase::SignedOut => SyncPhaseView::SignedOut,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SyncView {
    pub phase: SyncPhaseView,
    /// Why, in the user's language, when not synced.
    pub message: Option<String>,
    /// Changes waiting to be sent.
    pub pending: u32,
    pub rejected: Vec<RejectedView>,
    pub last_synced: Option<DateTime<Utc>>,
    pub retry_at: Option<DateTime<Utc>>,
}

/// A change the server refused, and why, in the user's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RejectedView {
    pub record_id: Uuid,
    pub code: RejectCode,
    pub reason: String,
}

impl SyncView {
    pub fn new(state: &SyncState, lang: Lang) -> Self {
        SyncView {
            phase: state.phase.into(),
            message: state.message(lang),
            pending: u32::try_from(state.pending).unwrap_or(u32::MAX),
            rejected: state.rejected.iter().map(|r| RejectedView::new(r, lang)).collect(),
            last_synced: state.last_synced,
            retry_at: state.retry_at,
        }
    }
}

impl RejectedView {
    fn new(r: &Rejected, lang: Lang) -> Self {
        RejectedView { record_id: r.record_id, code: r.code, reason: reject_reason(r.code, lang) }
    }
}

/// The app's own words for each refusal (the server's message was in the language of the
/// moment it was sent; the user may have switched since).
pub fn reject_reason(code: RejectCode, lang: Lang) -> String {
    let (zh, en) = match code {
        RejectCode::Forbidden => (
            "这条记录属于别的成员，服务器拒收。",
            "This record belongs to another member; the server refused it.",
        ),
        RejectCode::ClockAhead => (
            "这台电脑的时钟比服务器快了 5 分钟以上：请校准系统时间后重试。",
            "This computer's clock is more than 5 minutes ahead of the server: set the time \
             right and retry.",
        ),
        RejectCode::DateOutOfWindow => (
            "日期超出小组接受的范围（一年内，最晚到明天）。",
            "The date is outside what groups accept (within a year, tomorrow at the latest).",
        ),
        RejectCode::Invalid => (
            "服务器认为内容不合规（时长、备注长度或科目）。",
            "The server found a value out of range (minutes, note length or subject).",
        ),
        RejectCode::Unknown => (
            "服务器因未知原因拒收（可能需要更新打卡）。",
            "The server refused it for a reason this version of Daka does not know (an update may help).",
        ),
    };
    lang.pick(zh, en).to_owned()
}

/// The sign-up / sign-in form. `nickname` and `invite` are for sign-up only. Its `Debug`
/// leaves the password out, so no log line can carry it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct AccountForm {
    pub server: String,
    pub username: String,
    pub password: String,
    #[serde(default)]
    pub nickname: String,
    /// An invite link or code, when the server only lets invited people sign up.
    #[serde(default)]
    pub invite: Option<String>,
}

impl std::fmt::Debug for AccountForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountForm")
            .field("server", &self.server)
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

impl AccountForm {
    /// The sign-up request for this computer; a pasted invite link is reduced to its code.
    pub fn sign_up(&self, lang: Lang) -> Result<daka_wire::SignUp, crate::SyncError> {
        let invite = match self.invite.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(text) => Some(crate::parse_invite(text, lang)?.code),
            None => None,
        };
        Ok(daka_wire::SignUp {
            username: self.username.clone(),
            password: self.password.clone(),
            nickname: self.nickname.clone(),
            device_name: crate::this_device_name(),
            invite,
        })
    }

    pub fn sign_in(&self) -> daka_wire::SignIn {
        daka_wire::SignIn {
            username: self.username.clone(),
            password: self.password.clone(),
            device_name: crate::this_device_name(),
        }
    }
}
