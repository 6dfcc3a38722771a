//! Punch-in photos over real HTTP: upload rules, the board listing them only when shared and
//! uploaded, fetching through the group (API and web page), and the headers that keep a
//! crafted upload from ever being read as a page.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::sync::{Arc, Mutex};

use chrono::{TimeZone, Utc};
use daka_wire::*;
use reqwest::Method;
use serde_json::json;
use support::{Client, TestServer};
use uuid::Uuid;

fn jpeg(fill: u8) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
    bytes.extend(std::iter::repeat_n(fill, 300));
    bytes.extend([0xFF, 0xD9]);
    bytes
}

async fn put(client: &Client, id: Uuid, bytes: Vec<u8>) -> (u16, serde_json::Value) {
    let response = client.request(Method::PUT, &format!("/v1/photos/{id}")).body(bytes).send();
    let response = response.await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(serde_json::Value::Null))
}

fn punch_in_with(photos: Vec<Uuid>, now: chrono::DateTime<Utc>) -> Mutation {
    Mutation {
        device_seq: 1,
        mutation_id: Uuid::now_v7(),
        version: now.timestamp_millis() << 16,
        record: Record::PunchIn {
            id: Uuid::now_v7(),
            body: Some(PunchInBody {
                date: "2026-12-06".parse().unwrap(),
                created_utc: now,
                tz: "Asia/Shanghai".into(),
                minutes: vec![],
                note: None,
                mood: None,
                photos,
            }),
        },
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photos_reach_the_group_only_when_shared() {
    let now = Utc.with_ymd_and_hms(2026, 12, 6, 4, 0, 0).unwrap();
    let server = TestServer::start_at(Default::default(), Some(Arc::new(Mutex::new(now)))).await;
    let anon = server.client(None);
    let a = anon.with_token(&anon.sign_up("xiaoli").await.token);
    let b = anon.with_token(&anon.sign_up("xiaowang").await.token);
    let group = a.create_group("考研小组").await;
    b.join(&a.invite(group.id).await.code).await;

    // Upload rules: JPEG only, at most 512 KiB, the same bytes again is fine, other bytes not.
    let (shown, on_its_way) = (Uuid::now_v7(), Uuid::now_v7());
    assert_eq!(put(&b, shown, jpeg(1)).await.0, 201);
    assert_eq!(put(&b, shown, jpeg(1)).await.0, 200);
    let (status, body) = put(&b, shown, jpeg(2)).await;
    assert_eq!((status, body["code"].as_str()), (409, Some("photo_taken")));
    let (status, body) = put(&b, Uuid::now_v7(), b"<script>alert(1)</script>".to_vec()).await;
    assert_eq!(status, 400);
    assert_eq!(body["message"], "照片必须是完整的 JPEG 图片。");
    let (status, body) = put(&b, Uuid::now_v7(), vec![0xFF; MAX_PHOTO_BYTES + 1]).await;
    assert_eq!((status, body["code"].as_str()), (413, Some("payload_too_large")));
    assert_eq!(put(&server.client(None), Uuid::now_v7(), jpeg(3)).await.0, 401);

    let pushed = b.push(vec![punch_in_with(vec![shown, on_its_way], now)]).await;
    assert_eq!(pushed.results[0].status, MutationStatus::Applied, "{pushed:?}");
    let url = format!("/v1/groups/{}/photos/{shown}", group.id);

    // Off by default: neither the board, the feed nor the photo route shows it.
    assert!(a.board(group.id, None).await.entries[0].photos.is_empty());
    assert_eq!(a.call(Method::GET, &url, None).await.0, 404);
    let b_share = json!({"note": false, "mood": false, "photos": true, "exact_times": true});
    let (s, _) =
        b.call(Method::PUT, &format!("/v1/groups/{}/share", group.id), Some(&b_share)).await;
    assert_eq!(s, 200);

    // Shared: the board lists the uploaded one (not the one still on its way).
    let board = a.board(group.id, None).await;
    assert_eq!(board.entries[0].photos, vec![shown]);
    let page: ChangePage =
        a.ok(Method::GET, &format!("/v1/groups/{}/changes?after=0", group.id), None::<()>).await;
    let listed = page.changes.iter().find_map(|c| match &c.record {
        SharedRecord::PunchIn { body: Some(p), .. } => Some(p.photos.clone()),
        _ => None,
    });
    assert_eq!(listed, Some(vec![shown, on_its_way]), "the feed lists what the punch-in lists");
    let response = a.request(Method::GET, &url).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "image/jpeg");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(headers["content-security-policy"].to_str().unwrap().contains("sandbox"));
    assert_eq!(response.bytes().await.unwrap().to_vec(), jpeg(1));

    // Someone outside the group cannot fetch it, through the API or the page.
    let c = anon.with_token(&anon.sign_up("outsider").await.token);
    assert_eq!(c.call(Method::GET, &url, None).await.0, 404);
    let web = format!("/web/groups/{}/photos/{shown}", group.id);
    assert_eq!(c.request(Method::GET, &web).send().await.unwrap().status().as_u16(), 404);
    assert_eq!(anon.request(Method::GET, &web).send().await.unwrap().status().as_u16(), 404);

    // The web board shows it as a thumbnail the member's browser may load.
    let html = a.request(Method::GET, &format!("/web/groups/{}", group.id)).send().await.unwrap();
    let csp = html.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("img-src 'self'"), "{csp}");
    let html = html.text().await.unwrap();
    assert!(html.contains(&format!("<img src=\"{web}\"")), "{html}");
    assert!(!html.contains(&on_its_way.to_string()), "a photo not uploaded is not drawn");
    let img = a.request(Method::GET, &web).send().await.unwrap();
    assert_eq!((img.status().as_u16(), img.bytes().await.unwrap().to_vec()), (200, jpeg(1)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_keeps_at_most_the_servers_photo_quota() {
    let server = TestServer::start_with(daka_server::Settings {
        max_photos_per_user: 2,
        ..Default::default()
    })
    .await;
    let anon = server.client(None);
    let a = anon.with_token(&anon.sign_up("xiaoli").await.token).in_english();
    assert_eq!(put(&a, Uuid::now_v7(), jpeg(1)).await.0, 201);
    assert_eq!(put(&a, Uuid::now_v7(), jpeg(2)).await.0, 201);
    let (status, body) = put(&a, Uuid::now_v7(), jpeg(3)).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("quota_exceeded")));
    assert!(body["message"].as_str().unwrap().contains("as many photos"), "{body}");
}
