//! Every record checked before anything is written: values by the same rules as any write,
//! references, duplicate ids, dates beyond tomorrow. The timetable's rules are in
//! [`super::timetable`], the focus sessions' in [`super::focus`].

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use daka_archive::{MinutesRow, Record, RowMeta};
use daka_core::calendar::EntryKind;
use daka_core::day::{DayStart, parse_time_zone};
use daka_core::goal::{MAX_GOAL_TARGET, MAX_GOAL_TITLE_CHARS, MAX_UNIT_CHARS, Measure};
use daka_core::journal::{DayMark, Mood};
use daka_core::lang::Lang;
use daka_core::profile::{DailyTarget, MAX_EXAM_NAME_CHARS, WakeTime};
use daka_core::punch_in::{MAX_MINUTES_PER_DAY, validate_note};
use daka_core::reminder::ReminderTime;
use daka_core::schedule::{Schedule, WeekStart};
use daka_core::subject::{MAX_SUBJECT_NAME_CHARS, parse_color};
use daka_core::timetable::Block;
use daka_core::validation::{parse_date, single_line};
use sqlx::SqliteConnection;
use uuid::Uuid;

use super::{focus, timetable};
use crate::error::{Result, StoreError};
use crate::repo::settings::keys;

struct Checker {
    index: usize,
    kind: &'static str,
}

impl Checker {
    fn fail(&self, detail: impl Into<String>) -> StoreError {
        StoreError::ImportRecord {
            record: self.index,
            kind: self.kind.into(),
            detail: detail.into(),
        }
    }

    fn id(&self, raw: &str) -> Result<()> {
        Uuid::parse_str(raw).map(|_| ()).map_err(|_| self.fail(format!("id {raw:?} is not a UUID")))
    }

    fn date(&self, what: &str, raw: &str) -> Result<NaiveDate> {
        parse_date(raw).map_err(|e| self.fail(format!("{what}: {e}")))
    }

    fn kind(&self, raw: &str) -> Result<EntryKind> {
        EntryKind::parse(raw).ok_or_else(|| self.fail(format!("kind {raw:?}")))
    }

    fn meta(&self, m: &RowMeta) -> Result<()> {
        if m.device_id.is_empty() || m.device_id.len() > 64 || m.version < 0 || m.created_utc < 0 {
            return Err(self.fail("bad version, device or timestamps"));
        }
        Ok(())
    }

    /// Study blocks name a subject of the archive or of this profile.
    fn block_subjects(&self, blocks: &[Block], known: impl Fn(&str) -> bool) -> Result<()> {
        for b in blocks {
            if let Some(s) = b.subject_id
                && !known(&s.to_string())
            {
                return Err(self.fail(format!("block {}: unknown subject {s}", b.describe())));
            }
        }
        Ok(())
    }

    fn text(&self, what: &str, raw: &str, max: usize) -> Result<()> {
        match single_line(raw, max) {
            Ok(v) if v == raw => Ok(()),
            Ok(_) => Err(self.fail(format!("{what} has surrounding spaces"))),
            Err(e) => Err(self.fail(format!("{what}: {e}"))),
        }
    }
}

/// Ids in the archive and here, for reference checks.
#[derive(Default)]
pub(super) struct Ids {
    subjects: HashSet<String>,
    goals: HashSet<String>,
    punch_ins: HashSet<String>,
}

/// Checks every record; returns the ids per kind. `latest` is the latest study date allowed.
pub(super) fn check(records: &[Record], local: &Ids, latest: NaiveDate) -> Result<()> {
    let mut seen: HashMap<&'static str, HashSet<&str>> = HashMap::new();
    let mut archive = Ids::default();
    for r in records {
        match r {
            Record::Subject { id, .. } => {
                archive.subjects.insert(id.clone());
            }
            Record::Goal { id, .. } => {
                archive.goals.insert(id.clone());
            }
            Record::PunchIn { id, .. } => {
                archive.punch_ins.insert(id.clone());
            }
            _ => {}
        }
    }
    let has = |set: &HashSet<String>, other: &HashSet<String>, id: &str| {
        set.contains(id) || other.contains(id)
    };
    for (i, r) in records.iter().enumerate() {
        let c = Checker { index: i + 1, kind: r.kind() };
        let id = match r {
            Record::Header { .. } | Record::Setting { .. } | Record::TimetableOverride { .. } => {
                None
            }
            Record::DayRule { id, .. }
            | Record::Exam { id, .. }
            | Record::Subject { id, .. }
            | Record::Goal { id, .. }
            | Record::PunchIn { id, .. }
            | Record::GoalProgress { id, .. }
            | Record::DayStatus { id, .. }
            | Record::PunchInPhoto { id, .. }
            | Record::TimetableTemplate { id, .. }
            | Record::FocusSession { id, .. } => Some(id.as_str()),
        };
        if let Some(id) = id {
            c.id(id)?;
            if !seen.entry(r.kind()).or_default().insert(id) {
                return Err(c.fail(format!("id {id} appears twice")));
            }
        }
        match r {
            Record::Header { .. } => {}
            Record::Setting { key, value, .. } => {
                let ok = match key.as_str() {
                    k if k == keys::LANGUAGE => {
                        serde_json::from_value::<Lang>(value.clone()).is_ok()
                    }
                    k if k == keys::DAILY_TARGET_MIN => {
                        serde_json::from_value::<DailyTarget>(value.clone()).is_ok()
                    }
                    k if k == keys::WAKE_TIME_MIN => {
                        serde_json::from_value::<WakeTime>(value.clone()).is_ok()
                    }
                    k if k == keys::STARTED_ON => {
                        serde_json::from_value::<NaiveDate>(value.clone()).is_ok()
                    }
                    k if k == keys::WEEK_START => {
                        serde_json::from_value::<WeekStart>(value.clone()).is_ok()
                    }
                    k if k == keys::PUNCH_IN_REMINDER => {
                        serde_json::from_value::<Option<ReminderTime>>(value.clone()).is_ok()
                    }
                    k if k == keys::BLOCK_REMINDERS => serde_json::from_value::<
                        daka_core::timetable::BlockReminderSettings,
                    >(value.clone())
                    .is_ok_and(|s| s.validate().is_ok()),
                    _ => true, // unknown keys are skipped when writing
                };
                if !ok {
                    return Err(c.fail(format!("setting {key} = {value}")));
                }
            }
            Record::DayRule { time_zone, day_start_min, meta, .. } => {
                c.meta(meta)?;
                parse_time_zone(time_zone).map_err(|e| c.fail(e.to_string()))?;
                u16::try_from(*day_start_min)
                    .ok()
                    .and_then(|m| DayStart::from_minutes(m).ok())
                    .ok_or_else(|| c.fail("day start out of range"))?;
            }
            Record::Exam { name, exam_date, meta, .. } => {
                c.meta(meta)?;
                c.text("name", name, MAX_EXAM_NAME_CHARS)?;
                c.date("exam date", exam_date)?;
            }
            Record::Subject { name, color, position, meta, .. } => {
                c.meta(meta)?;
                c.text("name", name, MAX_SUBJECT_NAME_CHARS)?;
                if parse_color(color).ok().as_deref() != Some(color.as_str()) || *position < 0 {
                    return Err(c.fail("colour or position"));
                }
            }
            Record::Goal {
                title,
                unit,
                target,
                measure,
                subject_id,
                schedule,
                active_from,
                active_until,
                position,
                meta,
                ..
            } => {
                c.meta(meta)?;
                c.text("title", title, MAX_GOAL_TITLE_CHARS)?;
                if unit.chars().count() > MAX_UNIT_CHARS
                    || !(1..=i64::from(MAX_GOAL_TARGET)).contains(target)
                    || *position < 0
                {
                    return Err(c.fail("unit, target or position"));
                }
                Measure::parse(measure).ok_or_else(|| c.fail(format!("measure {measure:?}")))?;
                serde_json::from_value::<Schedule>(schedule.clone())
                    .ok()
                    .and_then(|s| s.validate().ok())
                    .ok_or_else(|| c.fail("schedule"))?;
                let from = c.date("start", active_from)?;
                if let Some(until) = active_until
                    && c.date("end", until)? < from
                {
                    return Err(c.fail("ends before it starts"));
                }
                if let Some(s) = subject_id
                    && !has(&archive.subjects, &local.subjects, s)
                {
                    return Err(c.fail(format!("unknown subject {s}")));
                }
            }
            Record::PunchIn {
                logical_date,
                kind,
                entered_on,
                tz,
                utc_offset_min,
                day_start_min,
                note,
                mood,
                minutes,
                meta,
                ..
            } => {
                c.meta(meta)?;
                let date = c.date("date", logical_date)?;
                if date > latest {
                    return Err(c.fail(format!("{date} is in the future")));
                }
                c.kind(kind)?;
                c.date("entry day", entered_on)?;
                parse_time_zone(tz).map_err(|e| c.fail(e.to_string()))?;
                if !(-1440..=1440).contains(utc_offset_min) || !(0..=360).contains(day_start_min) {
                    return Err(c.fail("offset or day start out of range"));
                }
                match validate_note(note) {
                    Ok(n) if n == *note => {}
                    Ok(_) => return Err(c.fail("note is not normalized")),
                    Err(e) => return Err(c.fail(format!("note: {e}"))),
                }
                if let Some(m) = mood {
                    Mood::parse(m).ok_or_else(|| c.fail(format!("mood {m:?}")))?;
                }
                let mut total = 0i64;
                let mut subjects = HashSet::new();
                for MinutesRow { subject_id, minutes } in minutes {
                    if !(1..=i64::from(MAX_MINUTES_PER_DAY)).contains(minutes)
                        || !subjects.insert(subject_id)
                    {
                        return Err(c.fail("minutes out of range or repeated subject"));
                    }
                    if !has(&archive.subjects, &local.subjects, subject_id) {
                        return Err(c.fail(format!("unknown subject {subject_id}")));
                    }
                    total += minutes;
                }
                if total > i64::from(MAX_MINUTES_PER_DAY) {
                    return Err(c.fail("more than 24 hours"));
                }
            }
            Record::GoalProgress {
                goal_id,
                logical_date,
                delta,
                kind,
                entered_on,
                punch_in_id,
                meta,
                ..
            } => {
                c.meta(meta)?;
                if c.date("date", logical_date)? > latest {
                    return Err(c.fail("in the future"));
                }
                c.date("entry day", entered_on)?;
                c.kind(kind)?;
                if *delta == 0 || delta.abs() > i64::from(MAX_GOAL_TARGET) {
                    return Err(c.fail("delta out of range"));
                }
                if !has(&archive.goals, &local.goals, goal_id) {
                    return Err(c.fail(format!("unknown goal {goal_id}")));
                }
                if let Some(p) = punch_in_id
                    && !has(&archive.punch_ins, &local.punch_ins, p)
                {
                    return Err(c.fail(format!("unknown punch-in {p}")));
                }
            }
            Record::DayStatus { logical_date, mark, entered_on, meta, .. } => {
                c.meta(meta)?;
                c.date("date", logical_date)?;
                c.date("entry day", entered_on)?;
                DayMark::parse(mark).ok_or_else(|| c.fail(format!("mark {mark:?}")))?;
            }
            Record::PunchInPhoto {
                id,
                punch_in_id,
                position,
                file_name,
                width,
                height,
                bytes,
                original_name,
                meta,
            } => {
                c.meta(meta)?;
                // The file is named after the photo's id, so names can neither clash nor climb
                // out of the photos folder.
                let ext = file_name.strip_prefix(id.as_str()).unwrap_or_default();
                if ![".jpg", ".png", ".webp", ".gif", ".bmp"].contains(&ext) {
                    return Err(c.fail(format!("file name {file_name:?}")));
                }
                if !(0..9).contains(position)
                    || *width <= 0
                    || *height <= 0
                    || *bytes <= 0
                    || original_name.chars().count() > 200
                {
                    return Err(c.fail("bad position, size or name"));
                }
                if !has(&archive.punch_ins, &local.punch_ins, punch_in_id) {
                    return Err(c.fail(format!("unknown punch-in {punch_in_id}")));
                }
            }
            Record::TimetableTemplate { id, name, weekdays, blocks, position, meta } => {
                c.meta(meta)?;
                let blocks = timetable::check_template(id, name, weekdays, blocks, *position)
                    .map_err(|e| c.fail(e))?;
                c.block_subjects(&blocks, |s| has(&archive.subjects, &local.subjects, s))?;
            }
            Record::TimetableOverride { logical_date, skipped, changed, added, meta } => {
                c.meta(meta)?;
                // Keyed by the study day rather than an id.
                if !seen.entry(r.kind()).or_default().insert(logical_date) {
                    return Err(c.fail(format!("date {logical_date} appears twice")));
                }
                let blocks = timetable::check_override(logical_date, skipped, changed, added)
                    .map_err(|e| c.fail(e))?;
                c.block_subjects(&blocks, |s| has(&archive.subjects, &local.subjects, s))?;
            }
            Record::FocusSession { meta, .. } => {
                c.meta(meta)?;
                focus::check(r, latest).map_err(|e| c.fail(e))?;
            }
        }
    }
    Ok(())
}

pub(super) async fn local_ids(conn: &mut SqliteConnection) -> Result<Ids> {
    let ids = |sql: &'static str| sqlx::query_scalar::<_, String>(sql);
    Ok(Ids {
        subjects: ids("SELECT id FROM subjects").fetch_all(&mut *conn).await?.into_iter().collect(),
        goals: ids("SELECT id FROM goals").fetch_all(&mut *conn).await?.into_iter().collect(),
        punch_ins: ids("SELECT id FROM punch_ins")
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .collect(),
    })
}
