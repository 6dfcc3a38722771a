//! Hostile HTTP: every bad request answers a 4xx `{code, message}` and writes nothing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use chrono::Utc;
use daka_wire::*;
use reqwest::Method;
use serde_json::{Value, json};
use support::{Client, TestServer, version_now};
use uuid::Uuid;

async fn member_with_group(server: &TestServer) -> (Client, Uuid) {
    let anon = server.client(None);
    let me = anon.with_token(&anon.sign_up("hostile").await.token);
    let group = me.create_group("考研小组").await;
    (me, group.id)
}

async fn feed_len(c: &Client, group: Uuid) -> usize {
    let page: ChangePage = c
        .ok(Method::GET, &format!("/v1/groups/{group}/changes?after=0&limit=500"), None::<()>)
        .await;
    page.changes.len()
}

fn punch(seq: i64, date: String, minutes: Value, version: i64) -> Value {
    json!({"device_seq": seq, "mutation_id": Uuid::now_v7(), "version": version, "record": {"type": "punch_in", "id": Uuid::now_v7(),
        "body": {"date": date, "created_utc": Utc::now(), "tz": "Asia/Shanghai", "minutes": [{"subject_id": Uuid::now_v7(), "minutes": minutes}]}}})
}

fn today() -> String {
    Utc::now().with_timezone(&chrono_tz::Asia::Shanghai).date_naive().to_string()
}

async fn raw(c: &Client, path: &str, content_type: &str, body: Vec<u8>) -> (u16, Value) {
    let r = c
        .request(Method::POST, path)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn assert_error(status: u16, body: &Value, want_status: u16, want_code: &str) {
    assert_eq!(status, want_status, "{body}");
    assert_eq!(body["code"].as_str(), Some(want_code), "{body}");
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_bodies_are_refused_with_the_error_shape() {
    let server = TestServer::start().await;
    let (me, group) = member_with_group(&server).await;
    let json = "application/json";
    let (s, b) = raw(&me, "/v1/sync/push", json, b"{\"mutations\": [".to_vec()).await;
    assert_error(s, &b, 400, "bad_request");
    let (s, b) = raw(&me, "/v1/sync/push", json, b"{\"mutations\": \"lots\"}".to_vec()).await;
    assert_error(s, &b, 400, "bad_request");
    let (s, b) = raw(&me, "/v1/sync/push", json, vec![0x7b, 0xff, 0xfe, 0x7d]).await;
    assert_error(s, &b, 400, "bad_request");
    let (s, b) = raw(&me, "/v1/groups", "text/plain", b"{}".to_vec()).await;
    assert_error(s, &b, 400, "bad_request");
    let (s, b) = raw(
        &me,
        "/v1/groups",
        json,
        b"{\"name\":\"x\",\"tz\":\"Mars/Olympus\",\"deadline\":\"22:30\"}".to_vec(),
    )
    .await;
    assert_error(s, &b, 400, "invalid");
    assert!(b["message"].as_str().unwrap().starts_with("时区"), "{b}");
    let (s, b) = raw(
        &me,
        "/v1/groups",
        json,
        b"{\"name\":\"x\",\"tz\":\"Asia/Shanghai\",\"deadline\":\"25:00\"}".to_vec(),
    )
    .await;
    assert_error(s, &b, 400, "invalid");
    let (s, b) = raw(
        &me,
        "/v1/groups",
        json,
        b"{\"name\":\"x\",\"tz\":\"Asia/Shanghai\",\"deadline\":\"22:30\",\"admin\":true}".to_vec(),
    )
    .await;
    assert_error(s, &b, 400, "bad_request");
    // A body over the limit is refused before it is read.
    let huge = format!("{{\"mutations\": [], \"pad\": \"{}\"}}", "x".repeat(600 * 1024));
    let (s, b) = raw(&me, "/v1/sync/push", json, huge.into_bytes()).await;
    assert_error(s, &b, 413, "payload_too_large");
    // Ids in the path that are not ids.
    let (s, b) = me.call(Method::GET, "/v1/groups/not-a-uuid/board", None).await;
    assert_error(s, &b, 400, "invalid");
    let (s, b) =
        me.call(Method::GET, &format!("/v1/groups/{group}/board?date=2026-02-30"), None).await;
    assert_error(s, &b, 400, "invalid");
    let (s, b) = me.call(Method::GET, &format!("/v1/groups/{group}/changes?after=-5"), None).await;
    assert_error(s, &b, 400, "invalid");
    let (s, b) = me.call(Method::GET, "/v1/nothing-here", None).await;
    assert_error(s, &b, 404, "not_found");
    assert_eq!(feed_len(&me, group).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_mutations_are_rejected_one_by_one_and_write_nothing() {
    let server = TestServer::start().await;
    let (me, group) = member_with_group(&server).await;
    let (s, b) = me.call(Method::POST, "/v1/sync/push", Some(&json!({"mutations": (1..=10_000).map(|i| punch(i, today(), json!(1), version_now())).collect::<Vec<_>>()}))).await;
    assert_error(s, &b, 413, "payload_too_large");
    let far_future = (Utc::now() + chrono::Duration::days(365)).timestamp_millis() << 16;
    let batch = json!({"mutations": [
        punch(1, today(), json!(60), far_future),
        punch(2, today(), json!(1_000_000_000), version_now()),
        punch(3, "1999-01-01".into(), json!(60), version_now()),
        punch(4, "2999-01-01".into(), json!(60), version_now()),
    ]});
    let response: PushResponse = me.ok(Method::POST, "/v1/sync/push", Some(batch)).await;
    let codes: Vec<Option<RejectCode>> = response.results.iter().map(|r| r.code).collect();
    assert_eq!(
        codes,
        vec![
            Some(RejectCode::ClockAhead),
            Some(RejectCode::Invalid),
            Some(RejectCode::DateOutOfWindow),
            Some(RejectCode::DateOutOfWindow)
        ]
    );
    assert!(
        response
            .results
            .iter()
            .all(|r| r.status == MutationStatus::Rejected && r.message.is_some())
    );
    assert_eq!(response.last_device_seq, 4, "rejected mutations still advance the sequence");
    // Minutes that do not even fit the type: the whole request is malformed.
    let (s, b) = me
        .call(
            Method::POST,
            "/v1/sync/push",
            Some(&json!({"mutations": [punch(5, today(), json!(1e12), version_now())]})),
        )
        .await;
    assert_error(s, &b, 400, "bad_request");
    // A gap: 409 with where to resume.
    let (s, b) = me
        .call(
            Method::POST,
            "/v1/sync/push",
            Some(&json!({"mutations": [punch(9, today(), json!(5), version_now())]})),
        )
        .await;
    assert_error(s, &b, 409, "sequence_gap");
    assert_eq!(b["expected"].as_i64(), Some(5));
    assert_eq!(feed_len(&me, group).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nobody_writes_another_members_record() {
    let server = TestServer::start().await;
    let (me, group) = member_with_group(&server).await;
    let anon = server.client(None);
    let thief = anon.with_token(&anon.sign_up("thief").await.token);
    thief.join(&me.invite(group).await.code).await;
    let mine = punch(1, today(), json!(30), version_now());
    let id = mine["record"]["id"].clone();
    me.ok::<PushResponse>(Method::POST, "/v1/sync/push", Some(json!({"mutations": [mine]}))).await;
    let overwrite = json!({"device_seq": 1, "mutation_id": Uuid::now_v7(), "version": version_now() + 1, "record": {"type": "punch_in", "id": id, "body": null}});
    let response: PushResponse =
        thief.ok(Method::POST, "/v1/sync/push", Some(json!({"mutations": [overwrite]}))).await;
    assert_eq!(response.results[0].code, Some(RejectCode::Forbidden));
    let page: ChangePage =
        me.ok(Method::GET, &format!("/v1/groups/{group}/changes?after=0"), None::<()>).await;
    assert!(matches!(page.changes[0].record, SharedRecord::PunchIn { body: Some(_), .. }));
}
