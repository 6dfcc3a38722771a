//! Writes of the profile: onboarding, exam/target/wake time, day rules, subjects.
//!
//! Each operation reads what it needs, validates with daka-core and writes in one `BEGIN
//! IMMEDIATE` transaction, so a check can never pass against state that changed before the
//! write, and a failed check leaves nothing behind.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use daka_core::day::{DayStart, parse_time_zone};
use daka_core::day_rules::DayRule;
use daka_core::ids::{DayRuleId, ExamId, SubjectId};
use daka_core::onboarding::{OnboardingInput, validate_onboarding};
use daka_core::profile::{Exam, Profile, ProfileInput, validate_profile};
use daka_core::subject::{Subject, SubjectDraft, validate_subjects};
use daka_core::today::current_exam;
use daka_core::validation::ValidationErrors;
use sqlx::{Sqlite, Transaction};

use daka_core::day::ClockTime;
use daka_core::timetable::starter;

use crate::error::{Result, StoreError};
use crate::repo::settings::keys;
use crate::repo::{day_rules, exams, settings, subjects};
use crate::store::{Store, read_snapshot};

impl Store {
    /// Saves the first-start answers. Refused if onboarding was already completed, so a second
    /// window or a replayed request can never overwrite the profile.
    pub async fn complete_onboarding(
        &self,
        input: &OnboardingInput,
        now: DateTime<Utc>,
    ) -> Result<Profile> {
        let valid = validate_onboarding(input, now).map_err(StoreError::Invalid)?;
        let mut tx = self.begin_write().await?;
        if settings::get::<String>(&mut tx, keys::STARTED_ON).await?.is_some() {
            return Err(StoreError::AlreadyOnboarded);
        }
        let stamp = self.stamp(&mut tx, now).await?;
        let rule = DayRule {
            id: DayRuleId::generate(),
            effective_from: now,
            tz: valid.tz,
            day_start: valid.day_start,
        };
        let started_on = rule.logical_date(now);
        day_rules::insert(&mut tx, &rule, &stamp).await?;
        let exam = Exam {
            id: ExamId::generate(),
            name: valid.profile.exam_name.clone(),
            date: valid.profile.exam_date,
        };
        exams::insert(&mut tx, &exam, &stamp).await?;
        let mut subject_ids = Vec::with_capacity(valid.subjects.len());
        for (position, s) in valid.subjects.iter().enumerate() {
            let subject = Subject {
                id: SubjectId::generate(),
                name: s.name.clone(),
                color: s.color.clone(),
                position: u32::try_from(position).unwrap_or(u32::MAX),
            };
            subjects::insert(&mut tx, &subject, &stamp).await?;
            subject_ids.push(subject.id);
        }
        // The starter timetable, built from the wake time, target and subjects just given, so
        // Today and the reminders have a plan from the first day (editable under Plan).
        let wake = ClockTime::from_minutes(valid.profile.wake_time.minutes())
            .map_err(|e| StoreError::Invalid(ValidationErrors::single("wake_time", e)))?;
        let starter = starter(wake, valid.profile.daily_target.minutes(), &subject_ids, valid.lang);
        crate::repo::timetable::upsert_template(&mut tx, &starter, 0, &stamp).await?;
        settings::put(&mut tx, keys::LANGUAGE, &valid.lang, &stamp).await?;
        settings::put(&mut tx, keys::DAILY_TARGET_MIN, &valid.profile.daily_target, &stamp).await?;
        settings::put(&mut tx, keys::WAKE_TIME_MIN, &valid.profile.wake_time, &stamp).await?;
        settings::put(&mut tx, keys::STARTED_ON, &started_on, &stamp).await?;
        let snapshot = require_profile(&mut tx).await?;
        // Without an account these are not queued: connecting one queues every subject anyway
        // (and a fresh profile's outbox stays empty).
        if crate::repo::sync::next_wire_seq(&mut tx).await?.is_some() {
            crate::sync::queue_subject_changes(&mut tx, &[], &snapshot.subjects, &stamp).await?;
        }
        tx.commit().await?;
        Ok(snapshot)
    }

    /// Saves the exam, daily target and wake time from Settings.
    ///
    /// The exam row is edited in place, except when the exam it describes is already over and a
    /// new date is entered: then the next exam is added and the past one stays in history.
    pub async fn save_profile(&self, input: &ProfileInput, now: DateTime<Utc>) -> Result<Profile> {
        let mut tx = self.begin_write().await?;
        let current = require_profile(&mut tx).await?;
        let today = current.day_rules.logical_date(now);
        let exam = current_exam(&current.exams, today).cloned();
        let valid = validate_profile(input, today, exam.as_ref().map(|e| e.date))
            .map_err(StoreError::Invalid)?;
        let stamp = self.stamp(&mut tx, now).await?;
        match exam {
            Some(old) if old.date < today && old.date != valid.exam_date => {
                let next =
                    Exam { id: ExamId::generate(), name: valid.exam_name, date: valid.exam_date };
                exams::insert(&mut tx, &next, &stamp).await?;
            }
            Some(old) => {
                let edited = Exam { id: old.id, name: valid.exam_name, date: valid.exam_date };
                exams::update(&mut tx, &edited, &stamp).await?;
            }
            None => {
                let exam =
                    Exam { id: ExamId::generate(), name: valid.exam_name, date: valid.exam_date };
                exams::insert(&mut tx, &exam, &stamp).await?;
            }
        }
        settings::put(&mut tx, keys::DAILY_TARGET_MIN, &valid.daily_target, &stamp).await?;
        settings::put(&mut tx, keys::WAKE_TIME_MIN, &valid.wake_time, &stamp).await?;
        let snapshot = require_profile(&mut tx).await?;
        tx.commit().await?;
        Ok(snapshot)
    }

    /// Replaces the subject list with the edited one: listed ids are updated (and reordered),
    /// drafts without an id are added, subjects left out are tombstoned.
    pub async fn save_subjects(
        &self,
        drafts: &[SubjectDraft],
        now: DateTime<Utc>,
    ) -> Result<Profile> {
        let mut tx = self.begin_write().await?;
        let existing = require_profile(&mut tx).await?.subjects;
        let known: HashSet<SubjectId> = existing.iter().map(|s| s.id).collect();
        let valid = validate_subjects(drafts, &known).map_err(StoreError::Invalid)?;
        let stamp = self.stamp(&mut tx, now).await?;
        let kept: HashSet<SubjectId> = valid.iter().filter_map(|s| s.id).collect();
        for gone in existing.iter().filter(|s| !kept.contains(&s.id)) {
            subjects::delete(&mut tx, gone.id, &stamp).await?;
        }
        let renamed: Vec<SubjectId> = kept.iter().copied().collect();
        subjects::park_names(&mut tx, &renamed).await?;
        for (position, s) in valid.into_iter().enumerate() {
            let subject = Subject {
                id: s.id.unwrap_or_else(SubjectId::generate),
                name: s.name,
                color: s.color,
                position: u32::try_from(position).unwrap_or(u32::MAX),
            };
            if s.id.is_some() {
                subjects::update(&mut tx, &subject, &stamp).await?;
            } else {
                subjects::insert(&mut tx, &subject, &stamp).await?;
            }
        }
        let snapshot = require_profile(&mut tx).await?;
        crate::sync::queue_subject_changes(&mut tx, &existing, &snapshot.subjects, &stamp).await?;
        tx.commit().await?;
        Ok(snapshot)
    }

    /// Asks for a new home time zone and/or day start. It takes effect at the end of the current
    /// study day (DESIGN.md §4: never re-bucket, never cut today short). Asking for what is
    /// already in force cancels a pending change; a new request replaces a pending one.
    pub async fn change_day_rule(
        &self,
        time_zone: &str,
        day_start: &str,
        now: DateTime<Utc>,
    ) -> Result<Profile> {
        let mut errors = ValidationErrors::new();
        let tz = errors.check("time_zone", parse_time_zone(time_zone));
        let ds = errors.check("day_start", DayStart::parse(day_start));
        let (Some(tz), Some(day_start)) = (tz, ds) else {
            return Err(StoreError::Invalid(errors));
        };
        let mut tx = self.begin_write().await?;
        let current = require_profile(&mut tx).await?.day_rules;
        let stamp = self.stamp(&mut tx, now).await?;
        day_rules::delete_pending(&mut tx, &stamp).await?;
        let in_force = current.rule_at(now);
        if in_force.tz != tz || in_force.day_start != day_start {
            let rule = DayRule {
                id: DayRuleId::generate(),
                effective_from: current.change_takes_effect(now),
                tz,
                day_start,
            };
            day_rules::insert(&mut tx, &rule, &stamp).await?;
        }
        let snapshot = require_profile(&mut tx).await?;
        tx.commit().await?;
        Ok(snapshot)
    }

    /// Drops a day-rule change that has not taken effect yet.
    pub async fn cancel_day_rule_change(&self, now: DateTime<Utc>) -> Result<Profile> {
        let mut tx = self.begin_write().await?;
        require_profile(&mut tx).await?;
        let stamp = self.stamp(&mut tx, now).await?;
        day_rules::delete_pending(&mut tx, &stamp).await?;
        let snapshot = require_profile(&mut tx).await?;
        tx.commit().await?;
        Ok(snapshot)
    }
}

async fn require_profile(tx: &mut Transaction<'static, Sqlite>) -> Result<Profile> {
    read_snapshot(tx).await?.profile.ok_or(StoreError::NotOnboarded)
}
