//! Goals, punch-ins, goal progress and day marks: reads and transactional writes.
//!
//! Each write validates with daka-core against the journal read in the same `BEGIN IMMEDIATE`
//! transaction, writes its rows, and queues an outbox row for every record that will sync —
//! all or nothing.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Offset, TimeZone, Utc};
use daka_core::calendar::StudyMoment;
use daka_core::goal::{Goal, GoalInput, Measure, validate_goal};
use daka_core::ids::{DayStatusId, GoalId, ProgressId, PunchInId, SubjectId};
use daka_core::journal::{DayMark, DayStatus, Journal, ProgressEntry, PunchIn};
use daka_core::profile::Profile;
use daka_core::punch_in::{PunchInInput, validate_day_mark, validate_punch_in};
use daka_core::records::Records;
use daka_core::reminder::ReminderTime;
use daka_core::schedule::WeekStart;
use daka_core::validation::{Invalid, ValidationErrors, parse_date};
use sqlx::SqliteConnection;

use crate::cache::WriteTx;
use crate::error::{Result, StoreError};
use crate::repo::outbox::{self, Op};
use crate::repo::settings::keys;
use crate::repo::{day_status, goals, photos, progress, punch_ins, settings};
use crate::store::{Store, read_snapshot};

fn invalid(field: &str, e: Invalid) -> StoreError {
    StoreError::Invalid(ValidationErrors::single(field, e))
}

/// Everything the Today and statistics views are computed from, read in one transaction.
pub(crate) async fn read_records(conn: &mut SqliteConnection, profile: Profile) -> Result<Records> {
    let goals = goals::list(&mut *conn).await?;
    let mut journal = Journal {
        punch_ins: punch_ins::list(&mut *conn).await?,
        progress: progress::list(&mut *conn).await?,
        statuses: day_status::list(&mut *conn).await?,
        travel: Default::default(),
        photos: photos::list(&mut *conn).await?,
    };
    journal.travel = profile
        .day_rules
        .skipped_dates(profile.started_on, chrono::NaiveDate::MAX)
        .into_iter()
        .collect();
    let week_start =
        settings::get::<WeekStart>(&mut *conn, keys::WEEK_START).await?.unwrap_or_default();
    let reminder =
        settings::get::<Option<ReminderTime>>(&mut *conn, keys::PUNCH_IN_REMINDER).await?.flatten();
    Ok(Records { profile, goals, journal, week_start, reminder })
}

impl Store {
    /// The profile with all goals and history.
    /// Everything the views are computed from. Served from the cache until the next write.
    pub async fn records(&self) -> Result<Arc<Records>> {
        if let Some(records) = self.cache().get() {
            return Ok(records);
        }
        let generation = self.cache().generation();
        let mut tx = self.pool().begin().await?;
        let profile = read_snapshot(&mut tx).await?.profile.ok_or(StoreError::NotOnboarded)?;
        let records = Arc::new(read_records(&mut tx, profile).await?);
        tx.commit().await?;
        self.cache().put(generation, Arc::clone(&records));
        Ok(records)
    }

    /// The records inside a write transaction. The cache is good here too: holding the write
    /// lock, nothing can commit between checking it and using it.
    async fn records_for_write(&self, tx: &mut WriteTx) -> Result<Arc<Records>> {
        if let Some(records) = self.cache().get() {
            return Ok(records);
        }
        let profile = read_snapshot(tx).await?.profile.ok_or(StoreError::NotOnboarded)?;
        Ok(Arc::new(read_records(tx, profile).await?))
    }

    /// Creates or edits a goal. A new goal goes to the end of the list.
    pub async fn save_goal(&self, input: &GoalInput, now: DateTime<Utc>) -> Result<Goal> {
        let mut tx = self.begin_write().await?;
        let records = self.records_for_write(&mut tx).await?;
        let known: HashSet<GoalId> = records.goals.iter().map(|g| g.id).collect();
        let subjects: HashSet<SubjectId> = records.profile.subjects.iter().map(|s| s.id).collect();
        let today = records.profile.day_rules.logical_date(now);
        let valid = validate_goal(input, &known, &subjects, today).map_err(StoreError::Invalid)?;
        let live = records.goals.iter().filter(|g| !g.archived).count();
        if valid.id.is_none() && live >= daka_core::goal::MAX_GOALS {
            return Err(invalid(
                "title",
                Invalid::TooManyGoals { max: daka_core::goal::MAX_GOALS },
            ));
        }
        let existing = valid.id.and_then(|id| records.goals.iter().find(|g| g.id == id));
        let goal = Goal {
            id: valid.id.unwrap_or_else(GoalId::generate),
            title: valid.title,
            unit: valid.unit,
            target: valid.target,
            measure: valid.measure,
            subject_id: valid.subject_id,
            schedule: valid.schedule,
            active_from: valid.active_from,
            active_until: valid.active_until,
            archived: existing.is_some_and(|g| g.archived),
            position: existing.map_or_else(
                || records.goals.iter().map(|g| g.position + 1).max().unwrap_or(0),
                |g| g.position,
            ),
        };
        let stamp = self.stamp(&mut tx, now).await?;
        goals::upsert(&mut tx, &goal, &stamp).await?;
        outbox::push(&mut tx, "goal", &goal.id.to_string(), Op::Upsert, &goal, &stamp).await?;
        tx.commit().await?;
        Ok(goal)
    }

    /// Archives a goal (it leaves Today, its history stays) or brings it back.
    pub async fn set_goal_archived(
        &self,
        id: &str,
        archived: bool,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let records = self.records_for_write(&mut tx).await?;
        let mut goal = find_goal(&records, id)?.clone();
        goal.archived = archived;
        let stamp = self.stamp(&mut tx, now).await?;
        goals::upsert(&mut tx, &goal, &stamp).await?;
        outbox::push(&mut tx, "goal", id, Op::Upsert, &goal, &stamp).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes a goal (a tombstone; its progress stays in exports of the history).
    pub async fn delete_goal(&self, id: &str, now: DateTime<Utc>) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let records = self.records_for_write(&mut tx).await?;
        let goal = find_goal(&records, id)?;
        let stamp = self.stamp(&mut tx, now).await?;
        goals::delete(&mut tx, goal.id, &stamp).await?;
        outbox::push(&mut tx, "goal", id, Op::Delete, &goal.id, &stamp).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Adds `delta` (±) to a count goal on `date`. The day's total never goes below zero.
    pub async fn add_goal_progress(
        &self,
        goal_id: &str,
        date: &str,
        delta: i32,
        now: DateTime<Utc>,
    ) -> Result<u32> {
        let mut tx = self.begin_write().await?;
        let records = self.records_for_write(&mut tx).await?;
        let goal = find_goal(&records, goal_id)?.clone();
        let date = parse_date(date).map_err(|e| invalid("date", e))?;
        if goal.measure != Measure::Count || !goal.is_active_on(date) {
            return Err(invalid("goal_id", Invalid::UnknownId { value: goal_id.to_owned() }));
        }
        let max = i32::try_from(daka_core::goal::MAX_GOAL_TARGET).unwrap_or(i32::MAX);
        if delta == 0 || delta.abs() > max {
            return Err(invalid(
                "delta",
                Invalid::QuantityOutOfRange { min: 1, max: daka_core::goal::MAX_GOAL_TARGET },
            ));
        }
        let moment = StudyMoment::at(&records.profile.day_rules, now);
        let kind = moment.entry_kind(date, false).map_err(|e| invalid("date", e))?;
        let current = records.journal.goal_amount(&goal, date);
        // A "−" on a day already at zero changes nothing rather than storing a debt.
        let delta = delta.max(-i32::try_from(current).unwrap_or(i32::MAX));
        if delta == 0 {
            return Ok(current);
        }
        let entry = ProgressEntry {
            id: ProgressId::generate(),
            goal_id: goal.id,
            date,
            delta,
            kind,
            entered_on: moment.today,
            punch_in_id: None,
        };
        let stamp = self.stamp(&mut tx, now).await?;
        progress::insert(&mut tx, &entry, &stamp).await?;
        outbox::push(&mut tx, "goal_progress", &entry.id.to_string(), Op::Upsert, &entry, &stamp)
            .await?;
        tx.commit().await?;
        Ok(current.saturating_add_signed(delta))
    }

    /// Saves a new or edited punch-in, and the progress of the goals ticked in it.
    pub async fn save_punch_in(&self, input: &PunchInInput, now: DateTime<Utc>) -> Result<PunchIn> {
        let mut tx = self.begin_write().await?;
        let records = self.records_for_write(&mut tx).await?;
        let rules = &records.profile.day_rules;
        let moment = StudyMoment::at(rules, now);
        let subjects: Vec<SubjectId> = records.profile.subjects.iter().map(|s| s.id).collect();
        let valid = validate_punch_in(input, &moment, &subjects, &records.goals, &records.journal)
            .map_err(StoreError::Invalid)?;
        let existing = valid.id.and_then(|id| records.journal.punch_in(id)).cloned();
        // Each photo must be one picked in this form (unattached) or already this punch-in's.
        let own_id = existing.as_ref().map(|p| p.id.to_string());
        let mut wrong = ValidationErrors::new();
        for (i, id) in valid.photos.iter().enumerate() {
            match photos::owner(&mut tx, *id).await? {
                Some(None) => {}
                Some(Some(owner)) if Some(&owner) == own_id.as_ref() => {}
                _ => {
                    wrong.push(format!("photos.{i}"), Invalid::UnknownId { value: id.to_string() });
                }
            }
        }
        if !wrong.is_empty() {
            return Err(StoreError::Invalid(wrong));
        }
        let rule = rules.rule_at(now);
        let punch_in = match existing {
            Some(old) => {
                PunchIn { minutes: valid.minutes, note: valid.note, mood: valid.mood, ..old }
            }
            None => PunchIn {
                id: PunchInId::generate(),
                date: valid.date,
                kind: valid.kind,
                entered_on: moment.today,
                tz: rule.tz.name().to_owned(),
                utc_offset_min: rule
                    .tz
                    .offset_from_utc_datetime(&now.naive_utc())
                    .fix()
                    .local_minus_utc()
                    / 60,
                day_start_min: rule.day_start.minutes(),
                created_utc: now,
                minutes: valid.minutes,
                note: valid.note,
                mood: valid.mood,
            },
        };
        let stamp = self.stamp(&mut tx, now).await?;
        punch_ins::upsert(&mut tx, &punch_in, &stamp).await?;
        outbox::push(&mut tx, "punch_in", &punch_in.id.to_string(), Op::Upsert, &punch_in, &stamp)
            .await?;
        photos::attach(&mut tx, punch_in.id, &valid.photos, &stamp).await?;

        // Goals ticked in the form: bring each to its target (entries linked to the punch-in);
        // goals unticked on edit lose the progress this punch-in gave them.
        let mut journal = records.journal.clone();
        for old in records.journal.progress.iter().filter(|e| e.punch_in_id == Some(punch_in.id)) {
            if !valid.goals_done.contains(&old.goal_id) {
                progress::delete(&mut tx, old.id, &stamp).await?;
                outbox::push(
                    &mut tx,
                    "goal_progress",
                    &old.id.to_string(),
                    Op::Delete,
                    &old.id,
                    &stamp,
                )
                .await?;
                journal.progress.retain(|e| e.id != old.id);
            }
        }
        for goal_id in &valid.goals_done {
            let Some(goal) = records.goals.iter().find(|g| g.id == *goal_id) else { continue };
            let current = journal.goal_amount(goal, punch_in.date);
            let missing = goal.target.saturating_sub(current);
            if missing == 0 {
                continue;
            }
            let entry = ProgressEntry {
                id: ProgressId::generate(),
                goal_id: goal.id,
                date: punch_in.date,
                delta: i32::try_from(missing).unwrap_or(i32::MAX),
                kind: punch_in.kind,
                entered_on: moment.today,
                punch_in_id: Some(punch_in.id),
            };
            progress::insert(&mut tx, &entry, &stamp).await?;
            outbox::push(
                &mut tx,
                "goal_progress",
                &entry.id.to_string(),
                Op::Upsert,
                &entry,
                &stamp,
            )
            .await?;
            journal.progress.push(entry);
        }

        // The records after this write, for the cache: the one most frequent write then costs no
        // re-read of the whole history. Built exactly as a read would return them (a test
        // compares with a fresh read after every kind of save).
        let mut saved = punch_in.clone();
        saved.created_utc = truncate_to_millis(saved.created_utc);
        let order: HashMap<SubjectId, usize> =
            records.profile.subjects.iter().enumerate().map(|(i, s)| (s.id, i)).collect();
        saved.minutes.sort_by_key(|m| order.get(&m.subject_id).copied());
        journal.punch_ins.retain(|p| p.id != saved.id);
        journal.punch_ins.push(saved);
        journal.punch_ins.sort_by_key(|p| (p.date, p.created_utc, p.id));
        journal.progress.sort_by_key(|e| (e.date, e.id));
        journal.photos.retain(|ph| ph.punch_in_id != punch_in.id);
        journal.photos.extend(photos::list_of(&mut tx, punch_in.id).await?);
        journal.photos.sort_by_key(|ph| (ph.punch_in_id.to_string(), ph.position));
        let after = Records {
            profile: records.profile.clone(),
            goals: records.goals.clone(),
            journal,
            week_start: records.week_start,
            reminder: records.reminder,
        };

        let generation = tx.commit().await?;
        self.cache().put(generation, Arc::new(after));
        Ok(punch_in)
    }

    /// Deletes a punch-in (a tombstone) and the goal progress it recorded.
    pub async fn delete_punch_in(&self, id: &str, now: DateTime<Utc>) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let records = self.records_for_write(&mut tx).await?;
        let punch_in = id
            .parse::<PunchInId>()
            .ok()
            .and_then(|pid| records.journal.punch_in(pid))
            .ok_or_else(|| invalid("id", Invalid::UnknownId { value: id.to_owned() }))?;
        let stamp = self.stamp(&mut tx, now).await?;
        punch_ins::delete(&mut tx, punch_in.id, &stamp).await?;
        outbox::push(&mut tx, "punch_in", id, Op::Delete, &punch_in.id, &stamp).await?;
        photos::delete_of(&mut tx, punch_in.id, &stamp).await?;
        for e in records.journal.progress.iter().filter(|e| e.punch_in_id == Some(punch_in.id)) {
            progress::delete(&mut tx, e.id, &stamp).await?;
            outbox::push(&mut tx, "goal_progress", &e.id.to_string(), Op::Delete, &e.id, &stamp)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Marks a study day as leave, rest or repaired (replacing an earlier mark of that day).
    pub async fn mark_day(
        &self,
        date: &str,
        mark: DayMark,
        now: DateTime<Utc>,
    ) -> Result<DayStatus> {
        let mut tx = self.begin_write().await?;
        let records = self.records_for_write(&mut tx).await?;
        let moment = StudyMoment::at(&records.profile.day_rules, now);
        let date = validate_day_mark(date, mark, &moment, &records.journal)
            .map_err(StoreError::Invalid)?;
        let stamp = self.stamp(&mut tx, now).await?;
        if let Some(old) = records.journal.status_on(date) {
            day_status::delete(&mut tx, old.id, &stamp).await?;
            outbox::push(&mut tx, "day_status", &old.id.to_string(), Op::Delete, &old.id, &stamp)
                .await?;
        }
        // A repair asked for a day that is still open becomes a plain leave.
        let mark =
            if mark == DayMark::Repair && moment.is_open(date) { DayMark::Leave } else { mark };
        let status =
            DayStatus { id: DayStatusId::generate(), date, mark, entered_on: moment.today };
        day_status::insert(&mut tx, &status, &stamp).await?;
        outbox::push(&mut tx, "day_status", &status.id.to_string(), Op::Upsert, &status, &stamp)
            .await?;
        tx.commit().await?;
        Ok(status)
    }

    /// Removes the mark of a study day.
    pub async fn unmark_day(&self, date: &str, now: DateTime<Utc>) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let records = self.records_for_write(&mut tx).await?;
        let date = parse_date(date).map_err(|e| invalid("date", e))?;
        let Some(old) = records.journal.status_on(date) else { return Ok(()) };
        let stamp = self.stamp(&mut tx, now).await?;
        day_status::delete(&mut tx, old.id, &stamp).await?;
        outbox::push(&mut tx, "day_status", &old.id.to_string(), Op::Delete, &old.id, &stamp)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Turns the daily punch-in reminder on at `at`, or off with `None`.
    pub async fn set_reminder(&self, at: Option<ReminderTime>, now: DateTime<Utc>) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let stamp = self.stamp(&mut tx, now).await?;
        settings::put(&mut tx, keys::PUNCH_IN_REMINDER, &at, &stamp).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The daily punch-in reminder time, or `None` when off.
    pub async fn reminder(&self) -> Result<Option<ReminderTime>> {
        let mut conn = self.pool().acquire().await?;
        Ok(settings::get::<Option<ReminderTime>>(&mut conn, keys::PUNCH_IN_REMINDER)
            .await?
            .flatten())
    }

    /// The last study day whose reminder was dealt with, if any.
    pub async fn reminder_handled(&self) -> Result<Option<NaiveDate>> {
        let mut conn = self.pool().acquire().await?;
        settings::get::<NaiveDate>(&mut conn, keys::REMINDER_HANDLED).await
    }

    /// Remembers that study day `date`'s reminder was dealt with.
    pub async fn set_reminder_handled(&self, date: NaiveDate, now: DateTime<Utc>) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let stamp = self.stamp(&mut tx, now).await?;
        settings::put(&mut tx, keys::REMINDER_HANDLED, &date, &stamp).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Whether study day `date` needs no reminder: punched in (any kind), on leave or resting.
    pub async fn day_settled(&self, date: NaiveDate) -> Result<bool> {
        let date = date.format("%Y-%m-%d").to_string();
        let settled: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM punch_ins
                            WHERE logical_date = ?1 AND deleted_utc IS NULL)
                 OR EXISTS (SELECT 1 FROM day_status
                            WHERE logical_date = ?1 AND mark IN ('leave', 'rest')
                              AND deleted_utc IS NULL)",
        )
        .bind(date)
        .fetch_one(self.pool())
        .await?;
        Ok(settled)
    }

    /// Sets the first day of the week for weekly goals and charts.
    pub async fn set_week_start(&self, week_start: WeekStart, now: DateTime<Utc>) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let stamp = self.stamp(&mut tx, now).await?;
        settings::put(&mut tx, keys::WEEK_START, &week_start, &stamp).await?;
        tx.commit().await?;
        Ok(())
    }
}

fn find_goal<'a>(records: &'a Records, id: &str) -> Result<&'a Goal> {
    id.parse::<GoalId>()
        .ok()
        .and_then(|gid| records.goals.iter().find(|g| g.id == gid))
        .ok_or_else(|| invalid("goal_id", Invalid::UnknownId { value: id.to_owned() }))
}

/// Instants are stored in milliseconds; what the cache holds must read back the same.
fn truncate_to_millis(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}
