//! A real daka-server on 127.0.0.1 (port 0) over a temporary SQLite file, and a small typed
//! client for tests. Dropping the server shuts it down.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::SocketAddr;
use std::sync::Arc;

use daka_server::{App, Server, Settings};
use daka_wire::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

/// A clock a test moves by hand.
pub type TestClock = Arc<std::sync::Mutex<chrono::DateTime<chrono::Utc>>>;

pub struct TestServer {
    pub addr: SocketAddr,
    pub url: String,
    pub app: Arc<App>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    _dir: tempfile::TempDir,
}

impl TestServer {
    pub async fn start() -> Self {
        Self::start_with(Settings::default()).await
    }

    pub async fn start_with(settings: Settings) -> Self {
        Self::start_at(settings, None).await
    }

    /// A server whose clock reads `clock` (when given) instead of the system's.
    pub async fn start_at(settings: Settings, clock: Option<TestClock>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db =
            daka_server_sqlite::SqliteDb::open(&dir.path().join("server.sqlite")).await.unwrap();
        let mut app = App::new(Arc::new(db), settings);
        if let Some(clock) = clock {
            app = app.with_clock(move || *clock.lock().unwrap());
        }
        let server = Server::bind(app, "127.0.0.1:0".parse().unwrap()).await.unwrap();
        let addr = server.local_addr().unwrap();
        let app = server.app();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(server.run(async move {
            let _ = stopped.await;
        }));
        TestServer {
            addr,
            url: format!("http://{addr}"),
            app,
            stop: Some(stop),
            task: Some(task),
            _dir: dir,
        }
    }

    /// Stops the server and waits until it has finished what was in flight.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap().unwrap();
        }
    }

    pub fn client(&self, token: Option<&str>) -> Client {
        Client {
            base: self.url.clone(),
            token: token.map(str::to_owned),
            http: reqwest::Client::new(),
            lang: "zh-CN",
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

#[derive(Clone)]
pub struct Client {
    pub base: String,
    pub token: Option<String>,
    pub http: reqwest::Client,
    pub lang: &'static str,
}

impl Client {
    pub fn with_token(&self, token: &str) -> Client {
        Client { token: Some(token.to_owned()), ..self.clone() }
    }

    pub fn in_english(mut self) -> Client {
        self.lang = "en";
        self
    }

    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let mut r = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("accept-language", self.lang);
        if let Some(t) = &self.token {
            r = r.bearer_auth(t);
        }
        r
    }

    /// Sends `body` (or nothing) and answers the status and the JSON body (`Null` if none).
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let mut r = self.request(method, path);
        if let Some(b) = body {
            r = r.json(b);
        }
        let response = r.send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(serde_json::Value::Null))
    }

    pub async fn ok<T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<impl Serialize>,
    ) -> T {
        let body = body.map(|b| serde_json::to_value(b).unwrap());
        let (status, json) = self.call(method.clone(), path, body.as_ref()).await;
        assert!((200..300).contains(&status), "{method} {path} → {status} {json}");
        serde_json::from_value(json).unwrap()
    }

    pub async fn sign_up(&self, name: &str) -> Session {
        let body = SignUp {
            username: name.into(),
            password: "correct horse battery".into(),
            nickname: format!("{name}同学"),
            device_name: format!("{name} 的电脑"),
            invite: None,
        };
        self.ok(reqwest::Method::POST, "/v1/accounts", Some(body)).await
    }

    pub async fn create_group(&self, name: &str) -> Group {
        let body = CreateGroup {
            name: name.into(),
            tz: "Asia/Shanghai".into(),
            deadline: "22:30".into(),
            share: ShareSettings::default(),
        };
        self.ok(reqwest::Method::POST, "/v1/groups", Some(body)).await
    }

    pub async fn invite(&self, group: Uuid) -> InviteCreated {
        let body = CreateInvite { max_uses: 20, expires_in_hours: 48 };
        self.ok(reqwest::Method::POST, &format!("/v1/groups/{group}/invites"), Some(body)).await
    }

    pub async fn join(&self, code: &str) -> Group {
        self.ok(
            reqwest::Method::POST,
            "/v1/groups/join",
            Some(JoinGroup { code: code.into(), share: ShareSettings::default() }),
        )
        .await
    }

    pub async fn push(&self, mutations: Vec<Mutation>) -> PushResponse {
        self.ok(reqwest::Method::POST, "/v1/sync/push", Some(PushRequest { mutations })).await
    }

    pub async fn board(&self, group: Uuid, date: Option<&str>) -> Board {
        let q = date.map(|d| format!("?date={d}")).unwrap_or_default();
        self.ok(reqwest::Method::GET, &format!("/v1/groups/{group}/board{q}"), None::<()>).await
    }
}

/// An HLC-shaped version for "now".
pub fn version_now() -> i64 {
    chrono::Utc::now().timestamp_millis() << 16
}
