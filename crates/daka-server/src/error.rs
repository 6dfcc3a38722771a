//! Every failure answers `{code, message}` in the request's language; nothing else leaves the
//! server. Database errors are logged here (they carry no secrets: only hashes are bound) and
//! answered as a plain 500.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use daka_core::lang::Lang;
use daka_server_db::DbError;
use daka_wire::{ApiError, ErrorCode, RejectCode};

/// An error answer, built by handlers and extractors.
#[derive(Debug)]
pub struct Failure {
    pub status: StatusCode,
    pub code: ErrorCode,
    pub message: String,
    pub expected: Option<i64>,
    pub retry_after_secs: Option<u64>,
}

impl Failure {
    /// The standard answer for `code`, in `lang`.
    pub fn new(code: ErrorCode, lang: Lang) -> Self {
        Failure {
            status: status_of(code),
            code,
            message: message(code, lang).to_owned(),
            expected: None,
            retry_after_secs: None,
        }
    }

    /// A field is wrong: `message` says which and why (already in the user's language).
    pub fn invalid(message: String) -> Self {
        Failure { message, ..Failure::new(ErrorCode::Invalid, Lang::En) }
    }

    pub fn from_db(error: DbError, lang: Lang) -> Self {
        let code = match error {
            DbError::UsernameTaken => ErrorCode::UsernameTaken,
            DbError::NotFound => ErrorCode::NotFound,
            DbError::InviteInvalid => ErrorCode::InviteInvalid,
            DbError::OwnerCannotLeave => ErrorCode::OwnerCannotLeave,
            DbError::Forbidden => ErrorCode::Forbidden,
            DbError::CursorExpired => ErrorCode::CursorExpired,
            DbError::PhotoTaken => ErrorCode::PhotoTaken,
            DbError::QuotaExceeded => ErrorCode::QuotaExceeded,
            DbError::SequenceGap { expected } => {
                return Failure {
                    expected: Some(expected),
                    ..Failure::new(ErrorCode::SequenceGap, lang)
                };
            }
            DbError::Corrupt(detail) | DbError::Database(detail) => {
                tracing::error!(%detail, "database error");
                ErrorCode::Internal
            }
        };
        Failure::new(code, lang)
    }

    pub fn internal(what: &str, lang: Lang) -> Self {
        tracing::error!(what, "internal error");
        Failure::new(ErrorCode::Internal, lang)
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let body = ApiError { code: self.code, message: self.message, expected: self.expected };
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(secs) = self.retry_after_secs
            && let Ok(value) = HeaderValue::from_str(&secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

pub fn status_of(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::BadRequest | ErrorCode::Invalid => StatusCode::BAD_REQUEST,
        ErrorCode::Unauthorized | ErrorCode::BadCredentials => StatusCode::UNAUTHORIZED,
        ErrorCode::Forbidden
        | ErrorCode::SignupClosed
        | ErrorCode::OwnerCannotLeave
        | ErrorCode::QuotaExceeded => StatusCode::FORBIDDEN,
        ErrorCode::NotFound | ErrorCode::InviteInvalid => StatusCode::NOT_FOUND,
        ErrorCode::UsernameTaken | ErrorCode::SequenceGap | ErrorCode::PhotoTaken => {
            StatusCode::CONFLICT
        }
        ErrorCode::CursorExpired => StatusCode::GONE,
        ErrorCode::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::ProtocolMismatch => StatusCode::UPGRADE_REQUIRED,
        ErrorCode::Internal | ErrorCode::Unknown => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The words for each error, zh-CN first.
pub fn message(code: ErrorCode, lang: Lang) -> &'static str {
    match code {
        ErrorCode::BadRequest => lang.pick(
            "请求格式不对（不是有效的 JSON，或字段类型不符）。",
            "The request is not valid JSON of the expected shape.",
        ),
        ErrorCode::Invalid => lang.pick("有字段不符合要求。", "A field is not valid."),
        ErrorCode::Unauthorized => lang.pick(
            "登录已失效或此设备已被移除，请重新登录。",
            "This device is signed out or was removed; sign in again.",
        ),
        ErrorCode::Forbidden => lang.pick("你没有权限这样做。", "You are not allowed to do that."),
        ErrorCode::NotFound => lang.pick(
            "找不到（或你不是这个小组的成员）。",
            "Not found (or you are not a member of that group).",
        ),
        ErrorCode::UsernameTaken => {
            lang.pick("这个用户名已被使用，换一个吧。", "That username is taken; choose another.")
        }
        ErrorCode::BadCredentials => lang.pick("用户名或密码不对。", "Wrong username or password."),
        ErrorCode::SignupClosed => lang.pick(
            "这台服务器只接受邀请注册：请填写小组邀请码。",
            "Sign-up on this server is by invite only: enter a group invite code.",
        ),
        ErrorCode::InviteInvalid => lang.pick(
            "邀请码无效：可能已过期、已用完或已被撤销。",
            "The invite code is not valid: it may have expired, been used up or revoked.",
        ),
        ErrorCode::SequenceGap => lang.pick(
            "同步顺序出现缺口，应用会自动从服务器记录的位置继续。",
            "The device skipped sync sequence numbers; it resumes from where the server is.",
        ),
        ErrorCode::CursorExpired => lang.pick(
            "本地副本太旧，需要重新下载小组数据。",
            "The local copy is too old; the group's data is downloaded again.",
        ),
        ErrorCode::PayloadTooLarge => lang.pick("请求太大了。", "The request is too large."),
        ErrorCode::RateLimited => {
            lang.pick("尝试次数太多，请稍后再试。", "Too many attempts; try again a little later.")
        }
        ErrorCode::ProtocolMismatch => lang.pick(
            "应用与服务器版本不兼容，请更新应用或服务器。",
            "The app and the server speak different versions; update one of them.",
        ),
        ErrorCode::OwnerCannotLeave => lang.pick(
            "组长不能直接退出：请先删除小组。",
            "The owner cannot leave the group; delete it instead.",
        ),
        ErrorCode::PhotoTaken => lang.pick(
            "这张照片的编号已被另一张照片使用。",
            "This photo id already belongs to another picture.",
        ),
        ErrorCode::QuotaExceeded => lang.pick(
            "你在这台服务器上保存的照片已达上限，新的打卡照片不会再分享。",
            "Your account has as many photos as this server keeps; new photos are not shared.",
        ),
        ErrorCode::Internal | ErrorCode::Unknown => {
            lang.pick("服务器出错了，请稍后再试。", "The server had a problem; try again later.")
        }
    }
}

/// Why one pushed record was refused, in the user's language.
pub fn reject_message(code: RejectCode, lang: Lang) -> &'static str {
    match code {
        RejectCode::Forbidden => lang.pick("这条记录属于另一位成员。", "This record belongs to another member."),
        RejectCode::ClockAhead => lang.pick("这台电脑的时钟比服务器快了 5 分钟以上，请校准时间。", "This computer's clock is more than 5 minutes ahead of the server's; set the time right."),
        RejectCode::DateOutOfWindow => lang.pick("日期超出范围：只能同步一年内到明天的记录。", "The date is out of range: records from the last year up to tomorrow sync."),
        RejectCode::Invalid | RejectCode::Unknown => lang.pick("记录内容不符合要求（分钟数、备注长度、科目名或颜色）。", "The record is not valid (minutes, note length, subject name or colour)."),
    }
}
