//! The story every `ServerDb` backend must pass, against a real database (research §10.10):
//! accounts → devices → groups → invites → push (duplicate, gap, rejected, LWW, forbidden) →
//! feed (pagination, compaction, tombstones, gap-free) → sharing → leave → retention → board.
//!
//! Each case takes a fresh, empty database from the backend's factory. Panics are the test
//! failures (this module is only compiled for tests).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::future::Future;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use daka_wire::{
    Mutation, MutationStatus, PunchInBody, Record, RejectCode, Role, ShareSettings, SharedRecord,
    SubjectBody, SubjectMinutes,
};
use uuid::Uuid;

use crate::check::check;
use crate::*;

mod photos;

/// Runs every case, each on a fresh database from `fresh`.
pub async fn run_all<D, F, Fut>(fresh: F)
where
    D: ServerDb,
    F: Fn() -> Fut,
    Fut: Future<Output = D>,
{
    accounts_and_devices(fresh().await).await;
    invites_expire_run_out_and_can_be_revoked(fresh().await).await;
    push_is_idempotent_by_device_sequence(fresh().await).await;
    pushes_arriving_together_stand_or_fail_alone(fresh().await).await;
    last_writer_wins_by_version_then_device(fresh().await).await;
    a_member_writes_only_their_own_records(fresh().await).await;
    the_feed_is_compacted_paged_and_gap_free(fresh().await).await;
    what_a_group_sees_follows_share_settings(fresh().await).await;
    joining_shares_only_recent_days(fresh().await).await;
    leaving_and_removing_members(fresh().await).await;
    old_cursors_expire_after_compaction(fresh().await).await;
    the_board_reads_the_group_day(fresh().await).await;
    pokes_follow_commits(fresh().await).await;
    photos::photos_are_stored_once_and_never_change(fresh().await).await;
    photos::a_group_sees_a_photo_only_while_shared_and_listed(fresh().await).await;
    photos::compaction_sweeps_photos_nothing_lists(fresh().await).await;
}

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 6, 4, 0, 0).unwrap()
}

pub(crate) fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// A user with one device; answers (user id, device).
pub async fn user<D: ServerDb>(db: &D, name: &str) -> (Uuid, DeviceAuth) {
    let id = Uuid::now_v7();
    let device = new_device(id, name);
    let hash = device.token_hash.clone();
    let user = NewUser {
        id,
        username: name.into(),
        password_hash: "$argon2id$x".into(),
        nickname: format!("{name}!"),
        now: t0(),
    };
    db.create_user(user, device).await.unwrap();
    (id, db.device_by_token(&hash).await.unwrap().unwrap())
}

fn new_device(user: Uuid, name: &str) -> NewDevice {
    let id = Uuid::now_v7();
    NewDevice {
        id,
        user_id: user,
        name: format!("{name}'s laptop"),
        token_hash: format!("hash-{id}"),
        now: t0(),
    }
}

pub async fn second_device<D: ServerDb>(db: &D, user: Uuid) -> DeviceAuth {
    let device = new_device(user, "second");
    let hash = device.token_hash.clone();
    db.create_device(device).await.unwrap();
    db.device_by_token(&hash).await.unwrap().unwrap()
}

pub async fn group<D: ServerDb>(db: &D, owner: Uuid, share: ShareSettings) -> Uuid {
    let id = Uuid::now_v7();
    let g = NewGroup {
        id,
        name: "考研小组".into(),
        tz: "Asia/Shanghai".into(),
        deadline: "22:30".into(),
        owner,
        share,
        now: t0(),
    };
    db.create_group(g).await.unwrap();
    id
}

pub async fn invite<D: ServerDb>(
    db: &D,
    group: Uuid,
    by: Uuid,
    max_uses: u32,
    hours: i64,
) -> String {
    invite_with_id(db, group, by, max_uses, hours).await.0
}

pub async fn invite_with_id<D: ServerDb>(
    db: &D,
    group: Uuid,
    by: Uuid,
    max_uses: u32,
    hours: i64,
) -> (String, Uuid) {
    let code = format!("code-{}", Uuid::now_v7());
    let id = Uuid::now_v7();
    let invite = NewInvite {
        id,
        group,
        code_hash: code.clone(),
        created_by: by,
        expires_at: t0() + Duration::hours(hours),
        max_uses,
        now: t0(),
    };
    db.create_invite(invite).await.unwrap();
    (code, id)
}

pub async fn join<D: ServerDb>(
    db: &D,
    code: &str,
    user: Uuid,
    share: ShareSettings,
) -> Result<Uuid, DbError> {
    db.join(JoinRequest {
        code_hash: code.into(),
        user,
        share,
        share_since: day("2026-11-29"),
        now: t0(),
    })
    .await
}

pub fn punch_body(date: &str, minutes: u32, note: &str) -> PunchInBody {
    PunchInBody {
        date: day(date),
        created_utc: t0(),
        tz: "Asia/Shanghai".into(),
        minutes: vec![SubjectMinutes { subject_id: Uuid::nil(), minutes }],
        note: Some(note.into()),
        mood: Some(daka_wire::Mood::Good),
        photos: vec![],
    }
}

/// A mutation at `device_seq` with version `v` (HLC-shaped: milliseconds of t0 plus `v`).
pub fn mutation(device_seq: i64, v: i64, record: Record) -> Mutation {
    Mutation {
        device_seq,
        mutation_id: Uuid::now_v7(),
        version: (t0().timestamp_millis() << 16) + v,
        record,
    }
}

pub async fn push<D: ServerDb>(
    db: &D,
    device: &DeviceAuth,
    mutations: &[Mutation],
) -> Result<PushOutcome, DbError> {
    db.push(device, mutations.iter().map(|m| check(m, t0())).collect(), t0()).await
}

fn statuses(outcome: &PushOutcome) -> Vec<Outcome> {
    outcome.results.iter().map(|(_, o)| *o).collect()
}

pub async fn all_changes<D: ServerDb>(db: &D, group: Uuid) -> Vec<daka_wire::Change> {
    let mut after = 0;
    let mut out = vec![];
    loop {
        let page = db.changes(group, after, 2).await.unwrap();
        out.extend(page.changes);
        after = page.next_after;
        if !page.has_more {
            return out;
        }
    }
}

async fn accounts_and_devices<D: ServerDb>(db: D) {
    let (alice, device) = user(&db, "Alice").await;
    let again = NewUser {
        id: Uuid::now_v7(),
        username: "alice".into(),
        password_hash: "x".into(),
        nickname: "a".into(),
        now: t0(),
    };
    assert!(matches!(
        db.create_user(again, new_device(alice, "x")).await,
        Err(DbError::UsernameTaken)
    ));
    assert_eq!(db.user_by_name("ALICE").await.unwrap().unwrap().id, alice);
    db.set_nickname(alice, "小李").await.unwrap();
    assert_eq!(db.user(alice).await.unwrap().unwrap().nickname, "小李");
    let second = second_device(&db, alice).await;
    assert_eq!(db.devices(alice).await.unwrap().len(), 2);
    let (bob, _) = user(&db, "bob").await;
    assert!(matches!(db.revoke_device(bob, second.device_id, t0()).await, Err(DbError::NotFound)));
    db.revoke_device(alice, second.device_id, t0()).await.unwrap();
    let listed = db.devices(alice).await.unwrap();
    assert!(listed.iter().any(|d| d.id == second.device_id && d.revoked_at.is_some()));
    assert!(!device.revoked);
    let hash = format!("hash-{}", second.device_id);
    assert!(db.device_by_token(&hash).await.unwrap().unwrap().revoked);
    // A revoked device cannot push even if a caller forgot to check.
    let m = mutation(
        1,
        1,
        Record::PunchIn { id: Uuid::now_v7(), body: Some(punch_body("2026-12-06", 30, "")) },
    );
    assert!(matches!(push(&db, &second, &[m]).await, Err(DbError::Forbidden)));
}

async fn invites_expire_run_out_and_can_be_revoked<D: ServerDb>(db: D) {
    let (owner, _) = user(&db, "owner").await;
    let g = group(&db, owner, ShareSettings::default()).await;
    let (a, _) = user(&db, "a").await;
    let (b, _) = user(&db, "b").await;
    let (c, _) = user(&db, "c").await;
    let once = invite(&db, g, owner, 1, 24).await;
    assert_eq!(db.invite_group(&once, t0()).await.unwrap().unwrap().id, g);
    assert_eq!(join(&db, &once, a, ShareSettings::default()).await.unwrap(), g);
    // Joining again is a no-op and does not use the invite up … but it is used up for others.
    assert_eq!(join(&db, &once, a, ShareSettings::default()).await.unwrap(), g);
    assert!(matches!(
        join(&db, &once, b, ShareSettings::default()).await,
        Err(DbError::InviteInvalid)
    ));
    assert!(db.invite_group(&once, t0()).await.unwrap().is_none());
    let expired = invite(&db, g, owner, 5, 0).await;
    assert!(matches!(
        join(&db, &expired, b, ShareSettings::default()).await,
        Err(DbError::InviteInvalid)
    ));
    let (revoked, id) = invite_with_id(&db, g, owner, 5, 24).await;
    assert_eq!(db.invites(g).await.unwrap().len(), 3);
    db.revoke_invite(g, id, owner, t0()).await.unwrap();
    assert!(matches!(
        join(&db, &revoked, c, ShareSettings::default()).await,
        Err(DbError::InviteInvalid)
    ));
    assert!(matches!(
        db.revoke_invite(Uuid::now_v7(), id, owner, t0()).await,
        Err(DbError::NotFound)
    ));
    assert!(matches!(
        join(&db, "nonsense", c, ShareSettings::default()).await,
        Err(DbError::InviteInvalid)
    ));
    let members = db.members(g).await.unwrap();
    assert_eq!(
        members.iter().map(|m| (m.user_id, m.role)).collect::<Vec<_>>(),
        vec![(owner, Role::Owner), (a, Role::Member)]
    );
    let actions: Vec<String> =
        db.audit_log(g).await.unwrap().into_iter().map(|e| e.action).collect();
    assert!(
        actions.contains(&action::INVITE_REVOKE.to_string())
            && actions.contains(&action::MEMBER_JOIN.to_string())
    );
    let views = db.groups_of(a).await.unwrap();
    assert_eq!((views.len(), views[0].member_count, views[0].role), (1, 2, Role::Member));
}

async fn push_is_idempotent_by_device_sequence<D: ServerDb>(db: D) {
    let (alice, device) = user(&db, "alice").await;
    let g = group(&db, alice, ShareSettings::default()).await;
    let id = Uuid::now_v7();
    let one = mutation(1, 1, Record::PunchIn { id, body: Some(punch_body("2026-12-06", 30, "")) });
    let bad = mutation(
        2,
        2,
        Record::PunchIn { id: Uuid::now_v7(), body: Some(punch_body("2020-01-01", 30, "")) },
    );
    let out = push(&db, &device, &[one.clone(), bad.clone()]).await.unwrap();
    assert_eq!(
        statuses(&out),
        vec![Outcome::Applied, Outcome::Rejected(RejectCode::DateOutOfWindow)]
    );
    assert_eq!(out.last_device_seq, 2, "a rejected mutation still advances the sequence");
    // The whole batch again: nothing applied twice, and the refusal is repeated (its first
    // answer may have been lost; "duplicate" would read as applied).
    let out = push(&db, &device, &[one, bad]).await.unwrap();
    assert_eq!(
        statuses(&out),
        vec![Outcome::Duplicate, Outcome::Rejected(RejectCode::DateOutOfWindow)]
    );
    assert_eq!(all_changes(&db, g).await.len(), 1);
    // A gap aborts the batch and writes nothing, not even its valid first part.
    let three = mutation(
        3,
        3,
        Record::PunchIn { id: Uuid::now_v7(), body: Some(punch_body("2026-12-06", 10, "")) },
    );
    let five = mutation(
        5,
        5,
        Record::PunchIn { id: Uuid::now_v7(), body: Some(punch_body("2026-12-06", 10, "")) },
    );
    assert!(matches!(
        push(&db, &device, &[three, five]).await,
        Err(DbError::SequenceGap { expected: 4 })
    ));
    assert_eq!(db.sync_status(&device, t0()).await.unwrap().last_device_seq, 2);
    assert_eq!(all_changes(&db, g).await.len(), 1);
}

/// Many pushes at once, as under load, where a backend may apply several in one transaction
/// (group commit): a push with a sequence gap and one from a revoked device among them fail
/// alone, write nothing, and every other push is applied exactly once; a device's second push
/// racing its first is numbered against it.
async fn pushes_arriving_together_stand_or_fail_alone<D: ServerDb>(db: D) {
    let (owner, _) = user(&db, "owner").await;
    let g = group(&db, owner, ShareSettings::default()).await;
    let code = invite(&db, g, owner, 20, 24).await;
    let mut devices = Vec::new();
    for i in 0..12 {
        let (member, device) = user(&db, &format!("m{i}")).await;
        join(&db, &code, member, ShareSettings::default()).await.unwrap();
        devices.push((member, device));
    }
    let revoked = devices[7].1;
    db.revoke_device(devices[7].0, revoked.device_id, t0()).await.unwrap();
    let punch = |seq: i64| {
        let body = punch_body("2026-12-06", 30, "");
        mutation(seq, seq, Record::PunchIn { id: Uuid::now_v7(), body: Some(body) })
    };
    let batches: Vec<(DeviceAuth, Vec<Mutation>)> = devices
        .iter()
        .enumerate()
        .map(|(i, (_, d))| match i {
            4 => (*d, vec![punch(1), punch(3)]), // a gap: nothing of it may stand
            _ => (*d, vec![punch(1)]),
        })
        .chain([(devices[0].1, vec![punch(1), punch(2)])]) // a retry racing the original
        .collect();
    let answers =
        futures_util::future::join_all(batches.iter().map(|(d, b)| push(&db, d, b))).await;
    for (i, answer) in answers.iter().enumerate() {
        match i {
            4 => assert!(matches!(answer, Err(DbError::SequenceGap { expected: 2 })), "{answer:?}"),
            7 => assert!(matches!(answer, Err(DbError::Forbidden)), "{answer:?}"),
            12 => {
                let out = answer.as_ref().unwrap();
                assert_eq!(statuses(out), vec![Outcome::Duplicate, Outcome::Applied]);
            }
            _ => assert_eq!(statuses(answer.as_ref().unwrap()), vec![Outcome::Applied], "{i}"),
        }
    }
    let changes = all_changes(&db, g).await;
    // 10 good devices with one punch-in each, and the second punch-in of device 0.
    assert_eq!(changes.len(), 11);
    let seqs: Vec<i64> = changes.iter().map(|c| c.seq).collect();
    assert_eq!(seqs, (1..=11).collect::<Vec<_>>(), "gap-free");
    assert_eq!(db.sync_status(&devices[4].1, t0()).await.unwrap().last_device_seq, 0);
}

async fn last_writer_wins_by_version_then_device<D: ServerDb>(db: D) {
    let (alice, laptop) = user(&db, "alice").await;
    let desktop = second_device(&db, alice).await;
    let g = group(
        &db,
        alice,
        ShareSettings { note: true, mood: true, photos: true, exact_times: true },
    )
    .await;
    let id = Uuid::now_v7();
    let rec = |note: &str| Record::PunchIn { id, body: Some(punch_body("2026-12-06", 30, note)) };
    push(&db, &laptop, &[mutation(1, 10, rec("laptop v10"))]).await.unwrap();
    let out = push(&db, &desktop, &[mutation(1, 5, rec("desktop v5"))]).await.unwrap();
    assert_eq!(statuses(&out), vec![Outcome::Superseded]);
    // Equal versions: the larger device id wins, whichever arrives first.
    let (low, high) = if laptop.device_id < desktop.device_id {
        (&laptop, &desktop)
    } else {
        (&desktop, &laptop)
    };
    // Both devices have pushed once; their next sequence is 2.
    let out = push(&db, high, &[mutation(2, 20, rec("high v20"))]).await.unwrap();
    assert_eq!(statuses(&out), vec![Outcome::Applied]);
    let out = push(&db, low, &[mutation(2, 20, rec("low v20"))]).await.unwrap();
    assert_eq!(statuses(&out), vec![Outcome::Superseded]);
    let changes = all_changes(&db, g).await;
    let SharedRecord::PunchIn { body: Some(body), .. } = &changes[0].record else {
        panic!("{changes:?}")
    };
    assert_eq!(body.note.as_deref(), Some("high v20"));
    // A delete with a newer version wins and is a tombstone in the feed.
    push(&db, low, &[mutation(3, 30, Record::PunchIn { id, body: None })]).await.unwrap();
    let changes = all_changes(&db, g).await;
    assert!(matches!(
        changes[..],
        [daka_wire::Change { record: SharedRecord::PunchIn { body: None, .. }, .. }]
    ));
}

async fn a_member_writes_only_their_own_records<D: ServerDb>(db: D) {
    let (alice, a) = user(&db, "alice").await;
    let (_bob, b) = user(&db, "bob").await;
    let g = group(&db, alice, ShareSettings::default()).await;
    let id = Uuid::now_v7();
    push(
        &db,
        &a,
        &[mutation(1, 1, Record::PunchIn { id, body: Some(punch_body("2026-12-06", 30, "")) })],
    )
    .await
    .unwrap();
    let steal = mutation(1, 99, Record::PunchIn { id, body: None });
    let out = push(&db, &b, &[steal]).await.unwrap();
    assert_eq!(statuses(&out), vec![Outcome::Rejected(RejectCode::Forbidden)]);
    // The kind of a record cannot change either.
    let retype = mutation(
        2,
        2,
        Record::Subject {
            id,
            body: Some(SubjectBody { name: "x".into(), color: "#000000".into() }),
        },
    );
    let out = push(&db, &a, &[retype]).await.unwrap();
    assert_eq!(statuses(&out), vec![Outcome::Rejected(RejectCode::Invalid)]);
    let changes = all_changes(&db, g).await;
    assert!(matches!(&changes[0].record, SharedRecord::PunchIn { body: Some(_), .. }));
}

async fn the_feed_is_compacted_paged_and_gap_free<D: ServerDb>(db: D) {
    let (alice, a) = user(&db, "alice").await;
    let g = group(&db, alice, ShareSettings::default()).await;
    let ids: Vec<Uuid> = (0..5).map(|_| Uuid::now_v7()).collect();
    let ms: Vec<Mutation> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            mutation(
                i as i64 + 1,
                i as i64 + 1,
                Record::PunchIn { id: *id, body: Some(punch_body("2026-12-06", 10, "")) },
            )
        })
        .collect();
    push(&db, &a, &ms).await.unwrap();
    // Editing the first moves it to the head: one row per record.
    push(
        &db,
        &a,
        &[mutation(
            6,
            60,
            Record::PunchIn { id: ids[0], body: Some(punch_body("2026-12-06", 20, "")) },
        )],
    )
    .await
    .unwrap();
    let changes = all_changes(&db, g).await;
    assert_eq!(changes.len(), 5);
    assert_eq!(changes.last().unwrap().record.id(), ids[0]);
    let seqs: Vec<i64> = changes.iter().map(|c| c.seq).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]));
    let page = db.changes(g, 0, 500).await.unwrap();
    assert_eq!((page.head_seq, page.has_more, page.next_after), (6, false, 6));
    assert_eq!(db.changes(g, 6, 10).await.unwrap().changes.len(), 0);
    assert!(matches!(db.changes(Uuid::now_v7(), 0, 10).await, Err(DbError::NotFound)));
    let status = db.sync_status(&a, t0()).await.unwrap();
    assert_eq!((status.last_device_seq, status.groups[0].head_seq), (6, 6));
}

async fn what_a_group_sees_follows_share_settings<D: ServerDb>(db: D) {
    let (alice, a) = user(&db, "alice").await;
    let g = group(
        &db,
        alice,
        ShareSettings { note: false, mood: false, photos: false, exact_times: false },
    )
    .await;
    let id = Uuid::now_v7();
    push(
        &db,
        &a,
        &[mutation(1, 1, Record::PunchIn { id, body: Some(punch_body("2026-12-06", 30, "私密")) })],
    )
    .await
    .unwrap();
    let SharedRecord::PunchIn { body: Some(seen), .. } = all_changes(&db, g).await.remove(0).record
    else {
        panic!()
    };
    assert_eq!((seen.note, seen.mood, seen.created_utc, seen.on_time), (None, None, None, true));
    let head = db.changes(g, 0, 10).await.unwrap().head_seq;
    db.set_share(
        g,
        alice,
        ShareSettings { note: true, mood: true, photos: true, exact_times: true },
        t0(),
    )
    .await
    .unwrap();
    let page = db.changes(g, head, 10).await.unwrap();
    assert_eq!(page.changes.len(), 1, "changing what is shared re-announces the records");
    let SharedRecord::PunchIn { body: Some(seen), .. } = &page.changes[0].record else { panic!() };
    assert_eq!((seen.note.as_deref(), seen.created_utc), (Some("私密"), Some(t0())));
}

async fn joining_shares_only_recent_days<D: ServerDb>(db: D) {
    let (owner, _) = user(&db, "owner").await;
    let (bob, b) = user(&db, "bob").await;
    let g = group(&db, owner, ShareSettings::default()).await;
    let subject = Record::Subject {
        id: Uuid::now_v7(),
        body: Some(SubjectBody { name: "数学一".into(), color: "#ff0000".into() }),
    };
    let old = Record::PunchIn { id: Uuid::now_v7(), body: Some(punch_body("2026-11-01", 30, "")) };
    let recent =
        Record::PunchIn { id: Uuid::now_v7(), body: Some(punch_body("2026-12-05", 30, "")) };
    push(
        &db,
        &b,
        &[mutation(1, 1, subject.clone()), mutation(2, 2, old), mutation(3, 3, recent.clone())],
    )
    .await
    .unwrap();
    assert!(all_changes(&db, g).await.is_empty(), "nothing is shared before joining");
    let code = invite(&db, g, owner, 10, 24).await;
    join(&db, &code, bob, ShareSettings::default()).await.unwrap();
    let mut ids: Vec<Uuid> = all_changes(&db, g).await.iter().map(|c| c.record.id()).collect();
    ids.sort();
    let mut expected = vec![subject.id(), recent.id()];
    expected.sort();
    assert_eq!(ids, expected);
}

async fn leaving_and_removing_members<D: ServerDb>(db: D) {
    let (owner, _) = user(&db, "owner").await;
    let (bob, b) = user(&db, "bob").await;
    let (carol, _) = user(&db, "carol").await;
    let g = group(&db, owner, ShareSettings::default()).await;
    let code = invite(&db, g, owner, 10, 24).await;
    join(&db, &code, bob, ShareSettings::default()).await.unwrap();
    join(&db, &code, carol, ShareSettings::default()).await.unwrap();
    assert!(matches!(db.leave(g, owner, false, t0()).await, Err(DbError::OwnerCannotLeave)));
    let id = Uuid::now_v7();
    push(
        &db,
        &b,
        &[mutation(1, 1, Record::PunchIn { id, body: Some(punch_body("2026-12-06", 30, "")) })],
    )
    .await
    .unwrap();
    // A member cannot remove another; an admin can remove a member but not the owner.
    assert!(matches!(db.remove_member(g, carol, bob, t0()).await, Err(DbError::Forbidden)));
    assert!(matches!(
        db.set_role(g, carol, carol, Role::Admin, t0()).await,
        Err(DbError::Forbidden)
    ));
    db.set_role(g, owner, carol, Role::Admin, t0()).await.unwrap();
    assert!(matches!(db.remove_member(g, carol, owner, t0()).await, Err(DbError::Forbidden)));
    // Leaving with "withdraw" takes every shared record back.
    db.leave(g, bob, true, t0()).await.unwrap();
    assert!(db.membership(g, bob).await.unwrap().is_none());
    assert!(matches!(
        all_changes(&db, g).await[..],
        [daka_wire::Change { record: SharedRecord::PunchIn { body: None, .. }, .. }]
    ));
    // After leaving, new punch-ins are not shared.
    push(
        &db,
        &b,
        &[mutation(
            2,
            2,
            Record::PunchIn { id: Uuid::now_v7(), body: Some(punch_body("2026-12-06", 5, "")) },
        )],
    )
    .await
    .unwrap();
    assert_eq!(all_changes(&db, g).await.len(), 1);
    db.remove_member(g, carol, carol, t0())
        .await
        .expect_err("an admin does not remove themself as if above");
    db.delete_group(g).await.unwrap();
    assert!(db.group(g).await.unwrap().is_none());
    assert!(db.groups_of(carol).await.unwrap().is_empty());
}

async fn old_cursors_expire_after_compaction<D: ServerDb>(db: D) {
    let (alice, a) = user(&db, "alice").await;
    let g = group(&db, alice, ShareSettings::default()).await;
    let id = Uuid::now_v7();
    let keep = Uuid::now_v7();
    push(
        &db,
        &a,
        &[
            mutation(1, 1, Record::PunchIn { id, body: Some(punch_body("2026-12-06", 30, "")) }),
            mutation(
                2,
                2,
                Record::PunchIn { id: keep, body: Some(punch_body("2026-12-06", 30, "")) },
            ),
            mutation(3, 3, Record::PunchIn { id, body: None }),
        ],
    )
    .await
    .unwrap();
    assert_eq!(db.compact(t0() - Duration::days(1)).await.unwrap(), 0, "young tombstones stay");
    assert_eq!(db.compact(t0() + Duration::seconds(1)).await.unwrap(), 1);
    assert!(matches!(db.changes(g, 1, 10).await, Err(DbError::CursorExpired)));
    assert_eq!(db.changes(g, 3, 10).await.unwrap().changes.len(), 0);
    let from_zero = db.changes(g, 0, 10).await.unwrap();
    assert_eq!(from_zero.changes.iter().map(|c| c.record.id()).collect::<Vec<_>>(), vec![keep]);
    assert_eq!(db.sync_status(&a, t0()).await.unwrap().groups[0].min_retained_seq, 3);
}

async fn the_board_reads_the_group_day<D: ServerDb>(db: D) {
    let (alice, a) = user(&db, "alice").await;
    let g = group(&db, alice, ShareSettings::default()).await;
    let subject = Uuid::now_v7();
    let mut body = punch_body("2026-12-06", 90, "");
    body.minutes = vec![SubjectMinutes { subject_id: subject, minutes: 90 }];
    push(
        &db,
        &a,
        &[
            mutation(
                1,
                1,
                Record::Subject {
                    id: subject,
                    body: Some(SubjectBody { name: "英语一".into(), color: "#00ff00".into() }),
                },
            ),
            mutation(2, 2, Record::PunchIn { id: Uuid::now_v7(), body: Some(body) }),
            mutation(
                3,
                3,
                Record::PunchIn {
                    id: Uuid::now_v7(),
                    body: Some(punch_body("2026-12-05", 10, "")),
                },
            ),
            mutation(
                4,
                4,
                Record::DayMark {
                    id: Uuid::now_v7(),
                    body: Some(daka_wire::DayMarkBody {
                        date: day("2026-12-06"),
                        mark: daka_wire::DayMarkKind::Leave,
                    }),
                },
            ),
        ],
    )
    .await
    .unwrap();
    let data = db.board_data(g, day("2026-12-06")).await.unwrap();
    assert_eq!(data.members.len(), 1);
    assert_eq!(data.punch_ins.len(), 1);
    assert_eq!(data.punch_ins[0].1.minutes[0].minutes, 90);
    assert_eq!(data.day_marks.len(), 1);
    assert_eq!(data.subjects, vec![(subject, "英语一".to_string(), "#00ff00".to_string())]);
}

async fn pokes_follow_commits<D: ServerDb>(db: D) {
    let (alice, a) = user(&db, "alice").await;
    let g = group(&db, alice, ShareSettings::default()).await;
    let mut pokes = db.pokes();
    push(
        &db,
        &a,
        &[mutation(
            1,
            1,
            Record::PunchIn { id: Uuid::now_v7(), body: Some(punch_body("2026-12-06", 30, "")) },
        )],
    )
    .await
    .unwrap();
    let poke = tokio::time::timeout(std::time::Duration::from_secs(10), pokes.recv())
        .await
        .expect("a poke")
        .unwrap();
    assert_eq!((poke.group_id, poke.head_seq), (g, 1));
}

/// A status check used by the server's own tests.
pub fn status_of(outcome: Outcome) -> MutationStatus {
    match outcome {
        Outcome::Applied => MutationStatus::Applied,
        Outcome::Duplicate => MutationStatus::Duplicate,
        Outcome::Superseded => MutationStatus::Superseded,
        Outcome::Rejected(_) => MutationStatus::Rejected,
    }
}
