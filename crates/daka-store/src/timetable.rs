//! The timetable: reads, and writes that validate the whole result before saving any of it.
//!
//! Every write loads the timetable inside its `BEGIN IMMEDIATE` transaction, applies the change
//! in memory, validates the result with daka-core (overlaps, weekdays claimed twice, subjects
//! that exist) and only then writes — so a refused edit leaves nothing behind. The timetable is
//! not part of the cached records, so these writes keep the records cache.

use chrono::{DateTime, NaiveDate, Utc};
use daka_core::ids::{SubjectId, TemplateId};
use daka_core::timetable::{
    BlockReminderSettings, DayOverride, FiredKey, MAX_TEMPLATES, Template, Timetable,
    validate_blocks, validate_subjects, validate_templates,
};
use daka_core::validation::{Invalid, ValidationErrors};

use crate::error::{Result, StoreError};
use crate::repo::settings::{self, keys};
use crate::repo::timetable as repo;
use crate::store::Store;

fn invalid(field: &str, e: Invalid) -> StoreError {
    StoreError::Invalid(ValidationErrors::single(field, e))
}

impl Store {
    /// Every template and override.
    pub async fn timetable(&self) -> Result<Timetable> {
        let mut conn = self.pool().acquire().await?;
        repo::load(&mut conn).await
    }

    /// Creates or replaces (by id) a template. Refused whole when any block is invalid, two
    /// blocks overlap, a weekday is already another template's, or a subject is unknown.
    pub async fn save_template(
        &self,
        template: &Template,
        now: DateTime<Utc>,
    ) -> Result<Timetable> {
        let mut tx = self.begin_write().await?;
        let mut timetable = repo::load(&mut tx).await?;
        let position = match timetable.templates.iter().position(|t| t.id == template.id) {
            Some(i) => {
                timetable.templates[i] = template.clone();
                i
            }
            None => {
                if timetable.templates.len() >= MAX_TEMPLATES {
                    return Err(invalid(
                        "templates",
                        Invalid::QuantityOutOfRange { min: 1, max: MAX_TEMPLATES as u32 },
                    ));
                }
                timetable.templates.push(template.clone());
                timetable.templates.len() - 1
            }
        };
        check(&mut tx, &timetable).await?;
        let stamp = self.stamp(&mut tx, now).await?;
        repo::upsert_template(&mut tx, template, position as i64, &stamp).await?;
        tx.commit_outside_records().await?;
        Ok(timetable)
    }

    /// Applies a preset or the onboarding starter: the template takes its weekdays from the
    /// templates that had them, and a template left without days is removed.
    pub async fn apply_template(
        &self,
        template: &Template,
        now: DateTime<Utc>,
    ) -> Result<Timetable> {
        let mut tx = self.begin_write().await?;
        let mut timetable = repo::load(&mut tx).await?;
        let stamp = self.stamp(&mut tx, now).await?;
        let mut kept = Vec::new();
        for mut other in std::mem::take(&mut timetable.templates) {
            if other.id == template.id {
                continue;
            }
            let left: Vec<u8> = other
                .weekdays
                .iso_days()
                .into_iter()
                .filter(|d| !template.weekdays.iso_days().contains(d))
                .collect();
            match daka_core::schedule::WeekdaySet::from_iso(&left) {
                Ok(days) => {
                    other.weekdays = days;
                    kept.push(other);
                }
                Err(_) => {
                    repo::delete_template(&mut tx, other.id, &stamp).await?;
                }
            }
        }
        kept.push(template.clone());
        timetable.templates = kept;
        check(&mut tx, &timetable).await?;
        for (position, t) in timetable.templates.iter().enumerate() {
            repo::upsert_template(&mut tx, t, position as i64, &stamp).await?;
        }
        tx.commit_outside_records().await?;
        Ok(timetable)
    }

    pub async fn delete_template(&self, id: &str, now: DateTime<Utc>) -> Result<Timetable> {
        let unknown = || invalid("template_id", Invalid::UnknownId { value: id.to_owned() });
        let id = id.parse::<TemplateId>().map_err(|_| unknown())?;
        let mut tx = self.begin_write().await?;
        let stamp = self.stamp(&mut tx, now).await?;
        if !repo::delete_template(&mut tx, id, &stamp).await? {
            return Err(unknown());
        }
        let timetable = repo::load(&mut tx).await?;
        tx.commit_outside_records().await?;
        Ok(timetable)
    }

    /// Sets a study day's override (moves, skips, additions). The day's resulting blocks must
    /// not overlap. An override that changes nothing is the same as resetting the day.
    pub async fn set_day_override(
        &self,
        day: &DayOverride,
        day_start_min: u16,
        now: DateTime<Utc>,
    ) -> Result<Timetable> {
        let mut tx = self.begin_write().await?;
        let mut timetable = repo::load(&mut tx).await?;
        timetable.overrides.retain(|o| o.date != day.date);
        timetable.overrides.push(day.clone());
        let blocks = timetable.blocks_on(day.date, day_start_min);
        validate_blocks(&blocks).map_err(StoreError::Invalid)?;
        let known = known_subjects(&mut tx).await?;
        validate_subjects(&day.changed, &known, "changed").map_err(StoreError::Invalid)?;
        validate_subjects(&day.added, &known, "added").map_err(StoreError::Invalid)?;
        let stamp = self.stamp(&mut tx, now).await?;
        if day.skipped.is_empty() && day.changed.is_empty() && day.added.is_empty() {
            repo::delete_override(&mut tx, day.date, &stamp).await?;
            timetable.overrides.retain(|o| o.date != day.date);
        } else {
            repo::upsert_override(&mut tx, day, &stamp).await?;
        }
        tx.commit_outside_records().await?;
        Ok(timetable)
    }

    /// "Reset this day to the template."
    pub async fn reset_day(&self, date: NaiveDate, now: DateTime<Utc>) -> Result<Timetable> {
        let mut tx = self.begin_write().await?;
        let stamp = self.stamp(&mut tx, now).await?;
        repo::delete_override(&mut tx, date, &stamp).await?;
        let timetable = repo::load(&mut tx).await?;
        tx.commit_outside_records().await?;
        Ok(timetable)
    }
}

impl Store {
    /// Block reminder settings (defaults until the user changes them).
    pub async fn block_reminder_settings(&self) -> Result<BlockReminderSettings> {
        let mut conn = self.pool().acquire().await?;
        Ok(settings::get(&mut conn, keys::BLOCK_REMINDERS).await?.unwrap_or_default())
    }

    pub async fn set_block_reminder_settings(
        &self,
        value: &BlockReminderSettings,
        now: DateTime<Utc>,
    ) -> Result<()> {
        value.validate().map_err(StoreError::Invalid)?;
        let mut tx = self.begin_write().await?;
        let stamp = self.stamp(&mut tx, now).await?;
        settings::put(&mut tx, keys::BLOCK_REMINDERS, value, &stamp).await?;
        tx.commit_outside_records().await
    }

    /// The block reminders already fired (kept for a few study days).
    pub async fn block_reminders_fired(&self) -> Result<Vec<FiredKey>> {
        let mut conn = self.pool().acquire().await?;
        Ok(settings::get(&mut conn, keys::BLOCK_REMINDERS_FIRED).await?.unwrap_or_default())
    }

    pub async fn set_block_reminders_fired(
        &self,
        fired: &[FiredKey],
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let stamp = self.stamp(&mut tx, now).await?;
        settings::put(&mut tx, keys::BLOCK_REMINDERS_FIRED, &fired, &stamp).await?;
        tx.commit_outside_records().await
    }

    /// Whether closing the window keeps Daka running in the tray (default: yes, so reminders
    /// keep coming).
    pub async fn close_to_tray(&self) -> Result<bool> {
        let mut conn = self.pool().acquire().await?;
        Ok(settings::get(&mut conn, keys::CLOSE_TO_TRAY).await?.unwrap_or(true))
    }

    /// The last Share-screen choices, in the app's own shape (`None` until first used, or when
    /// a newer Daka stored a shape this one cannot read).
    pub async fn share_prefs<T: serde::de::DeserializeOwned>(&self) -> Result<Option<T>> {
        self.app_setting(keys::SHARE_PREFS).await
    }

    pub async fn set_share_prefs<T: serde::Serialize>(
        &self,
        value: &T,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.set_app_setting(keys::SHARE_PREFS, value, now).await
    }

    /// A setting whose shape the app owns: `None` when absent or unreadable (a newer Daka's
    /// shape), so an old build falls back to its defaults instead of failing.
    pub(crate) async fn app_setting<T: serde::de::DeserializeOwned>(
        &self,
        key: &str,
    ) -> Result<Option<T>> {
        let mut conn = self.pool().acquire().await?;
        Ok(settings::get::<serde_json::Value>(&mut conn, key)
            .await?
            .and_then(|v| serde_json::from_value(v).ok()))
    }

    pub(crate) async fn set_app_setting<T: serde::Serialize>(
        &self,
        key: &str,
        value: &T,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let stamp = self.stamp(&mut tx, now).await?;
        settings::put(&mut tx, key, value, &stamp).await?;
        tx.commit_outside_records().await
    }

    pub async fn set_close_to_tray(&self, value: bool, now: DateTime<Utc>) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let stamp = self.stamp(&mut tx, now).await?;
        settings::put(&mut tx, keys::CLOSE_TO_TRAY, &value, &stamp).await?;
        tx.commit_outside_records().await
    }
}

async fn known_subjects(conn: &mut sqlx::SqliteConnection) -> Result<Vec<SubjectId>> {
    Ok(crate::repo::subjects::list(conn).await?.into_iter().map(|s| s.id).collect())
}

/// The whole timetable's templates are valid and name subjects that exist.
async fn check(tx: &mut sqlx::SqliteConnection, timetable: &Timetable) -> Result<()> {
    validate_templates(&timetable.templates).map_err(StoreError::Invalid)?;
    let known = known_subjects(tx).await?;
    for (i, t) in timetable.templates.iter().enumerate() {
        validate_subjects(&t.blocks, &known, &format!("templates.{i}.blocks"))
            .map_err(StoreError::Invalid)?;
    }
    Ok(())
}
