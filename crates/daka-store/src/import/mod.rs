//! Import: an export archive restored into an empty profile, or merged into this one by id.
//!
//! All or nothing: every record is checked first (values with the same rules as any write,
//! references, duplicate ids, dates beyond tomorrow), then everything is written in one
//! `BEGIN IMMEDIATE` transaction; any failure rolls it all back. Before writing, the database is
//! copied into `backups/` so an unwanted import can be undone.
//!
//! Merging is last-writer-wins per row on `(version, device_id)`, the rule sync will use. A
//! subject that exists here under the same name with another id is matched by name, so a
//! backup from another installation does not produce two "政治" (timetable blocks follow that
//! match too). A weekday that a template here and one from the archive both claim goes to the
//! newer template (see [`timetable::settle_weekdays`]). A focus session whose subject is
//! nowhere keeps its minutes without a subject, as when it was recorded; the running focus timer
//! (`focus_state`) is this computer's and never imported.

mod check;
mod focus;
mod timetable;
mod write;

use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use daka_archive::{Limits, Record, read_archive};
use serde::{Deserialize, Serialize};

use crate::backup::{BackupKind, snapshot};
use crate::error::{Result, StoreError};
use crate::repo::settings::keys;
use crate::store::Store;

/// How an archive meets the data already here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ImportMode {
    /// Everything from the archive, into a profile that has no data yet.
    Restore,
    /// Rows merged by id; for the same row the newer version wins.
    Merge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ImportPhase {
    Reading,
    Checking,
    Writing,
    Done,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportProgress {
    pub phase: ImportPhase,
    pub done: u32,
    pub total: u32,
}

/// What an import changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportReport {
    pub records: u32,
    pub added: u32,
    pub updated: u32,
    /// Rows where the version here was newer and stayed.
    pub kept: u32,
}

/// Settings an archive may carry; others (from a newer Daka) are skipped.
const KNOWN_SETTINGS: [&str; 7] = [
    keys::LANGUAGE,
    keys::DAILY_TARGET_MIN,
    keys::WAKE_TIME_MIN,
    keys::STARTED_ON,
    keys::WEEK_START,
    keys::PUNCH_IN_REMINDER,
    keys::BLOCK_REMINDERS,
];

impl Store {
    /// Imports an export archive. `progress` is told about each phase and every few hundred
    /// records while writing.
    pub async fn import_from(
        &self,
        path: &Path,
        mode: ImportMode,
        now: DateTime<Utc>,
        progress: &(dyn Fn(ImportProgress) + Send + Sync),
    ) -> Result<ImportReport> {
        progress(ImportProgress { phase: ImportPhase::Reading, done: 0, total: 0 });
        let path = path.to_owned();
        let source = path.clone();
        let records = tokio::task::spawn_blocking(move || read_archive(&source, Limits::default()))
            .await
            .map_err(|e| StoreError::corrupt(format!("import task failed: {e}")))??;
        let total = u32::try_from(records.len()).unwrap_or(u32::MAX);
        progress(ImportProgress { phase: ImportPhase::Checking, done: 0, total });

        let mut tx = self.begin_write().await?;
        let onboarded =
            crate::repo::settings::get::<String>(&mut tx, keys::STARTED_ON).await?.is_some();
        if mode == ImportMode::Restore && onboarded {
            return Err(StoreError::RestoreNeedsEmptyProfile);
        }
        if mode == ImportMode::Restore || !onboarded {
            let complete = records
                .iter()
                .any(|r| matches!(r, Record::Setting { key, .. } if key == keys::STARTED_ON))
                && records.iter().any(
                    |r| matches!(r, Record::DayRule { meta, .. } if meta.deleted_utc.is_none()),
                );
            if !complete {
                return Err(StoreError::ImportRecord {
                    record: 1,
                    kind: "header".into(),
                    detail: "not a complete profile (no first study day or day rule)".into(),
                });
            }
        }
        let local = check::local_ids(&mut tx).await?;
        // A study day can be at most tomorrow's (before the day start the calendar is ahead).
        let latest = now.date_naive() + Duration::days(2);
        check::check(&records, &local, latest)?;
        drop(tx);
        self.bring_in_photos(&path, &records).await?;

        // A copy to go back to, made before anything changes.
        snapshot(self, BackupKind::PreImport, now).await?;
        let mut tx = self.begin_write().await?;
        let mut touched = crate::sync::Touched::default();
        let report = write::write_all(&mut tx, &records, total, progress, &mut touched).await?;
        // Imported punch-ins, subjects and day marks reach the group server like any write.
        crate::sync::queue_touched(&mut tx, &touched, crate::repo::to_millis(now)).await?;
        // Two templates may now claim one weekday (one from here, one from the archive).
        timetable::settle_weekdays(self, &mut tx, now).await?;
        let violations: Vec<(String,)> =
            sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
                .fetch_all(&mut **tx)
                .await?;
        if let Some((table,)) = violations.first() {
            return Err(StoreError::ImportRecord {
                record: 0,
                kind: table.clone(),
                detail: "a reference points nowhere".into(),
            });
        }
        tx.commit().await?;
        progress(ImportProgress { phase: ImportPhase::Done, done: total, total });
        Ok(report)
    }
}

/// Photo thumbnails are named after the photo.
fn thumb_name_of(id: &str) -> String {
    format!("{id}.jpg")
}

impl Store {
    /// Copies the files of the archive's live photos that are not here yet into the photos
    /// folder and makes their thumbnails. Runs before the import transaction: should it fail
    /// later, nothing refers to the files and the next start sweeps them.
    async fn bring_in_photos(&self, archive: &Path, records: &[Record]) -> Result<()> {
        let data_dir = self.data_dir().to_owned();
        // (file, thumbnail, 1-based record number for messages)
        let wanted: Vec<(String, String, usize)> = records
            .iter()
            .enumerate()
            .filter_map(|(i, r)| match r {
                Record::PunchInPhoto { id, file_name, meta, .. } if meta.deleted_utc.is_none() => {
                    Some((file_name.clone(), thumb_name_of(id), i + 1))
                }
                _ => None,
            })
            .filter(|(file, _, _)| {
                !daka_photos::photo_path(&data_dir, file).is_ok_and(|p| p.is_file())
            })
            .collect();
        if wanted.is_empty() {
            return Ok(());
        }
        let archive = archive.to_owned();
        tokio::task::spawn_blocking(move || -> Result<()> {
            let limits = daka_photos::Limits::default();
            let names: Vec<String> = wanted.iter().map(|(f, _, _)| f.clone()).collect();
            daka_archive::extract_photos(
                &archive,
                &names,
                &daka_photos::photos_dir(&data_dir),
                limits.max_bytes,
            )?;
            for (file, thumb, record) in &wanted {
                daka_photos::make_thumbnail(&data_dir, file, thumb, limits).map_err(|e| {
                    StoreError::ImportRecord {
                        record: *record,
                        kind: "punch_in_photo".into(),
                        detail: e.to_string(),
                    }
                })?;
            }
            Ok(())
        })
        .await
        .map_err(|e| StoreError::corrupt(format!("photo import failed: {e}")))?
    }
}
