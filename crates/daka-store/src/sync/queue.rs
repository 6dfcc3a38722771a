//! Outbox rows for records written without a stamp of their own: subjects saved in Settings,
//! rows an import wrote, and the snapshot queued when an account is connected.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use daka_core::journal::{DayMark, DayStatus, PunchIn};
use daka_core::subject::Subject;
use serde::Serialize;
use sqlx::SqliteConnection;

use crate::error::{Result, StoreError};
use crate::repo::outbox::{self, Op, Queued};
use crate::repo::{Stamp, day_status, fetch_json_rows, punch_ins, subjects};

/// Ids of synced records an import wrote (inserted, updated or tombstoned).
#[derive(Debug, Default)]
pub(crate) struct Touched {
    pub(crate) punch_ins: Vec<String>,
    pub(crate) subjects: Vec<String>,
    pub(crate) day_status: Vec<String>,
    /// Live marks tombstoned because an imported mark for the same day replaced them, with the
    /// replacing mark's version (the tombstone keeps its old one).
    pub(crate) replaced_day_status: Vec<(String, i64)>,
}

/// Which rows to queue.
#[derive(Debug, Clone, Copy)]
pub(super) enum Which<'a> {
    /// The rows an import wrote, as they stand now (live: upsert; tombstoned: delete).
    Touched(&'a Touched),
    /// What a new server device should have: every live subject, and the live punch-ins and
    /// leave/rest marks dated `cutoff` or later.
    Snapshot { cutoff: NaiveDate },
    /// What a server restored from a backup may have lost: the snapshot, and every deletion
    /// (the restored copy may still hold records deleted since its backup was taken).
    Rewind { cutoff: NaiveDate },
}

fn json<T: Serialize>(value: &T, what: &str) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::corrupt(format!("{what} payload: {e}")))
}

/// The version of every row of a table, live or tombstoned, by id.
async fn versions(
    conn: &mut SqliteConnection,
    sql: &'static str,
    what: &str,
) -> Result<HashMap<String, i64>> {
    let rows: Vec<(String, i64)> = fetch_json_rows(conn, sql, what).await?;
    Ok(rows.into_iter().collect())
}

/// Rows for one kind. `list` is the live records in their natural order with their ids;
/// `wanted` the ids to queue (a wanted id that is not live is a tombstone: its delete is
/// queued), or, for the snapshot (`None`), the live records `in_snapshot` keeps, in order.
fn rows_of<T: Serialize>(
    entity_type: &'static str,
    list: Vec<(String, T)>,
    versions: &HashMap<String, i64>,
    wanted: Option<&[String]>,
    in_snapshot: impl Fn(&T) -> bool,
) -> Result<Vec<Queued>> {
    let wanted: Vec<String> = match wanted {
        Some(ids) => ids.to_vec(),
        None => list.iter().filter(|(_, r)| in_snapshot(r)).map(|(id, _)| id.clone()).collect(),
    };
    let live: HashMap<String, T> = list.into_iter().collect();
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for id in wanted {
        let Some(&version) = versions.get(&id) else { continue };
        if !seen.insert(id.clone()) {
            continue;
        }
        let (op, payload) = match live.get(&id) {
            Some(record) => (Op::Upsert, json(record, entity_type)?),
            None => (Op::Delete, json(&id, entity_type)?),
        };
        out.push(Queued { entity_type, entity_id: id, op, version, payload });
    }
    Ok(out)
}

/// The live records `keep` takes, in their order, then every tombstoned id (a row with a
/// version that is not live): those become deletes.
fn with_deletions<T>(
    list: &[(String, T)],
    versions: &HashMap<String, i64>,
    keep: impl Fn(&T) -> bool,
) -> Vec<String> {
    let live: HashSet<&str> = list.iter().map(|(id, _)| id.as_str()).collect();
    let mut ids: Vec<String> =
        list.iter().filter(|(_, r)| keep(r)).map(|(id, _)| id.clone()).collect();
    let mut gone: Vec<&String> = versions.keys().filter(|id| !live.contains(id.as_str())).collect();
    gone.sort();
    ids.extend(gone.into_iter().cloned());
    ids
}

/// The outbox rows for `which`, each with the version its record has.
pub(super) async fn rows(conn: &mut SqliteConnection, which: Which<'_>) -> Result<Vec<Queued>> {
    let (touched, cutoff, deletions) = match which {
        Which::Touched(t) => (Some(t), NaiveDate::MIN, false),
        Which::Snapshot { cutoff } => (None, cutoff, false),
        Which::Rewind { cutoff } => (None, cutoff, true),
    };
    let mut out = Vec::new();

    let list: Vec<_> =
        subjects::list(conn).await?.into_iter().map(|s| (s.id.to_string(), s)).collect();
    let v = versions(
        conn,
        "SELECT json_group_array(json_array(id, version)) FROM subjects",
        "subject versions",
    )
    .await?;
    let keep = |_: &Subject| true;
    let rewound = deletions.then(|| with_deletions(&list, &v, keep));
    let wanted = touched.map(|t| t.subjects.as_slice()).or(rewound.as_deref());
    out.extend(rows_of("subject", list, &v, wanted, keep)?);

    let list: Vec<_> =
        punch_ins::list(conn).await?.into_iter().map(|p| (p.id.to_string(), p)).collect();
    let v = versions(
        conn,
        "SELECT json_group_array(json_array(id, version)) FROM punch_ins",
        "punch-in versions",
    )
    .await?;
    let keep = |p: &PunchIn| p.date >= cutoff;
    let rewound = deletions.then(|| with_deletions(&list, &v, keep));
    let wanted = touched.map(|t| t.punch_ins.as_slice()).or(rewound.as_deref());
    out.extend(rows_of("punch_in", list, &v, wanted, keep)?);

    let list: Vec<_> =
        day_status::list(conn).await?.into_iter().map(|s| (s.id.to_string(), s)).collect();
    let v = versions(
        conn,
        "SELECT json_group_array(json_array(id, version)) FROM day_status",
        "day mark versions",
    )
    .await?;
    let leave_or_rest = |s: &DayStatus| s.date >= cutoff && s.mark != DayMark::Repair;
    let rewound = deletions.then(|| with_deletions(&list, &v, leave_or_rest));
    let wanted = touched.map(|t| t.day_status.as_slice()).or(rewound.as_deref());
    out.extend(rows_of("day_status", list, &v, wanted, leave_or_rest)?);
    if let Some(t) = touched {
        for (id, version) in &t.replaced_day_status {
            let payload = json(id, "day_status")?;
            let (entity_id, version) = (id.clone(), *version);
            out.push(Queued {
                entity_type: "day_status",
                entity_id,
                op: Op::Delete,
                version,
                payload,
            });
        }
    }
    // Oldest version first (stable: records of one write keep their list order), so the
    // outbox keeps the order the records were written in.
    out.sort_by_key(|q| q.version);
    Ok(out)
}

/// Queues the synced records an import wrote, in the import's transaction, and takes their
/// versions into the clock (an archive from a device with a fast clock must not make later
/// local edits lose to the imported rows).
pub(crate) async fn queue_touched(
    conn: &mut SqliteConnection,
    touched: &Touched,
    now_millis: i64,
) -> Result<()> {
    let rows = rows(conn, Which::Touched(touched)).await?;
    if let Some(newest) = rows.iter().map(|q| q.version).max() {
        crate::repo::meta::observe_version(conn, newest).await?;
    }
    outbox::push_many(conn, &rows, now_millis).await
}

/// Queues what a save of the subject list changed that a group can see: new subjects,
/// renamed or recoloured ones (an upsert of the Subject), and removed ones (a delete). A
/// change of order alone is not queued (the wire subject has no position).
pub(crate) async fn queue_subject_changes(
    conn: &mut SqliteConnection,
    before: &[Subject],
    after: &[Subject],
    stamp: &Stamp,
) -> Result<()> {
    let old: HashMap<_, _> = before.iter().map(|s| (s.id, s)).collect();
    let kept: HashSet<_> = after.iter().map(|s| s.id).collect();
    for gone in before.iter().filter(|s| !kept.contains(&s.id)) {
        let id = gone.id.to_string();
        outbox::push(&mut *conn, "subject", &id, Op::Delete, &gone.id, stamp).await?;
    }
    for s in after {
        let changed = old.get(&s.id).is_none_or(|o| o.name != s.name || o.color != s.color);
        if changed {
            outbox::push(&mut *conn, "subject", &s.id.to_string(), Op::Upsert, s, stamp).await?;
        }
    }
    Ok(())
}
