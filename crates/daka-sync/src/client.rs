//! Typed calls to one daka-server, every failure classified: worth retrying (offline, 5xx,
//! 429), needing the user (401: sign in again; 426: update), or a reason to show as is.

use std::time::Duration;

use daka_core::lang::Lang;
use daka_wire::*;
use reqwest::{Method, StatusCode, header};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

/// A server address and this device's token. The token never appears in `Debug` output.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub server: String,
    pub token: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials").field("server", &self.server).field("token", &"pk_…").finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SyncError {
    /// No answer: network down, DNS, refused, timed out.
    #[error("offline: {0}")]
    Offline(String),
    /// The address answered, but not as a Daka server (an HTML page, a captive portal …).
    #[error("not a Daka server: {0}")]
    NotDaka(String),
    /// The device was signed out or removed: stop and ask to sign in again.
    #[error("unauthorized")]
    Unauthorized(String),
    /// The server speaks another protocol version.
    #[error("protocol mismatch")]
    ProtocolMismatch(String),
    /// The server refused with `{code, message}`.
    #[error("server: {status} {code:?}: {message}")]
    Server {
        status: u16,
        code: ErrorCode,
        message: String,
        retry_after: Option<Duration>,
        expected: Option<i64>,
    },
    #[error(transparent)]
    Store(#[from] crate::store::StoreFailure),
    /// A group call while no account is signed in on this computer.
    #[error("not signed in")]
    NotSignedIn,
    /// What the user typed cannot be sent (an unusable server address, a malformed invite).
    #[error("bad input: {0}")]
    Input(String),
}

impl SyncError {
    /// Whether waiting and trying again can help.
    pub fn is_transient(&self) -> bool {
        match self {
            SyncError::Offline(_) | SyncError::Store(_) => true,
            SyncError::Server { status, .. } => *status >= 500 || *status == 429 || *status == 408,
            SyncError::NotDaka(_)
            | SyncError::Unauthorized(_)
            | SyncError::ProtocolMismatch(_)
            | SyncError::NotSignedIn
            | SyncError::Input(_) => false,
        }
    }

    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            SyncError::Server { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// What to tell the user, in `lang` (the server's own message when it gave one).
    pub fn message(&self, lang: Lang) -> String {
        match self {
            SyncError::Offline(_) => lang.pick("连不上小组服务器，联网后会自动同步。", "Cannot reach the group server; it syncs when the network is back.").into(),
            SyncError::NotDaka(_) => lang.pick("这个地址不是打卡小组服务器（返回的不是它的应答）。请检查网址。", "That address is not a Daka group server (it answered something else). Check the URL.").into(),
            SyncError::Unauthorized(m) | SyncError::ProtocolMismatch(m) | SyncError::Input(m) => {
                m.clone()
            }
            SyncError::Server { message, .. } => message.clone(),
            SyncError::Store(e) => format!("{}{e}", lang.pick("本地数据出错：", "Local data error: ")),
            SyncError::NotSignedIn => lang.pick("请先登录小组服务器。", "Sign in to a group server first.").into(),
        }
    }
}

impl SyncError {
    /// What to tell the user some time after the failure, in `lang`: the app's own words
    /// wherever it has them, since a server's message is in the language of the request that
    /// failed and the user may have switched since (the sync line is shown until the next
    /// round). Only a refusal the app has no words for keeps the server's.
    pub fn describe(&self, lang: Lang) -> String {
        match self {
            SyncError::Unauthorized(_) => lang
                .pick(
                    "这台电脑已退出登录或已被移除，请重新登录小组服务器。",
                    "This computer was signed out or removed; sign in to the group server again.",
                )
                .into(),
            SyncError::ProtocolMismatch(_) => lang
                .pick(
                    "应用与小组服务器版本不兼容，请更新应用或服务器。",
                    "The app and the group server speak different versions; update one of them.",
                )
                .into(),
            SyncError::Server { code: ErrorCode::RateLimited, .. } => lang
                .pick(
                    "服务器说请求太频繁了，稍后自动重试。",
                    "The server asked to slow down; retrying a little later.",
                )
                .into(),
            SyncError::Server { .. } if self.is_transient() => lang
                .pick(
                    "服务器暂时不可用，稍后自动重试。",
                    "The server is unavailable for now; retrying later.",
                )
                .into(),
            _ => self.message(lang),
        }
    }
}

/// How long one request may take before it counts as offline.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    server: String,
    token: Option<String>,
    lang: Lang,
}

impl Client {
    /// A client for `server` (e.g. `https://daka.example.com`), answering in `lang`.
    pub fn new(server: &str, lang: Lang) -> Result<Self, SyncError> {
        let server =
            normalize_server(server).ok_or_else(|| SyncError::NotDaka(server.to_owned()))?;
        let http = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .connect_timeout(Duration::from_secs(10))
            .user_agent(concat!("daka/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| SyncError::Offline(e.to_string()))?;
        Ok(Client { http, server, token: None, lang })
    }

    pub fn with_credentials(credentials: &Credentials, lang: Lang) -> Result<Self, SyncError> {
        let mut client = Client::new(&credentials.server, lang)?;
        client.token = Some(credentials.token.clone());
        Ok(client)
    }

    pub fn server(&self) -> &str {
        &self.server
    }

    /// The same client answering in `lang` (the user may switch languages while signed in).
    pub fn speaking(&self, lang: Lang) -> Client {
        Client { lang, ..self.clone() }
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    pub(crate) fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    pub(crate) fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let mut r = self
            .http
            .request(method, format!("{}{path}", self.server))
            .header(PROTOCOL_HEADER, PROTOCOL.to_string())
            .header(header::ACCEPT_LANGUAGE, self.lang.tag())
            .header(header::ACCEPT, "application/json");
        if let Some(token) = &self.token {
            r = r.bearer_auth(token);
        }
        r
    }

    async fn call<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, SyncError> {
        let mut r = self.request(method, path);
        if let Some(b) = body {
            r = r.json(b);
        }
        let response = r.send().await.map_err(|e| SyncError::Offline(e.to_string()))?;
        decode(response, self.lang).await
    }

    async fn call_empty<B: Serialize>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<(), SyncError> {
        let mut r = self.request(method, path);
        if let Some(b) = body {
            r = r.json(b);
        }
        let response = r.send().await.map_err(|e| SyncError::Offline(e.to_string()))?;
        if response.status().is_success() {
            return Ok(());
        }
        decode::<serde_json::Value>(response, self.lang).await.map(|_| ())
    }

    pub async fn health(&self) -> Result<serde_json::Value, SyncError> {
        self.call::<(), _>(Method::GET, "/health", None).await
    }
    pub async fn sign_up(&self, req: &SignUp) -> Result<Session, SyncError> {
        self.call(Method::POST, "/v1/accounts", Some(req)).await
    }
    pub async fn sign_in(&self, req: &SignIn) -> Result<Session, SyncError> {
        self.call(Method::POST, "/v1/sessions", Some(req)).await
    }
    pub async fn me(&self) -> Result<Me, SyncError> {
        self.call::<(), _>(Method::GET, "/v1/me", None).await
    }
    pub async fn devices(&self) -> Result<Vec<Device>, SyncError> {
        self.call::<(), _>(Method::GET, "/v1/devices", None).await
    }
    pub async fn revoke_device(&self, device: Uuid) -> Result<(), SyncError> {
        self.call_empty::<()>(Method::DELETE, &format!("/v1/devices/{device}"), None).await
    }
    pub async fn groups(&self) -> Result<Vec<Group>, SyncError> {
        self.call::<(), _>(Method::GET, "/v1/groups", None).await
    }
    pub async fn create_group(&self, req: &CreateGroup) -> Result<Group, SyncError> {
        self.call(Method::POST, "/v1/groups", Some(req)).await
    }
    pub async fn create_invite(
        &self,
        group: Uuid,
        req: &CreateInvite,
    ) -> Result<InviteCreated, SyncError> {
        self.call(Method::POST, &format!("/v1/groups/{group}/invites"), Some(req)).await
    }
    pub async fn invites(&self, group: Uuid) -> Result<Vec<Invite>, SyncError> {
        self.call::<(), _>(Method::GET, &format!("/v1/groups/{group}/invites"), None).await
    }
    pub async fn revoke_invite(&self, group: Uuid, invite: Uuid) -> Result<(), SyncError> {
        self.call_empty::<()>(Method::DELETE, &format!("/v1/groups/{group}/invites/{invite}"), None)
            .await
    }
    pub async fn preview_invite(&self, code: &str) -> Result<InvitePreview, SyncError> {
        self.call(Method::POST, "/v1/invites/preview", Some(&InviteCode { code: code.to_owned() }))
            .await
    }
    pub async fn join(&self, req: &JoinGroup) -> Result<Group, SyncError> {
        self.call(Method::POST, "/v1/groups/join", Some(req)).await
    }
    pub async fn leave(&self, group: Uuid, delete_shared: bool) -> Result<(), SyncError> {
        self.call_empty(
            Method::POST,
            &format!("/v1/groups/{group}/leave"),
            Some(&LeaveGroup { delete_shared }),
        )
        .await
    }
    pub async fn set_share(&self, group: Uuid, share: &ShareSettings) -> Result<Group, SyncError> {
        self.call(Method::PUT, &format!("/v1/groups/{group}/share"), Some(share)).await
    }
    pub async fn members(&self, group: Uuid) -> Result<Vec<Member>, SyncError> {
        self.call::<(), _>(Method::GET, &format!("/v1/groups/{group}/members"), None).await
    }
    pub async fn board(
        &self,
        group: Uuid,
        date: Option<chrono::NaiveDate>,
    ) -> Result<Board, SyncError> {
        let q = date.map(|d| format!("?date={d}")).unwrap_or_default();
        self.call::<(), _>(Method::GET, &format!("/v1/groups/{group}/board{q}"), None).await
    }
    pub async fn push(&self, mutations: Vec<Mutation>) -> Result<PushResponse, SyncError> {
        self.call(Method::POST, "/v1/sync/push", Some(&PushRequest { mutations })).await
    }
    /// Uploads a photo's thumbnail (JPEG) under the photo's id; a retry of the same bytes is
    /// answered 200 like the first 201.
    pub async fn put_photo(&self, photo: Uuid, jpeg: Vec<u8>) -> Result<(), SyncError> {
        let r = self
            .request(Method::PUT, &format!("/v1/photos/{photo}"))
            .header(header::CONTENT_TYPE, "image/jpeg")
            .body(jpeg);
        let response = r.send().await.map_err(|e| SyncError::Offline(e.to_string()))?;
        if response.status().is_success() {
            return Ok(());
        }
        decode::<serde_json::Value>(response, self.lang).await.map(|_| ())
    }
    /// A photo a member shares with `group`, as JPEG bytes (at most `MAX_PHOTO_BYTES`).
    pub async fn group_photo(&self, group: Uuid, photo: Uuid) -> Result<Vec<u8>, SyncError> {
        let r = self.request(Method::GET, &format!("/v1/groups/{group}/photos/{photo}"));
        let response = r.send().await.map_err(|e| SyncError::Offline(e.to_string()))?;
        let is_jpeg = response
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"image/jpeg"));
        if !response.status().is_success() {
            return Err(decode::<serde_json::Value>(response, self.lang)
                .await
                .err()
                .unwrap_or(SyncError::NotDaka("a photo answer without a body".into())));
        }
        if !is_jpeg || response.content_length().is_some_and(|n| n > MAX_PHOTO_BYTES as u64) {
            return Err(SyncError::NotDaka("the photo answer is not a small JPEG".into()));
        }
        let bytes = response.bytes().await.map_err(|e| SyncError::Offline(e.to_string()))?;
        if bytes.len() > MAX_PHOTO_BYTES {
            return Err(SyncError::NotDaka("the photo answer is too large".into()));
        }
        Ok(bytes.to_vec())
    }
    pub async fn status(&self) -> Result<SyncStatus, SyncError> {
        self.call::<(), _>(Method::GET, "/v1/sync/status", None).await
    }
    pub async fn changes(
        &self,
        group: Uuid,
        after: i64,
        limit: u32,
    ) -> Result<ChangePage, SyncError> {
        self.call::<(), _>(
            Method::GET,
            &format!("/v1/groups/{group}/changes?after={after}&limit={limit}"),
            None,
        )
        .await
    }
}

/// `https://x` stays, a bare host gets `https://`, trailing slashes go. `None` if unusable.
pub fn normalize_server(input: &str) -> Option<String> {
    let trimmed = input.trim().trim_end_matches('/');
    if trimmed.is_empty() || trimmed.chars().any(char::is_whitespace) {
        return None;
    }
    let with_scheme = if trimmed.starts_with("http://") || trimmed.starts_with("https://") {
        trimmed.to_owned()
    } else {
        format!("https://{trimmed}")
    };
    reqwest::Url::parse(&with_scheme).ok().filter(|u| u.host_str().is_some())?;
    Some(with_scheme)
}

/// Turns a response into `T` or a classified error. Anything that is not the server's JSON —
/// an HTML error page from a proxy, a login portal — is `NotDaka` (or a retryable 5xx).
async fn decode<T: DeserializeOwned>(
    response: reqwest::Response,
    lang: Lang,
) -> Result<T, SyncError> {
    let status = response.status();
    let retry_after = response
        .headers()
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let bytes = response.bytes().await.map_err(|e| SyncError::Offline(e.to_string()))?;
    if status.is_success() {
        return serde_json::from_slice(&bytes)
            .map_err(|e| SyncError::NotDaka(format!("{status}: {e}")));
    }
    let error: Option<ApiError> = if is_json { serde_json::from_slice(&bytes).ok() } else { None };
    let Some(error) = error else {
        if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
            let message = lang
                .pick(
                    "服务器暂时不可用，稍后自动重试。",
                    "The server is unavailable for now; retrying later.",
                )
                .to_owned();
            return Err(SyncError::Server {
                status: status.as_u16(),
                code: ErrorCode::Internal,
                message,
                retry_after,
                expected: None,
            });
        }
        return Err(SyncError::NotDaka(format!("{status}")));
    };
    Err(match status {
        StatusCode::UNAUTHORIZED if error.code == ErrorCode::Unauthorized => {
            SyncError::Unauthorized(error.message)
        }
        StatusCode::UPGRADE_REQUIRED => SyncError::ProtocolMismatch(error.message),
        _ => SyncError::Server {
            status: status.as_u16(),
            code: error.code,
            message: error.message,
            retry_after,
            expected: error.expected,
        },
    })
}
