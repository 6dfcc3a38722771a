//! Test support for daka-sync against the real daka-server over real HTTP:
//! - [`store::MemoryStore`]: an in-memory `SyncStore` faithful to the trait's contract;
//! - [`server::TestServer`]: the server in this process (stop/restart on the same file);
//! - [`process::ServerProcess`]: the `daka-server` binary as a child (SIGKILL-able);
//! - [`proxy::FaultProxy`]: a loopback HTTP proxy that drops, duplicates, delays, reorders;
//! - [`rng::Rng`]: a seeded PRNG, so every schedule replays from its seed;
//! - [`Admin`]: sign-up, sign-in, groups and invites, straight to the server.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod process;
pub mod proxy;
pub mod rng;
pub mod server;
pub mod store;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use chrono::NaiveDate;
use daka_core::lang::Lang;
use daka_sync::{Client, Credentials};
use daka_wire::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use store::MemoryStore;

pub const PASSWORD: &str = "correct horse battery";

/// Today in the members' zone (Asia/Shanghai, UTC+8 all year).
pub fn today() -> NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

/// `days` before today: dates two or more days back are never shared on joining (the share
/// window is "today" at the smallest), so they stay out of the next test's group.
pub fn days_ago(days: i64) -> NaiveDate {
    today() - chrono::Duration::days(days)
}

/// A unique, valid username.
pub fn username(prefix: &str) -> String {
    let tail = Uuid::now_v7().simple().to_string();
    format!("{prefix}{}", &tail[tail.len() - 12..])
}

/// Calls straight to a server (never through the fault proxy) for accounts and groups. Each
/// request claims a different `X-Forwarded-For` address, so a server started with
/// `--trust-proxy` never rate-limits the hundreds of joins a fault run makes.
#[derive(Debug)]
pub struct Admin {
    pub base: String,
    http: reqwest::Client,
    next_ip: AtomicU32,
}

impl Admin {
    pub fn new(base: &str) -> Self {
        let http = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
        let seed = u32::from(Uuid::now_v7().as_bytes()[15]);
        Admin { base: base.to_owned(), http, next_ip: AtomicU32::new(seed << 16) }
    }

    pub async fn call<T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<impl Serialize>,
    ) -> Result<T, String> {
        let n = self.next_ip.fetch_add(1, Ordering::Relaxed);
        let ip = format!("10.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255);
        let mut r = self
            .http
            .request(method.clone(), format!("{}{path}", self.base))
            .header("x-forwarded-for", ip)
            .header(PROTOCOL_HEADER, PROTOCOL.to_string())
            .header("accept-language", "en");
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        if let Some(b) = body {
            r = r.json(&b);
        }
        let response = r.send().await.map_err(|e| format!("{method} {path}: {e}"))?;
        let status = response.status();
        let text = response.text().await.map_err(|e| e.to_string())?;
        if !status.is_success() {
            return Err(format!("{method} {path} → {status} {text}"));
        }
        let text = if text.is_empty() { "null".to_owned() } else { text };
        serde_json::from_str(&text).map_err(|e| format!("{method} {path}: {e}: {text}"))
    }

    pub async fn sign_up(&self, name: &str) -> Session {
        let body = SignUp {
            username: name.into(),
            password: PASSWORD.into(),
            nickname: name.chars().take(20).collect(),
            device_name: format!("{name} laptop"),
            invite: None,
        };
        self.call(reqwest::Method::POST, "/v1/accounts", None, Some(body)).await.unwrap()
    }

    /// Signs the user in on another device.
    pub async fn sign_in(&self, name: &str, device_name: &str) -> Session {
        let body = SignIn {
            username: name.into(),
            password: PASSWORD.into(),
            device_name: device_name.into(),
        };
        self.call(reqwest::Method::POST, "/v1/sessions", None, Some(body)).await.unwrap()
    }

    pub async fn create_group(&self, token: &str, name: &str) -> Group {
        let body = CreateGroup {
            name: name.into(),
            tz: store::TZ.into(),
            deadline: "22:30".into(),
            share: ShareSettings::default(),
        };
        self.call(reqwest::Method::POST, "/v1/groups", Some(token), Some(body)).await.unwrap()
    }

    pub async fn invite(&self, token: &str, group: Uuid) -> String {
        let body = CreateInvite { max_uses: 10, expires_in_hours: 2 };
        let created: InviteCreated = self
            .call(
                reqwest::Method::POST,
                &format!("/v1/groups/{group}/invites"),
                Some(token),
                Some(body),
            )
            .await
            .unwrap();
        created.code
    }

    pub async fn join(&self, token: &str, code: &str) -> Group {
        let body = JoinGroup { code: code.into(), share: ShareSettings::default() };
        self.call(reqwest::Method::POST, "/v1/groups/join", Some(token), Some(body)).await.unwrap()
    }

    pub async fn delete_group(&self, token: &str, group: Uuid) -> Result<(), String> {
        self.call::<serde_json::Value>(
            reqwest::Method::DELETE,
            &format!("/v1/groups/{group}"),
            Some(token),
            None::<()>,
        )
        .await
        .map(|_| ())
    }

    /// Every page of a group's feed from 0, as `token`'s device sees it, in `limit`-sized pages.
    pub async fn feed(
        &self,
        token: &str,
        group: Uuid,
        limit: u32,
    ) -> Result<Vec<ChangePage>, String> {
        let mut pages = Vec::new();
        let mut after = 0;
        loop {
            let page: ChangePage = self
                .call(
                    reqwest::Method::GET,
                    &format!("/v1/groups/{group}/changes?after={after}&limit={limit}"),
                    Some(token),
                    None::<()>,
                )
                .await?;
            let more = page.has_more;
            after = page.next_after;
            pages.push(page);
            if !more {
                return Ok(pages);
            }
            if pages.len() > 10_000 {
                return Err("the feed never ends".into());
            }
        }
    }
}

/// One signed-in device: its session, a sync client and its local store.
#[derive(Debug, Clone)]
pub struct Device {
    pub session: Session,
    pub client: Client,
    pub store: Arc<MemoryStore>,
}

impl Device {
    /// A device with an empty store whose client talks to `server` (a proxy, or the server).
    pub fn new(session: Session, server: &str) -> Self {
        let client = Client::with_credentials(
            &Credentials { server: server.to_owned(), token: session.token.clone() },
            Lang::En,
        )
        .unwrap();
        let store = Arc::new(MemoryStore::new(session.user_id, session.device_id));
        Device { session, client, store }
    }

    pub fn token(&self) -> &str {
        &self.session.token
    }

    pub async fn sync(&self) -> Result<daka_sync::RoundReport, daka_sync::SyncError> {
        daka_sync::sync_once(&self.client, self.store.as_ref()).await
    }
}

/// Two users in one group on `url`: the owner ("A") and a member ("B").
pub async fn two_members(admin: &Admin, url: &str) -> (Device, Device, Group) {
    let a = admin.sign_up(&username("a")).await;
    let b = admin.sign_up(&username("b")).await;
    let group = admin.create_group(&a.token, "自习室").await;
    let code = admin.invite(&a.token, group.id).await;
    admin.join(&b.token, &code).await;
    (Device::new(a, url), Device::new(b, url), group)
}

/// Waits until `check` holds, polling; panics with `what` after `limit` (a bound, not a timing
/// assertion).
pub async fn eventually(limit: Duration, what: &str, mut check: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + limit;
    while !check() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out after {limit:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}
