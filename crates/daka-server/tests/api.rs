//! The group server end to end over real HTTP: accounts, a group, an invite, a punch-in, the
//! board and its 接龙 text in both languages, the event stream, and the server's own rules
//! (invite-only sign-up, rate limits, protocol versions, revocation, on-time by device time).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{TimeZone, Utc};
use daka_wire::*;
use futures_util::StreamExt;
use reqwest::Method;
use serde_json::json;
use support::{TestServer, version_now};
use uuid::Uuid;

fn punch_in(
    seq: i64,
    date: &str,
    created: chrono::DateTime<Utc>,
    subject: Uuid,
    minutes: u32,
    version: i64,
) -> Mutation {
    Mutation {
        device_seq: seq,
        mutation_id: Uuid::now_v7(),
        version,
        record: Record::PunchIn {
            id: Uuid::now_v7(),
            body: Some(PunchInBody {
                date: date.parse().unwrap(),
                created_utc: created,
                tz: "Asia/Shanghai".into(),
                minutes: vec![SubjectMinutes { subject_id: subject, minutes }],
                note: Some("今天状态不错".into()),
                mood: Some(Mood::Good),
                photos: vec![],
            }),
        },
    }
}

fn subject(seq: i64, id: Uuid, name: &str, version: i64) -> Mutation {
    Mutation {
        device_seq: seq,
        mutation_id: Uuid::now_v7(),
        version,
        record: Record::Subject {
            id,
            body: Some(SubjectBody { name: name.into(), color: "#4C6EF5".into() }),
        },
    }
}

fn today_in_shanghai() -> String {
    Utc::now().with_timezone(&chrono_tz::Asia::Shanghai).date_naive().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_punches_in_and_the_group_board_shows_it_in_both_languages() {
    // Noon in Shanghai, well before the 22:30 deadline, whatever time the test runs at.
    let now = Utc.with_ymd_and_hms(2026, 12, 6, 4, 0, 0).unwrap();
    let server = TestServer::start_at(Default::default(), Some(Arc::new(Mutex::new(now)))).await;
    let anon = server.client(None);
    let a = anon.with_token(&anon.sign_up("xiaoli").await.token);
    let b = anon.with_token(&anon.sign_up("xiaowang").await.token);
    let group = a.create_group("考研小组").await;
    let invite = a.invite(group.id).await;
    assert!(
        invite
            .app_link
            .starts_with(&format!("daka://join/{}?server=http%3A%2F%2F127.0.0.1", invite.code))
    );
    let preview: InvitePreview = anon
        .ok(
            Method::POST,
            "/v1/invites/preview",
            Some(InviteCode { code: invite.code.to_lowercase() }),
        )
        .await;
    assert_eq!((preview.group_name.as_str(), preview.member_count), ("考研小组", 1));
    let joined = b.join(&invite.code).await;
    assert_eq!((joined.id, joined.role, joined.member_count), (group.id, Role::Member, 2));

    let math = Uuid::now_v7();
    let today = "2026-12-06".to_string();
    let pushed = b
        .push(vec![
            subject(1, math, "数学一", now.timestamp_millis() << 16),
            punch_in(2, &today, now, math, 90, now.timestamp_millis() << 16),
        ])
        .await;
    assert_eq!(pushed.last_device_seq, 2);
    assert!(pushed.results.iter().all(|r| r.status == MutationStatus::Applied), "{pushed:?}");

    let board = a.board(group.id, None).await;
    assert_eq!(board.date.to_string(), today);
    assert_eq!(board.entries.len(), 1);
    let entry = &board.entries[0];
    assert_eq!(
        (entry.position, entry.nickname.as_str(), entry.total_minutes),
        (1, "xiaowang同学", 90)
    );
    assert_eq!(entry.minutes[0].subject, "数学一");
    assert_eq!(entry.minutes[0].color, "#4c6ef5");
    assert!(
        entry.notes.is_empty() && entry.mood.is_none(),
        "notes and mood are not shared by default"
    );
    assert_eq!(
        board.missing.iter().map(|m| m.nickname.as_str()).collect::<Vec<_>>(),
        vec!["xiaoli同学"]
    );
    assert!(board.jielong_text.contains("打卡接龙"), "{}", board.jielong_text);
    assert!(
        board.jielong_text.contains("1. xiaowang同学 数学一 1h30m ✅"),
        "{}",
        board.jielong_text
    );
    assert!(board.jielong_text.contains("未打卡：xiaoli同学"), "{}", board.jielong_text);

    let english = a.clone().in_english().board(group.id, Some(&today)).await;
    assert!(english.jielong_text.contains("check-in"), "{}", english.jielong_text);
    assert!(english.jielong_text.contains("Not yet: xiaoli同学"), "{}", english.jielong_text);

    // The feed carries the same, filtered by what B shares.
    let page: ChangePage =
        a.ok(Method::GET, &format!("/v1/groups/{}/changes?after=0", group.id), None::<()>).await;
    assert_eq!(page.changes.len(), 2);
    assert!(page.changes.iter().all(|c| c.author_user_id == joined.owner_user_id || c.seq > 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_event_stream_pokes_a_member_when_another_pushes() {
    let server = TestServer::start().await;
    let anon = server.client(None);
    let a = anon.with_token(&anon.sign_up("alice").await.token);
    let b = anon.with_token(&anon.sign_up("bob").await.token);
    let group = a.create_group("早起小组").await;
    b.join(&a.invite(group.id).await.code).await;
    let response = a.request(Method::GET, "/v1/events").send().await.unwrap();
    assert_eq!(response.status(), 200);
    let mut stream = response.bytes_stream();
    let mut seen = String::new();
    let read_until = |needle: &'static str| {
        let mut seen = std::mem::take(&mut seen);
        async move {
            while !seen.contains(needle) {
                let chunk = tokio::time::timeout(Duration::from_secs(10), stream.next())
                    .await
                    .expect("an event")
                    .unwrap()
                    .unwrap();
                seen.push_str(&String::from_utf8_lossy(&chunk));
            }
            (seen, stream)
        }
    };
    let (_, rest) = read_until("event: ready").await;
    stream = rest;
    b.push(vec![punch_in(1, &today_in_shanghai(), Utc::now(), Uuid::now_v7(), 30, version_now())])
        .await;
    let mut text = String::new();
    while !text.contains("event: poke") {
        let chunk = tokio::time::timeout(Duration::from_secs(10), stream.next())
            .await
            .expect("a poke")
            .unwrap()
            .unwrap();
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(text.contains(&group.id.to_string()), "{text}");
    // Shutting down ends the stream instead of waiting for it forever.
    tokio::time::timeout(Duration::from_secs(10), server.stop())
        .await
        .expect("graceful shutdown ends event streams");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_punch_in_made_offline_before_the_deadline_counts_as_on_time() {
    // The server's clock is 23:10 in Shanghai, 40 minutes past the 22:30 deadline.
    let now = Utc.with_ymd_and_hms(2026, 12, 6, 15, 10, 0).unwrap();
    let clock = Arc::new(Mutex::new(now));
    let server = TestServer::start_at(Default::default(), Some(clock)).await;
    let anon = server.client(None);
    let a = anon.with_token(&anon.sign_up("owner").await.token);
    let b = anon.with_token(&anon.sign_up("train").await.token);
    let group = a.create_group("考研小组").await;
    b.join(&a.invite(group.id).await.code).await;
    let on_the_train = Utc.with_ymd_and_hms(2026, 12, 6, 13, 0, 0).unwrap(); // 21:00 Shanghai
    let late = Utc.with_ymd_and_hms(2026, 12, 6, 15, 0, 0).unwrap(); // 23:00 Shanghai
    let version = on_the_train.timestamp_millis() << 16;
    b.push(vec![punch_in(1, "2026-12-06", on_the_train, Uuid::now_v7(), 60, version)]).await;
    a.push(vec![punch_in(
        1,
        "2026-12-06",
        late,
        Uuid::now_v7(),
        60,
        late.timestamp_millis() << 16,
    )])
    .await;
    let board = a.board(group.id, Some("2026-12-06")).await;
    let by_name: Vec<(&str, bool)> =
        board.entries.iter().map(|e| (e.nickname.as_str(), e.on_time)).collect();
    assert_eq!(by_name, vec![("train同学", true), ("owner同学", false)]);
    assert!(
        board.jielong_text.contains("1. train同学") && board.jielong_text.contains("⏰"),
        "{}",
        board.jielong_text
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_device_is_refused_at_once() {
    let server = TestServer::start().await;
    let anon = server.client(None);
    let first = anon.sign_up("carol").await;
    let second: Session = anon
        .ok(Method::POST, "/v1/sessions", Some(json!({"username": "CAROL", "password": "correct horse battery", "device_name": "网吧"})))
        .await;
    let stolen = anon.with_token(&second.token);
    assert_eq!(stolen.call(Method::GET, "/v1/me", None).await.0, 200);
    let main = anon.with_token(&first.token);
    let devices: Vec<Device> = main.ok(Method::GET, "/v1/devices", None::<()>).await;
    assert_eq!(devices.iter().filter(|d| d.current).count(), 1);
    assert_eq!(
        main.call(Method::DELETE, &format!("/v1/devices/{}", second.device_id), None).await.0,
        204
    );
    let (status, body) = stolen.call(Method::GET, "/v1/sync/status", None).await;
    assert_eq!((status, body["code"].as_str()), (401, Some("unauthorized")));
    assert!(body["message"].as_str().unwrap().contains("重新登录"), "{body}");
    let (status, _) =
        stolen.call(Method::POST, "/v1/sync/push", Some(&json!({"mutations": []}))).await;
    assert_eq!(status, 401);
    assert_eq!(anon.with_token("pk_not-a-token").call(Method::GET, "/v1/me", None).await.0, 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invite_only_servers_need_a_code_to_sign_up() {
    let server =
        TestServer::start_with(daka_server::Settings { open_signup: false, ..Default::default() })
            .await;
    let anon = server.client(None).in_english();
    let body = json!({"username": "dave", "password": "correct horse battery", "nickname": "Dave", "device_name": "pc"});
    let (status, json) = anon.call(Method::POST, "/v1/accounts", Some(&body)).await;
    assert_eq!((status, json["code"].as_str()), (403, Some("signup_closed")));
    assert!(json["message"].as_str().unwrap().contains("invite"), "{json}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guessing_passwords_is_rate_limited_with_retry_after() {
    let server = TestServer::start().await;
    let anon = server.client(None);
    anon.sign_up("erin").await;
    let wrong = json!({"username": "erin", "password": "wrong password", "device_name": "x"});
    for _ in 0..10 {
        let (status, body) = anon.call(Method::POST, "/v1/sessions", Some(&wrong)).await;
        assert_eq!((status, body["code"].as_str()), (401, Some("bad_credentials")));
    }
    let response = anon.request(Method::POST, "/v1/sessions").json(&wrong).send().await.unwrap();
    assert_eq!(response.status(), 429);
    let retry: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry > 0 && retry <= 300);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_protocol_version_is_told_to_update() {
    let server = TestServer::start().await;
    let anon = server.client(None);
    let response =
        anon.request(Method::GET, "/health").header(PROTOCOL_HEADER, "99").send().await.unwrap();
    assert_eq!(response.status(), 426);
    let body: ApiError = response.json().await.unwrap();
    assert_eq!(body.code, ErrorCode::ProtocolMismatch);
    let ok = anon
        .request(Method::GET, "/health")
        .header(PROTOCOL_HEADER, PROTOCOL.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let doc: serde_json::Value = anon.ok(Method::GET, "/openapi.json", None::<()>).await;
    assert!(doc["paths"]["/v1/sync/push"].is_object());
}
