//! Settings: everything onboarding asked, editable.

use daka_core::profile::ProfileInput;
use daka_core::reminder::ReminderTime;
use daka_core::settings_view::SettingsView;
use daka_core::subject::SubjectDraft;
use daka_core::validation::ValidationErrors;
use tauri::State;

use crate::error::AppError;
use crate::ipc::Arg;
use crate::state::AppState;

/// The settings as they stand now (after a save, the saved values).
async fn current(state: &AppState) -> Result<SettingsView, AppError> {
    let records =
        state.store()?.records().await.map_err(|e| AppError::from_store(e, state.lang()))?;
    Ok(records.profile.settings_view(
        state.lang(),
        state.now(),
        records.week_start,
        records.reminder,
    ))
}

#[tauri::command]
#[specta::specta]
pub async fn settings(state: State<'_, AppState>) -> Result<SettingsView, AppError> {
    current(&state).await
}

#[tauri::command]
#[specta::specta]
pub async fn save_profile(
    state: State<'_, AppState>,
    input: Arg<ProfileInput>,
) -> Result<SettingsView, AppError> {
    let input = input.decode("input", state.lang())?;
    state
        .store()?
        .save_profile(&input, state.now())
        .await
        .map_err(|e| AppError::from_store(e, state.lang()))?;
    current(&state).await
}

#[tauri::command]
#[specta::specta]
pub async fn save_subjects(
    state: State<'_, AppState>,
    subjects: Arg<Vec<SubjectDraft>>,
) -> Result<SettingsView, AppError> {
    let subjects = subjects.decode("subjects", state.lang())?;
    state
        .store()?
        .save_subjects(&subjects, state.now())
        .await
        .map_err(|e| AppError::from_store(e, state.lang()))?;
    state.groups.sync_soon();
    current(&state).await
}

/// Requests a new home time zone / day start, effective at the next study-day boundary.
#[tauri::command]
#[specta::specta]
pub async fn change_day_rule(
    state: State<'_, AppState>,
    time_zone: Arg<String>,
    day_start: Arg<String>,
) -> Result<SettingsView, AppError> {
    let time_zone = time_zone.decode("time_zone", state.lang())?;
    let day_start = day_start.decode("day_start", state.lang())?;
    state
        .store()?
        .change_day_rule(&time_zone, &day_start, state.now())
        .await
        .map_err(|e| AppError::from_store(e, state.lang()))?;
    current(&state).await
}

#[tauri::command]
#[specta::specta]
pub async fn cancel_day_rule_change(state: State<'_, AppState>) -> Result<SettingsView, AppError> {
    state
        .store()?
        .cancel_day_rule_change(state.now())
        .await
        .map_err(|e| AppError::from_store(e, state.lang()))?;
    current(&state).await
}

/// The reminder setting as the UI sends it. A struct, not a bare `Option`, because a `null`
/// argument is indistinguishable from a missing one at the IPC boundary.
#[derive(Debug, Clone, serde::Deserialize, specta::Type)]
pub struct ReminderInput {
    /// `HH:MM` in the home zone, or `null` (or empty) to turn the reminder off.
    pub at: Option<String>,
}

/// Turns the daily punch-in reminder on or off.
#[tauri::command]
#[specta::specta]
pub async fn set_reminder(
    state: State<'_, AppState>,
    input: Arg<ReminderInput>,
) -> Result<SettingsView, AppError> {
    let lang = state.lang();
    let at = input.decode("input", lang)?.at;
    let at = match at.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(raw) => Some(
            ReminderTime::parse(raw)
                .map_err(|e| AppError::validation(&ValidationErrors::single("at", e), lang))?,
        ),
        None => None,
    };
    state
        .store()?
        .set_reminder(at, state.now())
        .await
        .map_err(|e| AppError::from_store(e, lang))?;
    state.reminder_changed.notify_one();
    current(&state).await
}
