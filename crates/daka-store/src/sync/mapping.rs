//! From the store's outbox rows to wire records, and from the group feed to cached rows.
//!
//! The outbox holds the store's own structs (daka_core `PunchIn`, `DayStatus`, `Subject`);
//! only here do they become daka-wire types, so either side can change without the other.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use daka_core::journal::{self, DayMark, DayStatus, PunchIn};
use daka_core::subject::Subject;
use daka_wire::{
    Change, DayMarkBody, DayMarkKind, MAX_DAYS_BACK, PunchInBody, Record, RecordKind, SharedRecord,
    SubjectBody, SubjectMinutes,
};
use serde::de::DeserializeOwned;
use sqlx::SqliteConnection;
use uuid::Uuid;

use crate::error::{Result, StoreError};
use crate::repo::outbox::Op;
use crate::repo::photos;
use crate::repo::sync::{self as repo, GroupRecordRow, OutboxRow};

/// What becomes of one outbox row.
#[derive(Debug)]
pub(super) enum Plan {
    Send(Record),
    /// Not for the server (a goal, a repair mark, too old, unreadable): deleted unsent.
    Drop(&'static str),
}

/// Decides what to send for `row`. With `now`, dated records more than [`MAX_DAYS_BACK`] days
/// back are dropped (the server would refuse them); without it (a row that already has its
/// number, which must not leave a gap) they are sent as they are.
pub(super) async fn plan(
    conn: &mut SqliteConnection,
    row: &OutboxRow,
    now: Option<DateTime<Utc>>,
) -> Result<Plan> {
    let Some(op) = Op::parse(&row.op) else { return Ok(Plan::Drop("unknown op")) };
    let Ok(id) = Uuid::parse_str(&row.entity_id) else { return Ok(Plan::Drop("bad id")) };
    let plan = match (row.entity_type.as_str(), op) {
        ("punch_in", Op::Upsert) => match parse::<PunchIn>(&row.payload) {
            Some(p) if now.is_some_and(|now| too_old(p.date, today_in(&p.tz, now))) => {
                Plan::Drop("too old")
            }
            Some(p) => {
                // The photos as they are now, in order: the server hands each group only those
                // its author shares photos with and has uploaded (`daka_sync` uploads them
                // before this push).
                let photos = photos::list_of(conn, p.id).await?;
                let mut body = punch_in_body(&p);
                body.photos = photos.iter().map(|ph| *ph.id.as_uuid()).collect();
                Plan::Send(Record::PunchIn { id, body: Some(body) })
            }
            None => Plan::Drop("unreadable punch-in"),
        },
        ("punch_in", Op::Delete) => Plan::Send(Record::PunchIn { id, body: None }),
        ("subject", Op::Upsert) => match parse::<Subject>(&row.payload) {
            Some(s) => Plan::Send(Record::Subject {
                id,
                body: Some(SubjectBody { name: s.name, color: s.color }),
            }),
            None => Plan::Drop("unreadable subject"),
        },
        ("subject", Op::Delete) => Plan::Send(Record::Subject { id, body: None }),
        ("day_status", Op::Upsert) => match parse::<DayStatus>(&row.payload) {
            Some(s) if now.is_some_and(|now| too_old(s.date, now.date_naive())) => {
                Plan::Drop("too old")
            }
            Some(s) => match day_mark(s.mark) {
                Some(mark) => Plan::Send(Record::DayMark {
                    id,
                    body: Some(DayMarkBody { date: s.date, mark }),
                }),
                None => Plan::Drop("repair mark"),
            },
            None => Plan::Drop("unreadable day mark"),
        },
        ("day_status", Op::Delete) => {
            // The server never had a repair mark, so it needs no delete of one.
            let mark = repo::day_status_mark(conn, &row.entity_id).await?;
            if mark.as_deref() == Some(DayMark::Repair.as_str()) {
                Plan::Drop("repair mark")
            } else {
                Plan::Send(Record::DayMark { id, body: None })
            }
        }
        // Goals and goal progress are not part of the group protocol.
        _ => Plan::Drop("not synced"),
    };
    Ok(plan)
}

fn parse<T: DeserializeOwned>(payload: &str) -> Option<T> {
    serde_json::from_str(payload).ok()
}

/// Whether `date` is further back than the server accepts, judged on `today`.
pub(super) fn too_old(date: NaiveDate, today: NaiveDate) -> bool {
    date < today - Duration::days(MAX_DAYS_BACK)
}

/// Today in the zone a punch-in was made in, as the server judges its date (UTC if the zone is
/// unknown).
fn today_in(tz: &str, now: DateTime<Utc>) -> NaiveDate {
    tz.parse::<chrono_tz::Tz>()
        .map_or_else(|_| now.date_naive(), |tz| now.with_timezone(&tz).date_naive())
}

fn punch_in_body(p: &PunchIn) -> PunchInBody {
    PunchInBody {
        date: p.date,
        // As stored (milliseconds): a new punch-in's payload has the instant it was made with
        // more precision than an edit's, read back from its row.
        created_utc: DateTime::from_timestamp_millis(p.created_utc.timestamp_millis())
            .unwrap_or(p.created_utc),
        tz: p.tz.clone(),
        minutes: p
            .minutes
            .iter()
            .map(|m| SubjectMinutes { subject_id: *m.subject_id.as_uuid(), minutes: m.minutes })
            .collect(),
        note: (!p.note.is_empty()).then(|| p.note.clone()),
        mood: p.mood.map(mood),
        photos: Vec::new(),
    }
}

fn mood(m: journal::Mood) -> daka_wire::Mood {
    match m {
        journal::Mood::Great => daka_wire::Mood::Great,
        journal::Mood::Good => daka_wire::Mood::Good,
        journal::Mood::Okay => daka_wire::Mood::Okay,
        journal::Mood::Tired => daka_wire::Mood::Tired,
        journal::Mood::Down => daka_wire::Mood::Down,
    }
}

/// Leave and rest are what a group sees; a repair is personal streak bookkeeping.
fn day_mark(m: DayMark) -> Option<DayMarkKind> {
    match m {
        DayMark::Leave => Some(DayMarkKind::Leave),
        DayMark::Rest => Some(DayMarkKind::Rest),
        DayMark::Repair => None,
    }
}

/// A feed change as cached in `group_records`.
pub(super) fn group_row(change: &Change) -> Result<GroupRecordRow> {
    let body = match &change.record {
        SharedRecord::PunchIn { body, .. } => body.as_ref().map(serde_json::to_string),
        SharedRecord::Subject { body, .. } => body.as_ref().map(serde_json::to_string),
        SharedRecord::DayMark { body, .. } => body.as_ref().map(serde_json::to_string),
    }
    .transpose()
    .map_err(|e| StoreError::corrupt(format!("group change {}: {e}", change.seq)))?;
    Ok(GroupRecordRow {
        record_id: change.record.id().to_string(),
        kind: change.record.kind().as_str().to_owned(),
        author_user_id: change.author_user_id.to_string(),
        version: change.version,
        seq: change.seq,
        body,
    })
}

/// A cached row back as the change it came from.
pub(super) fn change_of(row: GroupRecordRow) -> Result<Change> {
    let bad = |what: &str| StoreError::corrupt(format!("group record {}: {what}", row.record_id));
    let id = Uuid::parse_str(&row.record_id).map_err(|_| bad("id"))?;
    let author = Uuid::parse_str(&row.author_user_id).map_err(|_| bad("author"))?;
    fn body<T: DeserializeOwned>(raw: Option<&str>) -> std::result::Result<Option<T>, ()> {
        raw.map(|b| serde_json::from_str(b).map_err(|_| ())).transpose()
    }
    let raw = row.body.as_deref();
    let record = match RecordKind::parse(&row.kind).ok_or_else(|| bad("kind"))? {
        RecordKind::PunchIn => {
            SharedRecord::PunchIn { id, body: body(raw).map_err(|()| bad("body"))? }
        }
        RecordKind::Subject => {
            SharedRecord::Subject { id, body: body(raw).map_err(|()| bad("body"))? }
        }
        RecordKind::DayMark => {
            SharedRecord::DayMark { id, body: body(raw).map_err(|()| bad("body"))? }
        }
    };
    Ok(Change { seq: row.seq, author_user_id: author, version: row.version, record })
}
