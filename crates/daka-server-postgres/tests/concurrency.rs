//! What only PostgreSQL can get wrong: concurrent writers of one group (research §9.4, the
//! out-of-order-commit trap) and pokes between two server processes on one database.

// The helpers below are test code too (clippy only exempts `#[test]` functions themselves).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use daka_server_db::conformance::{
    group, invite, join, mutation, punch_body, push, second_device, user,
};
use daka_server_db::{DbError, Outcome, ServerDb};
use daka_server_postgres::PostgresDb;
use daka_wire::{Mutation, Poke, Record, ShareSettings};
use support::PgCluster;
use tokio::sync::broadcast::error::RecvError;
use tokio::time::timeout;
use uuid::Uuid;

const WRITERS: usize = 8;
const BATCHES: usize = 60;
const READERS: usize = 2;

/// Eight members push ~60 batches each into one group at once while two readers pull the feed
/// in a tight loop, each advancing its cursor to `next_after` like a client.
///
/// Every record is written once (no edits, no deletes), so the compacted feed is append-only
/// and must read as exactly 1, 2, 3, … with nothing skipped and nothing twice — for every
/// reader, page after page, while the writes are still going on.
///
/// Why this catches a sequence/BIGSERIAL feed: `nextval()` hands out numbers the moment a
/// transaction asks, without making the next writer wait for this one to commit. With eight
/// writers interleaving their round trips, transaction A takes 11, B takes 12, and B commits
/// first; a reader pulling then gets 12, moves its cursor to 12, and never asks for 11 again
/// (seen as "expected seq 11, got 12" below). With `head_seq` bumped by an UPDATE of the
/// group row, B cannot even take a number until A has committed, so commits happen in
/// sequence order and a reader can only ever see a prefix of the feed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_pushes_never_let_a_reader_skip_a_seq() {
    let cluster = PgCluster::start();
    // Room for every writer and reader at once, so they really run side by side.
    let db = PostgresDb::open_with(&cluster.fresh_database().await, 16).await.unwrap();
    let (owner, _) = user(&db, "owner").await;
    let g = group(&db, owner, ShareSettings::default()).await;
    let code = invite(&db, g, owner, WRITERS as u32, 24).await;
    let mut devices = Vec::new();
    for i in 0..WRITERS {
        let (member, device) = user(&db, &format!("writer{i}")).await;
        join(&db, &code, member, ShareSettings::default()).await.unwrap();
        devices.push(device);
    }
    assert_eq!(db.changes(g, 0, 10).await.unwrap().head_seq, 0);

    let done = Arc::new(AtomicBool::new(false));
    let readers: Vec<_> =
        (0..READERS).map(|_| tokio::spawn(read_until_done(db.clone(), g, done.clone()))).collect();
    let writers: Vec<_> = devices
        .into_iter()
        .enumerate()
        .map(|(w, device)| {
            let db = db.clone();
            tokio::spawn(async move {
                let mut seq = 0;
                let mut ids = Vec::new();
                for b in 0..BATCHES {
                    // 1 to 3 punch-ins per batch, varied per writer and batch.
                    let size = 1 + (w * 7 + b * 13) % 3;
                    let batch: Vec<Mutation> = (0..size)
                        .map(|_| {
                            seq += 1;
                            let id = Uuid::now_v7();
                            ids.push(id);
                            let body = punch_body("2026-12-06", 30, "");
                            mutation(seq, seq, Record::PunchIn { id, body: Some(body) })
                        })
                        .collect();
                    let out = push(&db, &device, &batch).await.unwrap();
                    assert_eq!(out.last_device_seq, seq);
                    assert!(out.results.iter().all(|(_, o)| *o == Outcome::Applied), "{out:?}");
                }
                ids
            })
        })
        .collect();
    let mut pushed = Vec::new();
    for writer in writers {
        pushed.extend(writer.await.unwrap());
    }
    done.store(true, Ordering::SeqCst);
    let announced = pushed.len() as i64;
    let every_seq: Vec<i64> = (1..=announced).collect();
    for reader in readers {
        let (seen, pages) = reader.await.unwrap();
        assert_eq!(seen, every_seq, "a reader saw each seq once, in order, with no gap");
        assert!(pages > 1, "the reader pulled while the writers wrote");
    }

    // A final pull from 0 has every record pushed, once, at seqs 1..=head.
    let mut after = 0;
    let mut ids = Vec::new();
    let mut seqs = Vec::new();
    let head = loop {
        let page = db.changes(g, after, 200).await.unwrap();
        seqs.extend(page.changes.iter().map(|c| c.seq));
        ids.extend(page.changes.iter().map(|c| c.record.id()));
        after = page.next_after;
        if !page.has_more {
            break page.head_seq;
        }
    };
    assert_eq!(head, announced, "one announce per record");
    assert_eq!(seqs, every_seq);
    let ids: HashSet<Uuid> = ids.into_iter().collect();
    assert_eq!(ids, pushed.into_iter().collect::<HashSet<_>>());
}

/// Pulls until the writers are done and the feed is drained; answers every seq seen, in
/// order, and how many pages it took.
async fn read_until_done(db: PostgresDb, g: Uuid, done: Arc<AtomicBool>) -> (Vec<i64>, usize) {
    let mut cursor = 0;
    let mut seen: Vec<i64> = Vec::new();
    let mut pages = 0;
    loop {
        // Read the flag before pulling: a pull that starts after the last commit sees it all.
        let finished = done.load(Ordering::SeqCst);
        let page = db.changes(g, cursor, 50).await.unwrap();
        pages += 1;
        for change in &page.changes {
            assert!(change.seq > cursor, "seq {} at or below the cursor {cursor}", change.seq);
            let expected = seen.last().map_or(1, |s| s + 1);
            assert_eq!(change.seq, expected, "the reader skipped or repeated a seq");
            seen.push(change.seq);
        }
        // The head and the page come from one snapshot: a drained page ends at the head.
        assert!(page.next_after <= page.head_seq, "{page:?}");
        if !page.has_more {
            assert_eq!(page.next_after, page.head_seq, "head and page from one snapshot");
        }
        cursor = page.next_after;
        if finished && !page.has_more {
            return (seen, pages);
        }
        if page.changes.is_empty() {
            tokio::task::yield_now().await;
        }
    }
}

/// Two devices of one member edit one record at the same moment, a hundred times: whichever
/// commits second must still lose when its version is older. LWW reads the stored version and
/// then writes; without the member's lock both pushes can read the same stored version, both
/// decide to win, and the later commit overwrites a newer version with an older one. (The
/// member is in no group on purpose: a group's lock would serialize the two pushes too.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_devices_racing_on_one_record_keep_the_newest_version() {
    let cluster = PgCluster::start();
    let db = PostgresDb::open(&cluster.fresh_database().await).await.unwrap();
    let (alice, laptop) = user(&db, "alice").await;
    let desktop = second_device(&db, alice).await;
    let id = Uuid::now_v7();
    let edit = |seq: i64, v: i64| {
        mutation(seq, v, Record::PunchIn { id, body: Some(punch_body("2026-12-06", 30, "")) })
    };
    let mut laptop_seq = 0;
    for round in 1..=100 {
        // The laptop races with 4r-3, the desktop with 4r-1; then the laptop probes with 4r-2,
        // which only the newer of the two may supersede.
        let (older, newer, probe) = (4 * round - 3, 4 * round - 1, 4 * round - 2);
        laptop_seq += 1;
        let (from_laptop, from_desktop) = ([edit(laptop_seq, older)], [edit(round, newer)]);
        let (a, b) =
            tokio::join!(push(&db, &laptop, &from_laptop), push(&db, &desktop, &from_desktop));
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(b.results[0].1, Outcome::Applied, "the newer version always applies");
        assert!(matches!(a.results[0].1, Outcome::Applied | Outcome::Superseded), "{a:?}");
        laptop_seq += 1;
        let out = push(&db, &laptop, &[edit(laptop_seq, probe)]).await.unwrap();
        assert_eq!(
            out.results[0].1,
            Outcome::Superseded,
            "round {round}: the older version overwrote the newer one"
        );
    }
}

/// A member pushes a punch-in while joining a group, fifty times (a new group each time): the
/// punch-in reaches the group either way — fanned out by the push when the join committed
/// first, shared by the join when the push did. Without the member's lock each can miss the
/// other: the push reads the memberships before the join commits, the join reads the records
/// before the push commits, and the record never enters the group's feed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_push_beside_a_join_reaches_the_group() {
    let cluster = PgCluster::start();
    let db = PostgresDb::open(&cluster.fresh_database().await).await.unwrap();
    let (owner, _) = user(&db, "owner").await;
    let (bob, device) = user(&db, "bob").await;
    for round in 1..=50 {
        let g = group(&db, owner, ShareSettings::default()).await;
        let code = invite(&db, g, owner, 1, 24).await;
        let record = punch(round);
        let pushed = [record.clone()];
        let (joined, out) = tokio::join!(
            join(&db, &code, bob, ShareSettings::default()),
            push(&db, &device, &pushed)
        );
        assert_eq!(joined.unwrap(), g);
        assert_eq!(out.unwrap().results[0].1, Outcome::Applied);
        let ids: Vec<Uuid> =
            db.changes(g, 0, 100).await.unwrap().changes.iter().map(|c| c.record.id()).collect();
        // (Earlier rounds' punch-ins are shared on joining too.)
        assert!(ids.contains(&record.record.id()), "round {round}: the punch-in missed the group");
    }
}

fn punch(device_seq: i64) -> Mutation {
    mutation(
        device_seq,
        device_seq,
        Record::PunchIn { id: Uuid::now_v7(), body: Some(punch_body("2026-12-06", 30, "")) },
    )
}

/// Two `PostgresDb`s on one database are two server processes: a push on A pokes B's
/// subscribers (and A's own, once, through the database), and a push that failed pokes
/// nobody.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_push_on_one_server_pokes_the_other() {
    let cluster = PgCluster::start();
    let url = cluster.fresh_database().await;
    let a = PostgresDb::open(&url).await.unwrap();
    let b = PostgresDb::open(&url).await.unwrap();
    let (alice, device) = user(&a, "alice").await;
    let g = group(&a, alice, ShareSettings::default()).await;
    let mut on_a = a.pokes();
    let mut on_b = b.pokes();

    // Two records, then a gap: the batch is rolled back whole, and nothing is poked.
    let failed = push(&a, &device, &[punch(1), punch(2), punch(4)]).await;
    assert!(matches!(failed, Err(DbError::SequenceGap { expected: 3 })), "{failed:?}");
    push(&a, &device, &[punch(1)]).await.unwrap();

    let expected = Poke { group_id: g, head_seq: 1 };
    let poke = timeout(Duration::from_secs(10), on_b.recv()).await.expect("B heard no poke");
    assert_eq!(poke.unwrap(), expected);
    let poke = timeout(Duration::from_secs(10), on_a.recv()).await.expect("A heard no poke");
    assert_eq!(poke.unwrap(), expected);
    // Nothing more: not the failed push's head 2, and not A's poke a second time in-process.
    let quiet = Duration::from_millis(300);
    assert!(timeout(quiet, on_a.recv()).await.is_err(), "A heard a second poke");
    assert!(timeout(quiet, on_b.recv()).await.is_err(), "B heard a second poke");

    // The listener task ends with its database: dropped, its sender goes and receivers close…
    drop(b);
    let closed =
        timeout(Duration::from_secs(10), on_b.recv()).await.expect("B's listener lives on");
    assert!(matches!(closed, Err(RecvError::Closed)), "{closed:?}");
    // … and closing returns (the listener gives its connection back).
    timeout(Duration::from_secs(10), a.close()).await.expect("closing A hangs");
}
