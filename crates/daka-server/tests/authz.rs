//! The authorization matrix: every operation of the OpenAPI document (which is generated from
//! the same list the router is built from, so a new route cannot be missing here) × every kind
//! of caller → the status its access tag promises.
//!
//! Each cell runs in a fresh group, so destructive operations (delete, leave, remove) in one
//! cell cannot change the answer of another.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use reqwest::Method;
use serde_json::{Value, json};
use support::{Client, TestServer};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    NoToken,
    RevokedDevice,
    OtherGroupsMember,
    Member,
    Admin,
    Owner,
}

const CALLERS: [Caller; 6] = [
    Caller::NoToken,
    Caller::RevokedDevice,
    Caller::OtherGroupsMember,
    Caller::Member,
    Caller::Admin,
    Caller::Owner,
];

/// What a caller gets from an operation tagged `access`: Some(status) or 2xx (None).
fn expected(access: &str, operation: &str, caller: Caller) -> Option<u16> {
    use Caller::*;
    let rank = |c: Caller| match c {
        Member => 1,
        Admin => 2,
        Owner => 3,
        _ => 0,
    };
    match (access, caller) {
        ("public", _) => None,
        (_, NoToken | RevokedDevice) => Some(401),
        ("device", _) => None,
        (_, OtherGroupsMember) => Some(404),
        ("member", Owner) if operation == "leave" => Some(403), // the owner cannot leave
        ("admin", c) if rank(c) < 2 => Some(403),
        ("owner", c) if rank(c) < 3 => Some(403),
        ("member" | "admin" | "owner", _) => None,
        (other, _) => panic!("operation {operation} has no access tag (got {other})"),
    }
}

struct World {
    owner: Client,
    admin: Client,
    member: Client,
    outsider: Client,
    revoked: Client,
    target_id: Uuid,
    target_token: String,
    anonymous: Client,
}

async fn world(server: &TestServer) -> World {
    let anonymous = server.client(None);
    let s = |n: &'static str| {
        let anonymous = anonymous.clone();
        async move { anonymous.sign_up(n).await }
    };
    let (o, a, m, x, t) = (
        s("owner").await,
        s("admin").await,
        s("member").await,
        s("outsider").await,
        s("target").await,
    );
    let outsider = anonymous.with_token(&x.token);
    outsider.create_group("别的小组").await;
    // The member's second device, revoked.
    let second: daka_wire::Session = anonymous
        .ok(Method::POST, "/v1/sessions", Some(json!({"username": "member", "password": "correct horse battery", "device_name": "旧电脑"})))
        .await;
    let member = anonymous.with_token(&m.token);
    let (status, _) =
        member.call(Method::DELETE, &format!("/v1/devices/{}", second.device_id), None).await;
    assert_eq!(status, 204);
    World {
        owner: anonymous.with_token(&o.token),
        admin: anonymous.with_token(&a.token),
        member,
        outsider,
        revoked: anonymous.with_token(&second.token),
        target_id: t.user_id,
        target_token: t.token,
        anonymous,
    }
}

/// A tiny whole JPEG (start and end markers), all the server checks.
const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0xFF, 0xD9];

/// The owner shares a photo with `group`: uploaded, listed by a punch-in of today, sharing on.
async fn share_a_photo(w: &World, group: Uuid) -> Uuid {
    let photo = Uuid::now_v7();
    let r = w.owner.request(Method::PUT, &format!("/v1/photos/{photo}")).body(JPEG.to_vec());
    assert_eq!(r.send().await.unwrap().status().as_u16(), 201);
    let status: daka_wire::SyncStatus =
        w.owner.ok(Method::GET, "/v1/sync/status", None::<()>).await;
    let now = chrono::Utc::now();
    let today = now.with_timezone(&chrono_tz::Asia::Shanghai).date_naive();
    let punch_in = json!({"mutations": [{
        "device_seq": status.last_device_seq + 1,
        "mutation_id": Uuid::now_v7(),
        "version": now.timestamp_millis() << 16,
        "record": {"type": "punch_in", "id": Uuid::now_v7(), "body": {
            "date": today, "created_utc": now, "tz": "Asia/Shanghai",
            "minutes": [{"subject_id": Uuid::now_v7(), "minutes": 30}], "photos": [photo]}}}]});
    let (s, _) = w.owner.call(Method::POST, "/v1/sync/push", Some(&punch_in)).await;
    assert_eq!(s, 200);
    let share = json!({"photos": true});
    let (s, _) =
        w.owner.call(Method::PUT, &format!("/v1/groups/{group}/share"), Some(&share)).await;
    assert_eq!(s, 200);
    photo
}

/// A fresh group with the owner, an admin, a member and a target member; answers (group, a
/// usable invite code, an invite id).
async fn fresh_group(w: &World) -> (Uuid, String, Uuid) {
    let g = w.owner.create_group("考研小组").await;
    let invite = w.owner.invite(g.id).await;
    for c in [&w.admin, &w.member, &w.anonymous.with_token(&w.target_token)] {
        c.join(&invite.code).await;
    }
    let (status, _) = w
        .owner
        .call(
            Method::PUT,
            &format!("/v1/groups/{}/members/{}/role", g.id, admin_id(w).await),
            Some(&json!({"role": "admin"})),
        )
        .await;
    assert_eq!(status, 204);
    (g.id, invite.code, invite.invite.id)
}

async fn admin_id(w: &World) -> Uuid {
    let me: daka_wire::Me = w.admin.ok(Method::GET, "/v1/me", None::<()>).await;
    me.user_id
}

/// A request body that would succeed for an allowed caller, per operation id. A new operation
/// with a body fails the test until it is added here.
fn body(operation: &str, invite_code: &str, n: usize) -> Option<Value> {
    Some(match operation {
        "sign_up" => {
            json!({"username": format!("new{n}"), "password": "correct horse battery", "nickname": "新同学", "device_name": "电脑"})
        }
        "sign_in" => {
            json!({"username": "target", "password": "correct horse battery", "device_name": "又一台电脑"})
        }
        "update_me" => json!({"nickname": "改个名"}),
        "create" => json!({"name": "新小组", "tz": "Asia/Shanghai", "deadline": "22:30"}),
        "update" => json!({"name": "改名的小组", "tz": "Europe/London", "deadline": "23:00"}),
        "set_role" => json!({"role": "admin"}),
        "set_share" => json!({"note": true, "mood": false, "photos": true, "exact_times": true}),
        "leave" => json!({"delete_shared": false}),
        "invites_create" => json!({"max_uses": 3, "expires_in_hours": 24}),
        "preview" | "join" => json!({"code": invite_code}),
        "push" => json!({"mutations": []}),
        _ => return None,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_answers_every_caller_as_its_access_tag_says() {
    let server = TestServer::start_with(daka_server::Settings {
        limits: daka_server::limits::Limits {
            sign_in: daka_server::limits::Limit {
                attempts: 10_000,
                window: std::time::Duration::from_secs(60),
            },
            sign_up: daka_server::limits::Limit {
                attempts: 10_000,
                window: std::time::Duration::from_secs(60),
            },
            join: daka_server::limits::Limit {
                attempts: 10_000,
                window: std::time::Duration::from_secs(60),
            },
        },
        ..Default::default()
    })
    .await;
    let w = world(&server).await;
    let doc = serde_json::to_value(daka_server::api::openapi()).unwrap();
    let mut cells = 0;
    let mut failures = vec![];
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let tag = op["tags"][0].as_str().unwrap_or("none").to_owned();
            let mut operation = op["operationId"].as_str().unwrap().to_owned();
            if operation == "create" && path.contains("invites") {
                operation = "invites_create".into();
            }
            let needs_body = op.get("requestBody").is_some();
            for caller in CALLERS {
                cells += 1;
                let (group, code, invite_id) = fresh_group(&w).await;
                let client = match caller {
                    Caller::NoToken => &w.anonymous,
                    Caller::RevokedDevice => &w.revoked,
                    Caller::OtherGroupsMember => &w.outsider,
                    Caller::Member => &w.member,
                    Caller::Admin => &w.admin,
                    Caller::Owner => &w.owner,
                };
                // A device of the caller's own to revoke.
                let device_id = own_device(&w, client).await;
                // A photo the group may see, or a new id to upload under.
                let photo_id = if operation == "group_photo" {
                    share_a_photo(&w, group).await
                } else {
                    Uuid::now_v7()
                };
                let url = path
                    .replace("{group_id}", &group.to_string())
                    .replace("{photo_id}", &photo_id.to_string())
                    .replace("{user_id}", &w.target_id.to_string())
                    .replace("{invite_id}", &invite_id.to_string())
                    .replace("{device_id}", &device_id.to_string());
                let body = body(&operation, &code, cells);
                assert!(
                    !needs_body || body.is_some() || operation == "put_photo",
                    "add a request body for {operation} to this test"
                );
                let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
                let status = if operation == "put_photo" {
                    let r = client.request(m, &url).body(JPEG.to_vec());
                    r.send().await.unwrap().status().as_u16()
                } else {
                    status_of(client, m, &url, body.as_ref()).await
                };
                let want = expected(&tag, &operation, caller);
                let ok = match want {
                    None => (200..300).contains(&status),
                    Some(s) => status == s,
                };
                if !ok {
                    failures.push(format!(
                        "{method} {path} as {caller:?}: got {status}, want {}",
                        want.map_or("2xx".into(), |s| s.to_string())
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {cells} cells wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(cells >= 6 * 25, "the matrix covers {cells} cells");
    eprintln!("authorization matrix: {cells} cells");
}

/// A device of the caller's own account, signed in just to be revoked by the cell.
async fn own_device(w: &World, client: &Client) -> Uuid {
    if client.token.is_none() || std::ptr::eq(client, &w.revoked) {
        return Uuid::now_v7();
    }
    let me: daka_wire::Me = client.ok(Method::GET, "/v1/me", None::<()>).await;
    let body = json!({"username": me.username, "password": "correct horse battery", "device_name": "要移除的电脑"});
    let s: daka_wire::Session = w.anonymous.ok(Method::POST, "/v1/sessions", Some(body)).await;
    s.device_id
}

/// Only the status: the event stream answers 200 and never ends, so the body is not read.
async fn status_of(client: &Client, method: Method, url: &str, body: Option<&Value>) -> u16 {
    let mut r = client.request(method, url);
    if let Some(b) = body {
        r = r.json(b);
    }
    r.send().await.unwrap().status().as_u16()
}
