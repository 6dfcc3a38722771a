//! `settings`: one JSON value per key.

use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::SqliteConnection;

use super::Stamp;
use crate::error::{Result, StoreError};

/// The keys in use. Adding a key needs no migration; renaming one does.
pub(crate) mod keys {
    pub(crate) const LANGUAGE: &str = "language";
    pub(crate) const DAILY_TARGET_MIN: &str = "daily_target_min";
    pub(crate) const WAKE_TIME_MIN: &str = "wake_time_min";
    /// The first study day (onboarding), `YYYY-MM-DD`. Its presence means onboarding is done.
    pub(crate) const STARTED_ON: &str = "started_on";
    /// First day of the week for weekly goals and charts (`monday`, `sunday`, `saturday`).
    pub(crate) const WEEK_START: &str = "week_start";
    /// The daily punch-in reminder, local minutes after midnight, or `null` when off.
    pub(crate) const PUNCH_IN_REMINDER: &str = "punch_in_reminder";
    /// The last study day whose reminder was dealt with (this computer only; not imported).
    pub(crate) const REMINDER_HANDLED: &str = "punch_in_reminder_handled";
    /// Timetable block reminders: on/off, at the start, the default advance, quiet hours.
    pub(crate) const BLOCK_REMINDERS: &str = "block_reminders";
    /// Which block reminders have fired (the last few study days; this computer only, not
    /// imported), so a restart never rings one twice.
    pub(crate) const BLOCK_REMINDERS_FIRED: &str = "block_reminders_fired";
    /// Keep running in the tray when the window is closed (this computer only).
    pub(crate) const CLOSE_TO_TRAY: &str = "close_to_tray";
    /// The last choices on the Share screen (template, size, theme, privacy; this computer only).
    pub(crate) const SHARE_PREFS: &str = "share_prefs";
    /// Focus mode: blocklists and the last timer choices.
    pub(crate) const FOCUS_SETTINGS: &str = "focus_settings";
}

pub(crate) async fn get<T: DeserializeOwned>(
    conn: &mut SqliteConnection,
    key: &str,
) -> Result<Option<T>> {
    let raw: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = ?1")
        .bind(key)
        .fetch_optional(conn)
        .await?;
    raw.map(|raw| {
        serde_json::from_str(&raw)
            .map_err(|e| StoreError::corrupt(format!("setting {key} = {raw:?}: {e}")))
    })
    .transpose()
}

pub(crate) async fn put<T: Serialize>(
    conn: &mut SqliteConnection,
    key: &str,
    value: &T,
    stamp: &Stamp,
) -> Result<()> {
    let json = serde_json::to_string(value)
        .map_err(|e| StoreError::corrupt(format!("setting {key} does not serialize: {e}")))?;
    sqlx::query(
        "INSERT INTO settings (key, value, updated_utc, version, device_id)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (key) DO UPDATE SET
            value = excluded.value, updated_utc = excluded.updated_utc,
            version = excluded.version, device_id = excluded.device_id",
    )
    .bind(key)
    .bind(json)
    .bind(stamp.now_millis)
    .bind(stamp.version)
    .bind(stamp.device_id.to_string())
    .execute(conn)
    .await?;
    Ok(())
}
