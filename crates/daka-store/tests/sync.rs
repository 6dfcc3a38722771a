//! The store as the sync engine's storage (daka_sync::SyncStore) against real SQLite files:
//! what each outbox row becomes on the wire, numbering that survives restarts, retries and
//! restored backups, acknowledgements, the group feed cache, accounts and copied folders.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use common::{at, count, draft, now, onboarded};
use daka_core::clock::FixedClock;
use daka_core::goal::{GoalInput, Measure, ScheduleInput};
use daka_core::journal::{DayMark, Mood, PunchIn};
use daka_core::punch_in::{MinutesInput, PunchInInput};
use daka_core::subject::SubjectDraft;
use daka_store::{FingerprintCheck, ImportMode, Store};
use daka_sync::SyncStore;
use daka_wire::{
    Change, ChangePage, DayMarkBody, DayMarkKind, Mutation, MutationResult, MutationStatus,
    PushResponse, Record, RejectCode, SharedPunchIn, SharedRecord, SubjectBody, SubjectMinutes,
};
use sqlx::{Connection, SqliteConnection};
use tempfile::TempDir;
use uuid::Uuid;

const FINGERPRINT: &str = "machine-a:/home/a/.local/share/daka";

/// 20:00 in Shanghai on the given day of November 2026.
fn evening(day: u32) -> DateTime<Utc> {
    at(&format!("2026-11-{day:02}T20:00:00+08:00"))
}

/// The store with its sync clock pinned (it decides what is too old to send).
fn pinned(store: Store, t: DateTime<Utc>) -> Store {
    store.with_clock(Arc::new(FixedClock(t)))
}

async fn connect(store: &Store, t: DateTime<Utc>) {
    store
        .connect_sync_account(
            "https://daka.example",
            Uuid::now_v7(),
            Uuid::now_v7(),
            "xiaoming",
            "小明",
            FINGERPRINT,
            t,
        )
        .await
        .unwrap();
}

/// Onboarded on the 22nd, connected, the clock pinned then.
async fn connected() -> (TempDir, Store) {
    let (dir, store) = onboarded().await;
    let store = pinned(store, evening(22));
    connect(&store, now()).await;
    (dir, store)
}

async fn punch(store: &Store, date: &str, note: &str, t: DateTime<Utc>) -> PunchIn {
    let subjects = store.profile().await.unwrap().subjects;
    store
        .save_punch_in(
            &PunchInInput {
                id: None,
                date: date.into(),
                repair: false,
                minutes: vec![
                    MinutesInput { subject_id: subjects[0].id.to_string(), minutes: Some(50.0) },
                    MinutesInput { subject_id: subjects[2].id.to_string(), minutes: Some(30.0) },
                ],
                goals_done: vec![],
                note: note.into(),
                mood: Some(Mood::Tired),
                photos: vec![],
            },
            t,
        )
        .await
        .unwrap()
}

fn goal() -> GoalInput {
    GoalInput {
        id: None,
        title: "背单词".into(),
        unit: "个".into(),
        target: Some(20.0),
        measure: Measure::Count,
        subject_id: None,
        schedule: ScheduleInput::Daily,
        active_from: String::new(),
        active_until: String::new(),
    }
}

fn seqs(batch: &[Mutation]) -> Vec<i64> {
    batch.iter().map(|m| m.device_seq).collect()
}

fn ids(batch: &[Mutation]) -> Vec<Uuid> {
    batch.iter().map(|m| m.record.id()).collect()
}

/// Everything up to `last` applied, except `rejected`.
fn answer(last: i64, rejected: &[(i64, RejectCode)]) -> PushResponse {
    PushResponse {
        last_device_seq: last,
        results: rejected
            .iter()
            .map(|&(device_seq, code)| MutationResult {
                device_seq,
                status: MutationStatus::Rejected,
                code: Some(code),
                message: Some("refused".into()),
            })
            .collect(),
    }
}

/// One column of text values, read past the store.
async fn texts(dir: &TempDir, sql: &str) -> Vec<String> {
    let url = format!("sqlite://{}", dir.path().join("daka.sqlite3").display());
    let mut conn = SqliteConnection::connect(&url).await.unwrap();
    let out: Vec<String> =
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned())).fetch_all(&mut conn).await.unwrap();
    conn.close().await.unwrap();
    out
}

fn uuid(id: impl ToString) -> Uuid {
    Uuid::parse_str(&id.to_string()).unwrap()
}

#[tokio::test]
async fn each_kind_becomes_its_wire_record() {
    let (_dir, store) = connected().await;
    let profile = store.profile().await.unwrap();
    let subjects = profile.subjects;
    // Connecting queued every subject.
    let batch = store.next_batch(0, 100).await.unwrap();
    assert_eq!(seqs(&batch), [1, 2, 3, 4]);
    assert_eq!(
        batch[0].record,
        Record::Subject {
            id: uuid(subjects[0].id),
            body: Some(SubjectBody { name: "政治".into(), color: "#e5484d".into() }),
        }
    );
    store.acknowledge(&answer(4, &[])).await.unwrap();

    let noted = punch(&store, "2026-11-22", "第一天", evening(22)).await;
    let plain = punch(&store, "2026-11-22", "", evening(22)).await;
    store.delete_punch_in(&plain.id.to_string(), evening(22)).await.unwrap();
    let leave = store.mark_day("2026-11-23", DayMark::Leave, evening(22)).await.unwrap();
    let rest = store.mark_day("2026-11-25", DayMark::Rest, evening(22)).await.unwrap();
    store.unmark_day("2026-11-25", evening(22)).await.unwrap();
    // A repair is personal streak bookkeeping: neither it nor its removal is sent.
    let late = at("2026-11-24T17:00:00+08:00");
    store.mark_day("2026-11-22", DayMark::Repair, late).await.unwrap();
    store.unmark_day("2026-11-22", late).await.unwrap();

    let batch = store.next_batch(4, 100).await.unwrap();
    assert_eq!(seqs(&batch), [5, 6, 7, 8, 9, 10]);
    let minutes = vec![
        SubjectMinutes { subject_id: uuid(subjects[0].id), minutes: 50 },
        SubjectMinutes { subject_id: uuid(subjects[2].id), minutes: 30 },
    ];
    let Record::PunchIn { id, body: Some(body) } = &batch[0].record else { panic!("{batch:?}") };
    assert_eq!(*id, uuid(noted.id));
    assert_eq!(body.date, noted.date);
    assert_eq!(body.created_utc, evening(22));
    assert_eq!(body.tz, "Asia/Shanghai");
    assert_eq!(body.minutes, minutes);
    assert_eq!(body.note.as_deref(), Some("第一天"));
    assert_eq!(body.mood, Some(daka_wire::Mood::Tired));
    let Record::PunchIn { body: Some(body), .. } = &batch[1].record else { panic!("{batch:?}") };
    assert_eq!(body.note, None, "an empty note is no note");
    assert_eq!(batch[2].record, Record::PunchIn { id: uuid(plain.id), body: None });
    let mark = |date: &str, mark| Some(DayMarkBody { date: date.parse().unwrap(), mark });
    assert_eq!(
        batch[3].record,
        Record::DayMark { id: uuid(leave.id), body: mark("2026-11-23", DayMarkKind::Leave) }
    );
    assert_eq!(
        batch[4].record,
        Record::DayMark { id: uuid(rest.id), body: mark("2026-11-25", DayMarkKind::Rest) }
    );
    assert_eq!(batch[5].record, Record::DayMark { id: uuid(rest.id), body: None });
    assert!(batch.windows(2).all(|w| w[0].version < w[1].version), "versions from the rows");
}

#[tokio::test]
async fn goal_rows_are_dropped_unsent() {
    let (dir, store) = connected().await;
    let g = store.save_goal(&goal(), evening(22)).await.unwrap();
    store.add_goal_progress(&g.id.to_string(), "2026-11-22", 3, evening(22)).await.unwrap();
    punch(&store, "2026-11-22", "", evening(22)).await;
    assert_eq!(count(&dir, "SELECT count(*) FROM outbox WHERE entity_type LIKE 'goal%'").await, 2);
    let batch = store.next_batch(0, 100).await.unwrap();
    assert_eq!(seqs(&batch), [1, 2, 3, 4, 5], "4 subjects and the punch-in, no gap");
    assert!(matches!(batch[4].record, Record::PunchIn { .. }));
    assert_eq!(count(&dir, "SELECT count(*) FROM outbox WHERE entity_type LIKE 'goal%'").await, 0);
}

#[tokio::test]
async fn numbers_are_persisted_so_a_retry_and_a_restart_send_the_same_mutations() {
    let (dir, store) = connected().await;
    punch(&store, "2026-11-22", "a", evening(22)).await;
    let first = store.next_batch(0, 3).await.unwrap();
    assert_eq!(seqs(&first), [1, 2, 3], "at most `limit`");
    let all = store.next_batch(0, 100).await.unwrap();
    assert_eq!(&all[..3], &first[..], "a retry resends the same mutations under the same numbers");
    assert_eq!(seqs(&all), [1, 2, 3, 4, 5]);
    store.close().await;

    let store = pinned(Store::open(dir.path(), now()).await.unwrap(), evening(22));
    assert_eq!(store.next_batch(0, 100).await.unwrap(), all);
    let attempts = count(&dir, "SELECT max(attempts) FROM outbox").await;
    assert_eq!(attempts, 3, "each hand-out is counted");
}

#[tokio::test]
async fn acknowledge_drops_what_the_server_has_and_keeps_what_it_refused() {
    let (dir, store) = connected().await;
    let p = punch(&store, "2026-11-22", "a", evening(22)).await;
    punch(&store, "2026-11-22", "b", evening(22)).await;
    let batch = store.next_batch(0, 100).await.unwrap();
    assert_eq!(seqs(&batch), [1, 2, 3, 4, 5, 6]);
    assert_eq!(store.pending().await.unwrap(), (6, vec![]));

    // The server got to 5 (the 6th was not in its answer) and refused the first punch-in.
    store.acknowledge(&answer(5, &[(5, RejectCode::DateOutOfWindow)])).await.unwrap();
    let (pending, rejected) = store.pending().await.unwrap();
    assert_eq!(pending, 1);
    assert_eq!(rejected.len(), 1);
    assert_eq!(
        (rejected[0].device_seq, rejected[0].record_id, rejected[0].code),
        (5, uuid(p.id), RejectCode::DateOutOfWindow)
    );
    assert_eq!(rejected[0].message, "refused");
    let batch = store.next_batch(5, 100).await.unwrap();
    assert_eq!(seqs(&batch), [6], "a refused mutation is never sent again");

    store.acknowledge(&answer(6, &[])).await.unwrap();
    punch(&store, "2026-11-22", "c", evening(22)).await;
    assert_eq!(seqs(&store.next_batch(6, 100).await.unwrap()), [7]);
    assert_eq!(count(&dir, "SELECT count(*) FROM outbox").await, 2, "the refused one and #7");
}

#[tokio::test]
async fn a_retry_queues_a_refused_record_again_as_it_stands_under_a_new_number() {
    let (_dir, store) = connected().await;
    let p = punch(&store, "2026-11-22", "a", evening(22)).await;
    let batch = store.next_batch(0, 100).await.unwrap();
    let last = *seqs(&batch).last().unwrap();
    store.acknowledge(&answer(last, &[(last, RejectCode::ClockAhead)])).await.unwrap();
    assert_eq!(store.pending().await.unwrap().1.len(), 1);

    assert_eq!(store.requeue_rejected().await.unwrap(), 1);
    let (pending, rejected) = store.pending().await.unwrap();
    assert_eq!((pending, rejected.len()), (1, 0), "waiting again, no longer refused");
    let batch = store.next_batch(last, 100).await.unwrap();
    assert_eq!(seqs(&batch), [last + 1], "a number the server has not refused");
    assert!(
        matches!(&batch[0].record, daka_wire::Record::PunchIn { id, body: Some(_) } if *id == uuid(p.id)),
        "{:?}",
        batch[0].record
    );
    assert_eq!(store.requeue_rejected().await.unwrap(), 0, "nothing refused is left");
}

#[tokio::test]
async fn a_restored_backup_never_reuses_a_number_the_server_applied() {
    let (dir, store) = connected().await;
    punch(&store, "2026-11-22", "a", evening(22)).await;
    assert_eq!(seqs(&store.next_batch(0, 100).await.unwrap()), [1, 2, 3, 4, 5]);
    store.acknowledge(&answer(5, &[])).await.unwrap();
    // b is numbered 6 and sent, but no answer arrives before the backup is taken.
    let b = punch(&store, "2026-11-23", "b", evening(23)).await;
    assert_eq!(ids(&store.next_batch(5, 100).await.unwrap()), [uuid(b.id)]);
    store.daily_backup(evening(23)).await.unwrap();
    let backup = store.backups().unwrap()[0].file_name.clone();

    // The original goes on: 6 = b, 7 = c and 8 = d reach the server.
    let c = punch(&store, "2026-11-24", "c", evening(24)).await;
    let batch = store.next_batch(5, 100).await.unwrap();
    assert_eq!((seqs(&batch), ids(&batch)), (vec![6, 7], vec![uuid(b.id), uuid(c.id)]));
    store.acknowledge(&answer(7, &[])).await.unwrap();
    punch(&store, "2026-11-25", "d", evening(25)).await;
    let batch = store.next_batch(7, 100).await.unwrap();
    assert_eq!(seqs(&batch), [8]);
    let d_version = batch[0].version;
    store.acknowledge(&answer(8, &[])).await.unwrap();

    // Restoring rewinds the outbox to "6 = b pending, next is 7". A write after the restore,
    // made with a clock behind the one d was stamped with:
    let store = store.restore_backup(&backup, evening(25)).await.unwrap();
    assert_eq!(count(&dir, "SELECT max(wire_seq) FROM outbox").await, 6);
    let e = punch(&store, "2026-11-24", "e", evening(24)).await;
    // The server says it has applied up to 8: b (the same number, so the same mutation) is
    // dropped, and e gets 9, not 7 (which the server applied for c).
    let batch = store.next_batch(8, 100).await.unwrap();
    assert_eq!((seqs(&batch), ids(&batch)), (vec![9], vec![uuid(e.id)]));
    assert!(batch[0].version > d_version, "the restored clock took the replaced copy's over");
}

#[tokio::test]
async fn resequence_renumbers_unsent_rows_from_where_the_server_is() {
    let (_dir, store) = connected().await;
    punch(&store, "2026-11-22", "a", evening(22)).await;
    let first = store.next_batch(0, 100).await.unwrap();
    assert_eq!(seqs(&first), [1, 2, 3, 4, 5]);
    // The server lost 3.. (it answers 409, expected 3): renumber from 3; the engine then asks
    // with floor 2, which drops 1 and 2 as applied.
    store.resequence(3).await.unwrap();
    punch(&store, "2026-11-22", "b", evening(22)).await;
    let again = store.next_batch(2, 100).await.unwrap();
    assert_eq!(seqs(&again), [3, 4, 5, 6]);
    let mutation_ids = |b: &[Mutation]| b.iter().map(|m| m.mutation_id).collect::<Vec<_>>();
    assert_eq!(mutation_ids(&again[..3]), mutation_ids(&first[2..]), "the same mutations");

    // Ahead of the server the other way: it expects 10. Numbering continues from there.
    store.resequence(10).await.unwrap();
    assert_eq!(seqs(&store.next_batch(9, 100).await.unwrap()), Vec::<i64>::new());
    punch(&store, "2026-11-22", "c", evening(22)).await;
    assert_eq!(seqs(&store.next_batch(9, 100).await.unwrap()), [10]);
}

fn change(seq: i64, author: Uuid, version: i64, record: SharedRecord) -> Change {
    Change { seq, author_user_id: author, version, record }
}

/// A friend's subject, punch-in (at `version`) and rest day, seq 1–3 of a feed.
fn first_page(friend: Uuid, punch_id: Uuid, version: i64) -> ChangePage {
    let subject_id = Uuid::now_v7();
    let subject = SubjectBody { name: "数学".into(), color: "#12a594".into() };
    let rest = DayMarkBody { date: "2026-11-21".parse().unwrap(), mark: DayMarkKind::Rest };
    let shared = SharedPunchIn {
        date: "2026-11-22".parse().unwrap(),
        created_utc: None,
        on_time: true,
        minutes: vec![SubjectMinutes { subject_id, minutes: 90 }],
        note: Some("加油".into()),
        mood: Some(daka_wire::Mood::Great),
        photos: vec![],
    };
    let punch_in = SharedRecord::PunchIn { id: punch_id, body: Some(shared) };
    ChangePage {
        changes: vec![
            change(1, friend, 10, SharedRecord::Subject { id: subject_id, body: Some(subject) }),
            change(2, friend, version, punch_in),
            change(3, friend, 12, SharedRecord::DayMark { id: Uuid::now_v7(), body: Some(rest) }),
        ],
        next_after: 3,
        head_seq: 4,
        has_more: true,
    }
}

#[tokio::test]
async fn pulled_pages_are_cached_with_tombstones_and_move_the_cursor_and_the_clock() {
    let (dir, store) = connected().await;
    let (group, friend, punch_id) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    // A version a day ahead of the local clock (the server allows 5 minutes ahead of its own:
    // this is a local clock far behind).
    let future = evening(23).timestamp_millis() << 16;
    let page = first_page(friend, punch_id, future);
    assert_eq!(store.cursor(group).await.unwrap(), 0);
    store.apply_page(group, &page).await.unwrap();
    assert_eq!(store.cursor(group).await.unwrap(), 3);
    assert_eq!(store.group_records(group).await.unwrap(), page.changes);

    // The punch-in is deleted: a tombstone at a later seq. A stale copy of seq 2 changes nothing.
    let stale = page.changes[1].clone();
    let tombstone =
        change(4, friend, future + 1, SharedRecord::PunchIn { id: punch_id, body: None });
    let page = ChangePage { changes: vec![tombstone.clone()], next_after: 4, ..page };
    store.apply_page(group, &page).await.unwrap();
    store.apply_page(group, &ChangePage { changes: vec![stale], ..page }).await.unwrap();
    let cached = store.group_records(group).await.unwrap();
    assert_eq!(cached.len(), 3);
    assert_eq!(cached[2], tombstone);
    assert_eq!(count(&dir, "SELECT count(*) FROM group_records WHERE body IS NULL").await, 1);
    assert_eq!(store.cursor(group).await.unwrap(), 4);

    // A local edit after the pull sorts after the future version it saw.
    let mine = punch(&store, "2026-11-22", "", evening(22)).await;
    let sql = format!("SELECT version FROM punch_ins WHERE id = '{}'", mine.id);
    assert!(count(&dir, &sql).await > future + 1);
}

#[tokio::test]
async fn reset_and_retain_forget_group_copies() {
    let (_dir, store) = connected().await;
    let (group, other) = (Uuid::now_v7(), Uuid::now_v7());
    let page = first_page(Uuid::now_v7(), Uuid::now_v7(), 11);
    store.apply_page(group, &page).await.unwrap();
    store.apply_page(other, &ChangePage { next_after: 7, ..page.clone() }).await.unwrap();
    store.reset_group(group).await.unwrap();
    assert_eq!(store.cursor(group).await.unwrap(), 0);
    assert!(store.group_records(group).await.unwrap().is_empty());
    assert_eq!(store.cursor(other).await.unwrap(), 7, "only that group");

    store.apply_page(group, &page).await.unwrap();
    store.retain_groups(&[group]).await.unwrap();
    assert_eq!(store.cursor(other).await.unwrap(), 0);
    assert!(store.group_records(other).await.unwrap().is_empty());
    assert_eq!(store.cursor(group).await.unwrap(), 3);
    assert_eq!(store.group_records(group).await.unwrap().len(), 3);
}

#[tokio::test]
async fn saving_subjects_queues_added_changed_and_removed_ones() {
    let (dir, store) = onboarded().await;
    let subjects = store.profile().await.unwrap().subjects;
    let keep = |i: usize, name: &str, color: &str| SubjectDraft {
        id: Some(subjects[i].id.to_string()),
        name: name.into(),
        color: color.into(),
    };
    // 政治 renamed, 英语一 recoloured, 数学一 removed, 专业课 moved first, 物理 added.
    let drafts = vec![
        keep(3, "专业课", "#f76b15"),
        keep(0, "思想政治", "#e5484d"),
        keep(1, "英语一", "#000000"),
        draft("物理", "#3e63dd"),
    ];
    store.save_subjects(&drafts, now()).await.unwrap();
    let after = store.profile().await.unwrap().subjects;
    let upserts = texts(
        &dir,
        "SELECT entity_id FROM outbox WHERE entity_type = 'subject' AND op = 'upsert'
         ORDER BY device_seq",
    )
    .await;
    let expected: Vec<String> =
        [&after[1], &after[2], &after[3]].iter().map(|s| s.id.to_string()).collect();
    assert_eq!(upserts, expected, "not 专业课: only its place changed");
    let deletes =
        texts(&dir, "SELECT entity_id FROM outbox WHERE entity_type = 'subject' AND op = 'delete'")
            .await;
    assert_eq!(deletes, [subjects[2].id.to_string()]);
    let names = texts(&dir, "SELECT payload ->> '$.name' FROM outbox WHERE op = 'upsert'").await;
    assert_eq!(names, ["思想政治", "英语一", "物理"], "the payload is the Subject");

    let store = pinned(store, evening(22));
    connect(&store, now()).await;
    let batch = store.next_batch(0, 100).await.unwrap();
    assert_eq!(batch.len(), 5, "4 live subjects (the snapshot replaced their rows) and the delete");
    assert!(
        batch.iter().any(|m| m.record == Record::Subject { id: uuid(subjects[2].id), body: None })
    );
}

#[tokio::test]
async fn imported_records_are_queued_in_the_import() {
    let (dir, store) = onboarded().await;
    punch(&store, "2026-11-22", "a", evening(22)).await;
    let gone = punch(&store, "2026-11-22", "b", evening(22)).await;
    store.delete_punch_in(&gone.id.to_string(), evening(22)).await.unwrap();
    store.mark_day("2026-11-23", DayMark::Leave, evening(22)).await.unwrap();
    let file = dir.path().join("export.zip");
    store.export_to(&file, evening(23), "test").await.unwrap();

    let fresh = TempDir::new().unwrap();
    let target = pinned(Store::open(fresh.path(), now()).await.unwrap(), evening(23));
    let no_progress = |_| {};
    target.import_from(&file, ImportMode::Restore, evening(23), &no_progress).await.unwrap();
    let kinds =
        texts(&fresh, "SELECT entity_type || ':' || op FROM outbox ORDER BY entity_type, op").await;
    assert_eq!(
        kinds,
        [
            "day_status:upsert",
            "punch_in:delete",
            "punch_in:upsert",
            "subject:upsert",
            "subject:upsert",
            "subject:upsert",
            "subject:upsert",
        ]
    );
    // Imported rows keep their versions.
    let sql = format!("SELECT version FROM outbox WHERE entity_id = '{}'", gone.id);
    let theirs = format!("SELECT version FROM punch_ins WHERE id = '{}'", gone.id);
    assert_eq!(count(&fresh, &sql).await, count(&dir, &theirs).await);

    // Merging the same archive again writes nothing, so queues nothing.
    target.import_from(&file, ImportMode::Merge, evening(23), &no_progress).await.unwrap();
    assert_eq!(count(&fresh, "SELECT count(*) FROM outbox").await, 7);
    connect(&target, evening(23)).await;
    let batch = target.next_batch(0, 100).await.unwrap();
    assert_eq!(batch.len(), 7, "connecting replaced the live rows, the delete stayed");
    assert!(batch.iter().any(|m| m.record == Record::PunchIn { id: uuid(gone.id), body: None }));
}

#[tokio::test]
async fn connecting_queues_a_snapshot_without_duplicates() {
    let (dir, store) = onboarded().await;
    let store = pinned(store, evening(24));
    let edited = punch(&store, "2026-11-22", "a", evening(22)).await;
    store
        .save_punch_in(
            &PunchInInput {
                id: Some(edited.id.to_string()),
                date: "2026-11-22".into(),
                repair: false,
                minutes: vec![],
                goals_done: vec![],
                note: "edited".into(),
                mood: None,
                photos: vec![],
            },
            evening(22),
        )
        .await
        .unwrap();
    punch(&store, "2026-11-23", "b", evening(23)).await;
    store.mark_day("2026-11-24", DayMark::Leave, evening(23)).await.unwrap();
    store.save_goal(&goal(), evening(23)).await.unwrap();
    assert_eq!(store.next_batch(0, 100).await.unwrap(), [], "no account: nothing is sent");
    assert_eq!(count(&dir, "SELECT count(*) FROM outbox WHERE entity_type = 'punch_in'").await, 3);

    for _ in 0..2 {
        // Connecting twice (a second sign-in, as another device) is no different.
        connect(&store, evening(24)).await;
        let per_record = "SELECT count(*) FROM (SELECT entity_id FROM outbox
                          GROUP BY entity_type, entity_id HAVING count(*) > 1)";
        assert_eq!(count(&dir, per_record).await, 0, "one row per record");
        let batch = store.next_batch(0, 100).await.unwrap();
        assert_eq!(seqs(&batch), [1, 2, 3, 4, 5, 6, 7], "4 subjects, 2 punch-ins, 1 leave");
        let edited_row = batch.iter().find(|m| m.record.id() == uuid(edited.id)).unwrap();
        let Record::PunchIn { body: Some(body), .. } = &edited_row.record else { panic!() };
        assert_eq!(body.note.as_deref(), Some("edited"));
    }
}

#[tokio::test]
async fn a_copied_data_folder_signs_out_and_gets_a_new_device_id() {
    let (dir, store) = connected().await;
    punch(&store, "2026-11-22", "a", evening(22)).await;
    assert_eq!(store.next_batch(0, 100).await.unwrap().len(), 5);
    assert_eq!(store.check_sync_fingerprint(FINGERPRINT).await.unwrap(), FingerprintCheck::Same);
    let device = store.device_id();
    store.close().await;

    // The folder is copied to another computer.
    let copy = TempDir::new().unwrap();
    std::fs::copy(dir.path().join("daka.sqlite3"), copy.path().join("daka.sqlite3")).unwrap();
    let moved = pinned(Store::open(copy.path(), now()).await.unwrap(), evening(22));
    assert_eq!(moved.device_id(), device);
    let check = moved.check_sync_fingerprint("machine-b:/home/b/daka").await.unwrap();
    let FingerprintCheck::Moved { old_device_id, new_device_id } = check else {
        panic!("{check:?}")
    };
    assert_eq!((old_device_id, moved.device_id()), (device, new_device_id));
    assert_ne!(new_device_id, device);
    assert_eq!(moved.sync_account().await.unwrap(), None);
    assert_eq!(moved.next_batch(0, 100).await.unwrap(), [], "signed out: nothing is sent");
    assert_eq!(count(&copy, "SELECT count(*) FROM outbox WHERE wire_seq IS NOT NULL").await, 0);
    let p = punch(&moved, "2026-11-22", "b", evening(22)).await;
    let sql = format!(
        "SELECT count(*) FROM punch_ins WHERE id = '{}' AND device_id = '{new_device_id}'",
        p.id
    );
    assert_eq!(count(&copy, &sql).await, 1, "writes carry the new id");
    moved.close().await;
    let reopened = Store::open(copy.path(), now()).await.unwrap();
    assert_eq!(reopened.device_id(), new_device_id);
    assert_eq!(reopened.check_sync_fingerprint("x").await.unwrap(), FingerprintCheck::NoAccount);

    // The original is where it was: still connected, same id.
    let original = Store::open(dir.path(), now()).await.unwrap();
    assert_eq!(original.check_sync_fingerprint(FINGERPRINT).await.unwrap(), FingerprintCheck::Same);
    assert_eq!(original.device_id(), device);
    let account = original.sync_account().await.unwrap().unwrap();
    assert_eq!((account.username.as_str(), account.nickname.as_str()), ("xiaoming", "小明"));
    assert_eq!(account.connected_utc, Some(now()));
}

#[tokio::test]
async fn nothing_is_numbered_or_dropped_without_an_account() {
    let (dir, store) = onboarded().await;
    let store = pinned(store, evening(22));
    punch(&store, "2026-11-22", "a", evening(22)).await;
    store.save_goal(&goal(), evening(22)).await.unwrap();
    assert_eq!(store.next_batch(0, 100).await.unwrap(), []);
    assert_eq!(count(&dir, "SELECT count(*) FROM outbox").await, 2, "the goal row is kept too");
    assert_eq!(store.pending().await.unwrap(), (1, vec![]), "the punch-in waits");

    connect(&store, now()).await;
    assert_eq!(store.next_batch(0, 100).await.unwrap().len(), 5);
    store.disconnect_sync_account().await.unwrap();
    assert_eq!(store.sync_account().await.unwrap(), None);
    assert_eq!(store.next_batch(0, 100).await.unwrap(), []);
    assert_eq!(count(&dir, "SELECT count(*) FROM outbox WHERE wire_seq IS NOT NULL").await, 0);
    assert_eq!(count(&dir, "SELECT count(*) FROM outbox").await, 5, "still queued");
}

#[tokio::test]
async fn records_dated_beyond_the_servers_window_are_dropped_unsent() {
    let (dir, store) = connected().await;
    let old = punch(&store, "2026-11-22", "old", evening(22)).await;
    store.mark_day("2026-11-22", DayMark::Leave, evening(22)).await.unwrap();
    let recent = punch(&store, "2026-11-23", "recent", evening(23)).await;
    store.delete_punch_in(&old.id.to_string(), evening(23)).await.unwrap();
    // 401 days after the 22nd: what is dated the 22nd is too old, the 23rd is not. A delete
    // has no date: it is always sent.
    let store = pinned(store, evening(22) + Duration::days(401));
    let batch = store.next_batch(0, 100).await.unwrap();
    let kinds: Vec<_> = batch.iter().map(|m| (m.record.kind(), m.record.is_delete())).collect();
    use daka_wire::RecordKind::{PunchIn as P, Subject as S};
    assert_eq!(kinds, [(S, false), (S, false), (S, false), (S, false), (P, false), (P, true)]);
    assert_eq!(ids(&batch)[4..], [uuid(recent.id), uuid(old.id)]);
    assert_eq!(seqs(&batch), [1, 2, 3, 4, 5, 6], "dropped rows leave no gap");
    assert_eq!(count(&dir, "SELECT count(*) FROM outbox").await, 6);
}
