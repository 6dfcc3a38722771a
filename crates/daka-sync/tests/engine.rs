//! The sync engine against the real daka-server over real HTTP: happy paths and the rules of
//! research/architecture-anchors.md §10 — propagation, tombstones, idempotent pushes, offline,
//! servers that are not Daka or speak another protocol, revoked devices, the runner's event
//! stream, cursor expiry after compaction, rejected mutations, restored backups on either side.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use daka_core::lang::Lang;
use daka_server::App;
use daka_sync::{Client, Rejected, Runner, StoreFailure, SyncError, SyncPhase, SyncStore};
use daka_wire::{
    Change, ChangePage, ErrorCode, Mutation, MutationStatus, PushResponse, RejectCode, SharedRecord,
};
use support::server::TestServer;
use support::store::MemoryStore;
use support::{Admin, Device, days_ago, eventually, two_members};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use uuid::Uuid;

/// Generous bounds for things that happen "soon" (never asserted as timings).
const SOON: Duration = Duration::from_secs(15);

async fn setup() -> (TestServer, Admin, Device, Device, Uuid) {
    let server = TestServer::start().await;
    let admin = Admin::new(&server.url);
    let (a, b, group) = two_members(&admin, &server.url).await;
    (server, admin, a, b, group.id)
}

/// The group's feed pulled fresh from 0 (in small pages), keyed by record id. Checks on the way
/// that seqs strictly increase and no record appears twice.
async fn fresh_feed(admin: &Admin, token: &str, group: Uuid) -> BTreeMap<Uuid, Change> {
    let pages = admin.feed(token, group, 3).await.unwrap();
    let mut feed = BTreeMap::new();
    let mut last = 0;
    for change in pages.iter().flat_map(|p| &p.changes) {
        assert!(change.seq > last, "the feed's seqs go {last} → {}", change.seq);
        last = change.seq;
        assert!(
            feed.insert(change.record.id(), change.clone()).is_none(),
            "a record appears twice"
        );
    }
    feed
}

fn live(records: &BTreeMap<Uuid, Change>) -> BTreeMap<Uuid, Change> {
    records.iter().filter(|(_, c)| !is_tombstone(c)).map(|(k, v)| (*k, v.clone())).collect()
}

fn is_tombstone(change: &Change) -> bool {
    matches!(&change.record, SharedRecord::PunchIn { body: None, .. })
}

fn minutes_of(change: &Change) -> Option<u32> {
    match &change.record {
        SharedRecord::PunchIn { body: Some(b), .. } => {
            Some(b.minutes.iter().map(|m| m.minutes).sum())
        }
        _ => None,
    }
}

fn assert_clean(device: &Device) {
    let journal = device.store.journal();
    assert!(journal.violations.is_empty(), "feed rules broken: {:?}", journal.violations);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_punch_in_reaches_the_other_member() {
    let (_server, admin, a, b, group) = setup().await;
    let (id, version) = a.store.punch_in(days_ago(2), 45);

    let pushed = a.sync().await.unwrap();
    assert_eq!(pushed.pushed, 1);
    assert_eq!(a.store.outbox_len(), 0);
    let pulled = b.sync().await.unwrap();
    assert_eq!(pulled.pulled, 1);

    let cached = b.store.group(group).records.get(&id).cloned().expect("B has A's punch-in");
    assert_eq!(cached.author_user_id, a.session.user_id);
    assert_eq!(cached.version, version);
    let SharedRecord::PunchIn { body: Some(body), .. } = &cached.record else {
        panic!("{cached:?}")
    };
    assert_eq!(body.date, days_ago(2));
    assert_eq!(minutes_of(&cached), Some(45));
    // A's own copy of the group has it too, and both equal the server's feed.
    a.sync().await.unwrap();
    let feed = fresh_feed(&admin, b.token(), group).await;
    assert_eq!(b.store.snapshot()[&group], feed);
    assert_eq!(a.store.snapshot()[&group], feed);
    assert_clean(&a);
    assert_clean(&b);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edits_and_deletes_propagate_as_tombstones() {
    let (_server, admin, a, b, group) = setup().await;
    let (id, v1) = a.store.punch_in(days_ago(3), 60);
    a.sync().await.unwrap();
    b.sync().await.unwrap();
    assert_eq!(b.store.group(group).records[&id].version, v1);

    let v2 = a.store.edit(id, 90).unwrap();
    assert!(v2 > v1);
    a.sync().await.unwrap();
    b.sync().await.unwrap();
    let edited = &b.store.group(group).records[&id];
    assert_eq!((edited.version, minutes_of(edited)), (v2, Some(90)));

    let v3 = a.store.delete(id).unwrap();
    assert!(v3 > v2);
    a.sync().await.unwrap();
    let report = b.sync().await.unwrap();
    assert_eq!(report.pulled, 1);
    let gone = &b.store.group(group).records[&id];
    assert!(is_tombstone(gone), "B keeps a tombstone: {gone:?}");
    assert_eq!(gone.version, v3);
    assert_eq!(b.store.snapshot()[&group], fresh_feed(&admin, b.token(), group).await);
    // Nothing left to edit.
    assert_eq!(a.store.edit(id, 5), None);
    assert_clean(&b);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_push_sent_twice_is_applied_once() {
    let (_server, admin, a, b, group) = setup().await;

    // The same batch twice: applied, then duplicate, with the same acknowledgement.
    let (first, _) = a.store.punch_in(days_ago(2), 30);
    let floor = a.client.status().await.unwrap().last_device_seq;
    let batch = a.store.next_batch(floor, 100).await.unwrap();
    let once = a.client.push(batch.clone()).await.unwrap();
    let twice = a.client.push(batch).await.unwrap();
    assert_eq!(once.results[0].status, MutationStatus::Applied);
    assert_eq!(twice.results[0].status, MutationStatus::Duplicate);
    assert_eq!(once.last_device_seq, twice.last_device_seq);
    a.store.acknowledge(&twice).await.unwrap();
    assert_eq!(a.sync().await.unwrap().pushed, 0);

    // Killed after the push, before the acknowledgement was recorded: the restarted device
    // sends it again under the same number and the server answers duplicate.
    let (second, _) = a.store.punch_in(days_ago(2), 40);
    a.store.fail_next_acknowledge();
    let err = a.sync().await.unwrap_err();
    assert!(matches!(err, SyncError::Store(_)) && err.is_transient(), "{err:?}");
    assert_eq!(a.store.outbox_len(), 1);
    assert_eq!(a.sync().await.unwrap().pushed, 1);
    assert_eq!(a.store.journal().results.last().map(|r| r.1), Some(MutationStatus::Duplicate));
    assert_eq!(a.store.outbox_len(), 0);

    // Rewound to before the round (it had not even numbered the mutation): it goes again
    // under a new number above the server's floor, and last-writer-wins keeps one copy.
    let (third, _) = a.store.punch_in(days_ago(2), 50);
    let before_round = a.store.checkpoint();
    assert_eq!(a.sync().await.unwrap().pushed, 1);
    a.store.restore(&before_round);
    assert_eq!(a.store.outbox_len(), 1);
    assert_eq!(a.sync().await.unwrap().pushed, 1);
    assert_eq!(a.store.journal().results.last().map(|r| r.1), Some(MutationStatus::Superseded));

    b.sync().await.unwrap();
    let feed = fresh_feed(&admin, b.token(), group).await;
    assert_eq!(feed.len(), 3, "each punch-in once: {feed:?}");
    for id in [first, second, third] {
        assert!(feed.contains_key(&id));
    }
    // Every application announced once: the duplicates did not move the feed.
    let head = b.client.status().await.unwrap().groups[0].head_seq;
    assert_eq!(head, 3);
    assert_eq!(b.store.snapshot()[&group], feed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_loses_nothing_and_it_arrives_after_the_restart() {
    let (mut server, admin, a, b, group) = setup().await;
    server.stop().await;
    let (id, _) = a.store.punch_in(days_ago(2), 25);

    let err = a.sync().await.unwrap_err();
    assert!(matches!(err, SyncError::Offline(_)), "{err:?}");
    assert!(err.is_transient());
    assert_eq!(a.store.outbox_len(), 1, "nothing dropped while offline");
    assert!(matches!(b.sync().await, Err(SyncError::Offline(_))));

    server.start_again().await; // same file, same port
    assert_eq!(a.sync().await.unwrap().pushed, 1);
    assert_eq!(a.store.outbox_len(), 0);
    b.sync().await.unwrap();
    assert!(b.store.group(group).records.contains_key(&id));
    assert_eq!(b.store.snapshot()[&group], fresh_feed(&admin, b.token(), group).await);
}

/// A one-connection-at-a-time HTTP server that reads each request and answers `response`.
async fn fake_server(response: String) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else { return };
            let response = response.clone();
            tokio::spawn(async move {
                // Read the whole request first, so closing does not reset the connection.
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    let Ok(n) = stream.read(&mut chunk).await else { return };
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    let text = String::from_utf8_lossy(&buf).to_string();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let length = text[..end]
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length:")
                                    .map(|v| v.trim().to_owned())
                            })
                            .and_then(|v| v.parse::<usize>().ok())
                            .unwrap_or(0);
                        if buf.len() >= end + 4 + length {
                            break;
                        }
                    }
                }
                let _ = stream.write_all(response.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    url
}

fn http(status: &str, content_type: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
}

fn device_at(url: &str) -> (Client, MemoryStore) {
    let credentials = daka_sync::Credentials { server: url.into(), token: "pk_test".into() };
    (
        Client::with_credentials(&credentials, Lang::En).unwrap(),
        MemoryStore::new(Uuid::now_v7(), Uuid::now_v7()),
    )
}

#[tokio::test]
async fn an_html_page_is_not_a_daka_server_and_a_502_is_worth_retrying() {
    let portal = fake_server(http(
        "200 OK",
        "text/html; charset=utf-8",
        "<html><body>Wi-Fi login</body></html>",
    ))
    .await;
    let (client, store) = device_at(&portal);
    store.punch_in(days_ago(2), 10);
    let err = daka_sync::sync_once(&client, &store).await.unwrap_err();
    assert!(matches!(err, SyncError::NotDaka(_)), "{err:?}");
    assert!(!err.is_transient());
    assert!(!err.message(Lang::En).is_empty());
    assert_eq!(store.outbox_len(), 1);

    let gateway =
        fake_server(http("502 Bad Gateway", "text/html", "<html><h1>502 Bad Gateway</h1></html>"))
            .await;
    let (client, store) = device_at(&gateway);
    store.punch_in(days_ago(2), 10);
    let err = daka_sync::sync_once(&client, &store).await.unwrap_err();
    assert!(matches!(err, SyncError::Server { status: 502, .. }), "{err:?}");
    assert!(err.is_transient(), "a 502 from a proxy in front of the server is retried");
    assert_eq!(store.outbox_len(), 1);
}

#[tokio::test]
async fn the_runner_fails_on_a_portal_and_waits_out_retry_after() {
    let portal = fake_server(http("200 OK", "text/html", "<html>login</html>")).await;
    let (client, store) = device_at(&portal);
    let handle = Runner::new(client, Arc::new(store)).spawn();
    let state = handle.state();
    eventually(SOON, "the runner to give up on a portal", || {
        state.borrow().phase == SyncPhase::Failed
    })
    .await;
    handle.stop();

    let body = r#"{"code":"rate_limited","message":"Too many attempts; wait a little."}"#;
    let busy = format!(
        "HTTP/1.1 429 Too Many Requests\r\ncontent-type: application/json\r\nretry-after: 120\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let busy = fake_server(busy).await;
    let (client, store) = device_at(&busy);
    let asked_at = chrono::Utc::now();
    let handle = Runner::new(client, Arc::new(store)).spawn();
    let state = handle.state();
    eventually(SOON, "the runner to back off", || state.borrow().phase == SyncPhase::Offline).await;
    let shown = state.borrow().clone();
    // In the app's own words, in whichever language is shown now (not the server's, which is
    // in the language the request was made in).
    assert_eq!(
        shown.message(Lang::En).as_deref(),
        Some("The server asked to slow down; retrying a little later.")
    );
    assert_eq!(shown.message(Lang::ZhCn).as_deref(), Some("服务器说请求太频繁了，稍后自动重试。"));
    let retry_at = shown.retry_at.expect("a retry time");
    assert!(
        retry_at >= asked_at + chrono::Duration::seconds(120),
        "Retry-After is a floor: {retry_at}"
    );
    handle.stop();
}

/// Counts the requests a fake server answers.
async fn counting_server(response: String) -> (String, Arc<std::sync::atomic::AtomicUsize>) {
    let hits = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let counter = Arc::clone(&hits);
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else { return };
            let mut chunk = [0u8; 8192];
            let _ = stream.read(&mut chunk).await;
            if String::from_utf8_lossy(&chunk).starts_with("GET /v1/events") {
                continue; // the event stream: leave it hanging, it does not count
            }
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let _ = stream.write_all(response.as_bytes()).await;
            let _ = stream.shutdown().await;
        }
    });
    (url, hits)
}

#[tokio::test]
async fn sync_now_goes_at_once_while_local_writes_wait_out_the_backoff() {
    let body = r#"{"code":"rate_limited","message":"Too many attempts; wait a little."}"#;
    let busy = format!(
        "HTTP/1.1 429 Too Many Requests\r\ncontent-type: application/json\r\nretry-after: 120\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let (url, hits) = counting_server(busy).await;
    let (client, store) = device_at(&url);
    let handle = Runner::new(client, Arc::new(store)).spawn();
    let state = handle.state();
    eventually(SOON, "the runner to back off", || state.borrow().phase == SyncPhase::Offline).await;
    let after_first = hits.load(std::sync::atomic::Ordering::SeqCst);

    // A local write during the 120 s wait does not hammer a server that asked for quiet …
    handle.trigger();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), after_first);

    // … but the user's "sync now" asks again right away.
    handle.retry_now();
    eventually(SOON, "a round on sync now", || {
        hits.load(std::sync::atomic::Ordering::SeqCst) > after_first
    })
    .await;
    handle.stop();
}

#[tokio::test]
async fn another_protocol_version_is_a_mismatch() {
    let body =
        r#"{"code":"protocol_mismatch","message":"Update Daka to use this server (server: 2)"}"#;
    let newer = fake_server(http("426 Upgrade Required", "application/json", body)).await;
    let (client, store) = device_at(&newer);
    let err = daka_sync::sync_once(&client, &store).await.unwrap_err();
    let SyncError::ProtocolMismatch(message) = &err else { panic!("{err:?}") };
    assert_eq!(message, "Update Daka to use this server (server: 2)");
    assert!(!err.is_transient());
    assert_eq!(err.message(Lang::En), *message);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_device_is_signed_out() {
    let (server, admin, a, _b, _group) = setup().await;
    let laptop =
        Device::new(admin.sign_in(&a.session.username, "second laptop").await, &server.url);
    laptop.sync().await.unwrap();

    a.client.revoke_device(laptop.session.device_id).await.unwrap();
    let err = laptop.sync().await.unwrap_err();
    assert!(matches!(err, SyncError::Unauthorized(_)), "{err:?}");
    assert!(!err.is_transient());

    laptop.store.punch_in(days_ago(2), 10);
    let handle = Runner::new(laptop.client.clone(), Arc::clone(&laptop.store)).spawn();
    let state = handle.state();
    eventually(SOON, "the runner to report signed out", || {
        state.borrow().phase == SyncPhase::SignedOut
    })
    .await;
    let shown = state.borrow().clone();
    assert!(shown.message(Lang::ZhCn).is_some_and(|m| m.contains("重新登录")), "{shown:?}");
    assert_eq!(laptop.store.outbox_len(), 1, "a signed-out device keeps its outbox");
    handle.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_runner_pulls_on_a_poke_without_waiting_for_the_timer() {
    let (_server, _admin, a, b, group) = setup().await;
    let handle = Runner::new(b.client.clone(), Arc::clone(&b.store)).spawn();
    let state = handle.state();
    eventually(SOON, "B's first round", || b.store.journal().pull_phases >= 1).await;

    // The first may arrive by the round the event stream's connection triggers; once B holds
    // it, the stream is connected, and the second can only come by a poke (the timer is 60 s).
    let (first, _) = a.store.punch_in(days_ago(2), 30);
    a.sync().await.unwrap();
    eventually(SOON, "B to pull A's first punch-in", || {
        b.store.group(group).records.contains_key(&first)
    })
    .await;
    let (second, _) = a.store.punch_in(days_ago(2), 35);
    a.sync().await.unwrap();
    eventually(SOON, "B to pull A's second punch-in on the poke", || {
        b.store.group(group).records.contains_key(&second)
    })
    .await;
    eventually(SOON, "B's runner to be synced", || state.borrow().phase == SyncPhase::Synced).await;
    assert!(state.borrow().last_synced.is_some());
    handle.stop();
    assert_clean(&b);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_runner_keeps_running_when_its_handle_is_dropped() {
    // RunnerHandle's contract: "Dropping it does not stop the loop; call stop".
    let (_server, _admin, a, b, group) = setup().await;
    let handle = Runner::new(b.client.clone(), Arc::clone(&b.store)).spawn();
    eventually(SOON, "B's first round", || b.store.journal().pull_phases >= 1).await;
    drop(handle);
    let (id, _) = a.store.punch_in(days_ago(2), 30);
    a.sync().await.unwrap();
    eventually(SOON, "B to pull A's punch-in after its handle was dropped", || {
        b.store.group(group).records.contains_key(&id)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_runner_reports_offline_and_recovers_after_the_restart() {
    let (mut server, _admin, a, b, group) = setup().await;
    server.stop().await;
    let (id, _) = a.store.punch_in(days_ago(2), 20);
    let handle = Runner::new(a.client.clone(), Arc::clone(&a.store)).spawn();
    let state = handle.state();
    eventually(SOON, "the runner to report offline", || state.borrow().phase == SyncPhase::Offline)
        .await;
    let shown = state.borrow().clone();
    assert_eq!(shown.pending, 1);
    assert!(shown.retry_at.is_some() && shown.message(Lang::En).is_some(), "{shown:?}");

    server.start_again().await;
    // The next try is the runner's backoff away (1 s doubling while the server was down).
    eventually(Duration::from_secs(45), "the runner to send it after the restart", || {
        let s = state.borrow();
        s.phase == SyncPhase::Synced && s.pending == 0
    })
    .await;
    handle.stop();
    b.sync().await.unwrap();
    assert!(b.store.group(group).records.contains_key(&id));
}

/// Deletes one record (a tombstone past B's cursor) and adds another, then drops every
/// tombstone: B's cursor is now older than what the server keeps.
async fn compacted_past_b(a: &Device, b: &Device) -> (Uuid, Uuid, Uuid) {
    let (gone, _) = a.store.punch_in(days_ago(2), 10);
    let (kept, _) = a.store.punch_in(days_ago(3), 20);
    a.sync().await.unwrap();
    b.sync().await.unwrap();
    a.store.delete(gone).unwrap();
    let (added, _) = a.store.punch_in(days_ago(4), 30);
    a.sync().await.unwrap();
    (gone, kept, added)
}

async fn compact_now(app: &App) -> u64 {
    app.db.compact(chrono::Utc::now() + chrono::Duration::minutes(1)).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_compaction_an_old_cursor_starts_over_and_converges() {
    let (server, admin, a, b, group) = setup().await;
    let (gone, kept, added) = compacted_past_b(&a, &b).await;
    assert_eq!(compact_now(&server.app()).await, 1);

    let b_cursor = b.store.group(group).cursor;
    let err = b.client.changes(group, b_cursor, 200).await.unwrap_err();
    assert!(
        matches!(err, SyncError::Server { status: 410, code: ErrorCode::CursorExpired, .. }),
        "{err:?}"
    );

    let report = b.sync().await.unwrap();
    assert_eq!(report.reset_groups, 1);
    let feed = fresh_feed(&admin, b.token(), group).await;
    assert_eq!(b.store.snapshot()[&group], feed, "B pulled the group again from 0");
    assert!(!feed.contains_key(&gone) && feed.contains_key(&kept) && feed.contains_key(&added));
    // A's cursor was past the dropped tombstone: no reset, same live records.
    assert_eq!(a.sync().await.unwrap().reset_groups, 0);
    assert_eq!(live(&a.store.snapshot()[&group]), live(&feed));
    assert_clean(&b);
}

/// A store that compacts the server's feed the first time the engine reads a cursor — after
/// the round's status, before its pull — so the pull itself meets the 410.
struct CompactsMidRound {
    inner: Arc<MemoryStore>,
    app: Arc<App>,
    armed: AtomicBool,
}

#[async_trait]
impl SyncStore for CompactsMidRound {
    async fn next_batch(&self, floor: i64, limit: usize) -> Result<Vec<Mutation>, StoreFailure> {
        self.inner.next_batch(floor, limit).await
    }
    async fn acknowledge(&self, response: &PushResponse) -> Result<(), StoreFailure> {
        self.inner.acknowledge(response).await
    }
    async fn resequence(&self, expected: i64) -> Result<(), StoreFailure> {
        self.inner.resequence(expected).await
    }
    async fn cursor(&self, group: Uuid) -> Result<i64, StoreFailure> {
        if self.armed.swap(false, Ordering::SeqCst) {
            assert_eq!(compact_now(&self.app).await, 1);
        }
        self.inner.cursor(group).await
    }
    async fn apply_page(&self, group: Uuid, page: &ChangePage) -> Result<(), StoreFailure> {
        self.inner.apply_page(group, page).await
    }
    async fn reset_group(&self, group: Uuid) -> Result<(), StoreFailure> {
        self.inner.reset_group(group).await
    }
    async fn retain_groups(&self, groups: &[Uuid]) -> Result<(), StoreFailure> {
        self.inner.retain_groups(groups).await
    }
    async fn pending(&self) -> Result<(u64, Vec<Rejected>), StoreFailure> {
        self.inner.pending().await
    }
    async fn photo_upload(&self, photo: Uuid) -> Result<Option<Vec<u8>>, StoreFailure> {
        self.inner.photo_upload(photo).await
    }
    async fn server_rewound(&self, server_last: i64) -> Result<bool, StoreFailure> {
        self.inner.server_rewound(server_last).await
    }
    async fn requeue_rejected(&self) -> Result<u64, StoreFailure> {
        self.inner.requeue_rejected().await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cursor_expiring_during_the_pull_starts_over_and_converges() {
    let (server, admin, a, b, group) = setup().await;
    compacted_past_b(&a, &b).await;
    let store = CompactsMidRound {
        inner: Arc::clone(&b.store),
        app: server.app(),
        armed: AtomicBool::new(true),
    };
    let report = daka_sync::sync_once(&b.client, &store).await.unwrap();
    assert_eq!(report.reset_groups, 1, "the 410 made B start over");
    assert_eq!(b.store.snapshot()[&group], fresh_feed(&admin, b.token(), group).await);
    assert_clean(&b);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_mutation_is_kept_and_does_not_block_later_ones() {
    let (_server, admin, a, b, group) = setup().await;
    let (refused, _) = a.store.punch_in(days_ago(600), 30);
    let (fine, _) = a.store.punch_in(days_ago(2), 30);
    let report = a.sync().await.unwrap();
    assert_eq!((report.pushed, report.rejected), (2, 1));

    let (waiting, rejected) = a.store.pending().await.unwrap();
    assert_eq!(waiting, 0);
    let [Rejected { record_id, code, message, .. }] = rejected.as_slice() else {
        panic!("{rejected:?}")
    };
    assert_eq!((*record_id, *code), (refused, RejectCode::DateOutOfWindow));
    assert!(!message.is_empty(), "the server's reason is kept for the user");

    // Later writes go through; the refused one is never sent again.
    let (later, _) = a.store.punch_in(days_ago(3), 40);
    let report = a.sync().await.unwrap();
    assert_eq!((report.pushed, report.rejected), (1, 0));
    assert_eq!(a.store.rejected().len(), 1);

    b.sync().await.unwrap();
    let feed = fresh_feed(&admin, b.token(), group).await;
    assert!(feed.contains_key(&fine) && feed.contains_key(&later) && !feed.contains_key(&refused));
    assert_eq!(b.store.snapshot()[&group], feed);

    // "Sync now" sends it again under a new number; still out of the window, so refused again
    // (judged afresh, not taken for a duplicate of the refused number), and kept once.
    let before = a.store.rejected()[0].device_seq;
    assert_eq!(a.store.requeue_rejected().await.unwrap(), 1);
    let report = a.sync().await.unwrap();
    assert_eq!((report.pushed, report.rejected), (1, 1));
    let again = a.store.rejected();
    assert_eq!(again.len(), 1);
    assert!(again[0].device_seq > before, "{again:?}");
    assert_eq!(again[0].code, RejectCode::DateOutOfWindow);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_restored_from_a_backup_never_reuses_a_sequence() {
    let (_server, admin, a, b, group) = setup().await;
    let (x, _) = a.store.punch_in(days_ago(2), 10);
    let backup = a.store.checkpoint(); // x not yet numbered
    let (y, _) = a.store.punch_in(days_ago(2), 20);
    a.sync().await.unwrap(); // x = 1, y = 2
    a.store.restore(&backup);
    let (z, _) = a.store.punch_in(days_ago(2), 30);
    a.sync().await.unwrap();
    // Numbered above the server's floor: 1 and 2 would have been answered "duplicate" and z
    // dropped without ever being applied.
    assert_eq!(a.store.journal().batches.last(), Some(&vec![3, 4]));
    assert_eq!(a.store.outbox_len(), 0);

    b.sync().await.unwrap();
    let feed = fresh_feed(&admin, b.token(), group).await;
    for id in [x, y, z] {
        assert!(feed.contains_key(&id), "{id} is on the server");
    }
    assert_eq!(b.store.snapshot()[&group], feed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_restored_from_a_backup_gets_back_what_it_lost_and_resets_the_copies() {
    let (mut server, admin, a, b, group) = setup().await;
    let (p1, _) = a.store.punch_in(days_ago(2), 10);
    a.sync().await.unwrap();
    b.sync().await.unwrap();
    server.stop().await;
    server.copy_db(true);
    server.start_again().await;
    let (p2, _) = a.store.punch_in(days_ago(2), 20);
    a.sync().await.unwrap(); // device seq 2, feed seq 2
    b.sync().await.unwrap();
    assert!(b.store.group(group).records.contains_key(&p2));

    // The operator restores last night's backup: p2 and A's sequence 2 are gone.
    server.stop().await;
    server.copy_db(false);
    server.start_again().await;

    // B's cursor (2) is past the restored head (1): it starts over.
    assert_eq!(b.sync().await.unwrap().reset_groups, 1);
    // A's next round sees the server confirm sequence 1 after it confirmed 2: A's records are
    // queued again (p1, which the server still has, and p2, which it lost) with the new p3;
    // they are numbered 3.., the server expects 2: a 409, the outbox is renumbered.
    let (p3, _) = a.store.punch_in(days_ago(2), 30);
    let report = a.sync().await.unwrap();
    assert!(report.resent_after_rewind);
    assert_eq!(report.pushed, 3);
    assert_eq!(a.store.journal().resequences, vec![2]);
    assert_eq!(report.reset_groups, 1, "A's own push must not hide that the server went back");
    assert!(!a.sync().await.unwrap().resent_after_rewind, "only once");
    b.sync().await.unwrap();

    let feed = fresh_feed(&admin, b.token(), group).await;
    assert!(feed.contains_key(&p1) && feed.contains_key(&p2) && feed.contains_key(&p3));
    assert_eq!(a.store.snapshot()[&group], feed);
    assert_eq!(b.store.snapshot()[&group], feed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_edits_on_two_devices_the_higher_version_wins_everywhere() {
    let (server, admin, a, b, group) = setup().await;
    let phone = Device::new(admin.sign_in(&a.session.username, "second laptop").await, &server.url);
    let (id, _) = a.store.punch_in(days_ago(2), 10);
    a.sync().await.unwrap();
    phone.sync().await.unwrap();

    // Both edit offline. The higher (version, device) wins: usually the later edit, but two
    // edits in one millisecond tie on the version and the device id decides.
    let on_laptop = (a.store.edit(id, 11).unwrap(), a.session.device_id);
    let on_phone = (phone.store.edit(id, 22).unwrap(), phone.session.device_id);
    let (winner, loser, minutes) =
        if on_phone > on_laptop { (&phone, &a, 22) } else { (&a, &phone, 11) };
    winner.sync().await.unwrap();
    loser.sync().await.unwrap(); // the loser arrives last
    assert_eq!(loser.store.journal().results.last().map(|r| r.1), Some(MutationStatus::Superseded));
    winner.sync().await.unwrap();
    b.sync().await.unwrap();

    let feed = fresh_feed(&admin, b.token(), group).await;
    let won = on_phone.max(on_laptop).0;
    assert_eq!((feed[&id].version, minutes_of(&feed[&id])), (won, Some(minutes)));
    for device in [&a, &phone, &b] {
        assert_eq!(device.store.snapshot()[&group], feed);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundreds_of_records_cross_in_batches_and_pages() {
    let (_server, admin, a, b, group) = setup().await;
    for i in 0..250 {
        a.store.punch_in(days_ago(2 + i % 30), 1 + (i % 60) as u32);
    }
    assert_eq!(a.sync().await.unwrap().pushed, 250);
    let sizes: Vec<usize> = a.store.journal().batches.iter().map(Vec::len).collect();
    assert_eq!(sizes, vec![100, 100, 50], "batches of at most MAX_PUSH_MUTATIONS");
    assert_eq!(b.sync().await.unwrap().pulled, 250);
    assert!(b.store.journal().pages >= 2, "more than one page");
    assert_eq!(b.store.snapshot()[&group], fresh_feed(&admin, b.token(), group).await);
    assert_clean(&b);
}

/// Detecting a restored server by `cursor > head` fails when another device's writes bring the
/// rewound feed back up to our cursor before we sync: the seqs under our cursor now hold other
/// changes. A device that pushed since the backup still notices, by its own sequence (the
/// server confirms less than it did): it sends its records again and pulls every group afresh.
/// A device that only read since the backup cannot tell; that needs a server-side marker a
/// restore changes, which a copied database file cannot carry (decision 001).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restored_server_is_noticed_even_after_others_wrote_past_our_cursor() {
    let (mut server, admin, a, b, group) = setup().await;
    a.store.punch_in(days_ago(2), 10);
    a.sync().await.unwrap();
    server.stop().await;
    server.copy_db(true);
    server.start_again().await;
    a.store.punch_in(days_ago(2), 20);
    a.sync().await.unwrap();
    b.sync().await.unwrap(); // both at cursor 2
    server.stop().await;
    server.copy_db(false); // head back to 1
    server.start_again().await;

    b.store.punch_in(days_ago(3), 30);
    b.sync().await.unwrap(); // B notices (its own first status) and refills seq 2
    // A sees head 2 = its cursor, but the server confirms A's sequence 1 after it confirmed 2.
    assert!(a.sync().await.unwrap().resent_after_rewind);
    b.sync().await.unwrap();
    let feed = fresh_feed(&admin, b.token(), group).await;
    assert_eq!(feed.len(), 3, "A's two punch-ins (one sent again) and B's");
    assert_eq!(b.store.snapshot()[&group], feed);
    assert_eq!(a.store.snapshot()[&group], feed, "A pulled afresh: B's record is there");
}
