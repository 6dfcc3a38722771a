//! Focus sessions and the running focus timer.
//!
//! Invariant: a finished session is recorded exactly once. The app keeps the running timer in
//! `focus_state` until [`Store::record_focus_session`] has inserted the session *and* cleared that
//! state in one transaction; if Daka dies before, the restarted app finds the state, sees the
//! session ended and records it then (the id makes a repeated insert a no-op). Focus tables are
//! not part of the cached records, so these writes keep the records cache.

use chrono::{DateTime, NaiveDate, Utc};
use daka_core::ids::SubjectId;
use daka_focus::timer::{ModeKind, Outcome};
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::repo::focus as repo;
use crate::repo::settings::keys;
use crate::repo::to_millis;
use crate::store::Store;

/// One finished focus session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FocusSession {
    pub id: String,
    /// `None` for a session without a subject (or whose subject no longer exists).
    pub subject_id: Option<SubjectId>,
    pub mode: ModeKind,
    /// Planned work minutes (0 for a stopwatch).
    pub planned_min: u32,
    /// Work seconds (breaks excluded).
    pub actual_sec: u32,
    /// `actual_sec / 60`, rounded down: credit is never rounded up.
    pub actual_min: u32,
    pub outcome: Outcome,
    pub strict: bool,
    pub started_at: DateTime<Utc>,
    pub ended_at: DateTime<Utc>,
    /// The study day the session started in.
    pub logical_date: NaiveDate,
    /// Apps the blocker ended during the session, most often first.
    pub blocked: Vec<BlockedApp>,
}

/// How often the app blocker ended one app during a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BlockedApp {
    pub app: String,
    pub count: u32,
}

impl Store {
    /// Records a finished session and forgets the running timer, in one transaction. A subject
    /// that does not exist (never did) is dropped rather than failing the record: the minutes
    /// were studied either way. Returns `false` when the id was already recorded.
    pub async fn record_focus_session(
        &self,
        session: &FocusSession,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let mut session = session.clone();
        if let Some(id) = session.subject_id {
            let known: Option<i64> = sqlx::query_scalar("SELECT 1 FROM subjects WHERE id = ?1")
                .bind(id.to_string())
                .fetch_optional(&mut **tx)
                .await?;
            if known.is_none() {
                session.subject_id = None;
            }
        }
        let stamp = self.stamp(&mut tx, now).await?;
        let inserted = repo::insert(&mut tx, &session, &stamp).await?;
        repo::clear_state(&mut tx).await?;
        tx.commit_outside_records().await?;
        Ok(inserted)
    }

    /// Live sessions whose study day is in `from..=to`, oldest first.
    pub async fn focus_sessions(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<FocusSession>> {
        let mut conn = self.pool().acquire().await?;
        repo::between(&mut conn, from, to).await
    }

    /// The running timer as the app saved it (`None` when no session runs).
    pub async fn focus_state(&self) -> Result<Option<String>> {
        let mut conn = self.pool().acquire().await?;
        repo::state(&mut conn).await
    }

    /// Saves the running timer (one row, replaced). `json` must be a JSON document.
    pub async fn save_focus_state(&self, json: &str, now: DateTime<Utc>) -> Result<()> {
        let mut conn = self.pool().acquire().await?;
        repo::put_state(&mut conn, json, to_millis(now)).await
    }

    /// Forgets the running timer without recording a session (a state that could not be read).
    pub async fn clear_focus_state(&self) -> Result<()> {
        let mut conn = self.pool().acquire().await?;
        repo::clear_state(&mut conn).await
    }

    /// Focus settings in the app's own shape (`None` until saved, or when a newer Daka stored
    /// a shape this one cannot read).
    pub async fn focus_settings<T: serde::de::DeserializeOwned>(&self) -> Result<Option<T>> {
        self.app_setting(keys::FOCUS_SETTINGS).await
    }

    pub async fn set_focus_settings<T: serde::Serialize>(
        &self,
        value: &T,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.set_app_setting(keys::FOCUS_SETTINGS, value, now).await
    }
}
