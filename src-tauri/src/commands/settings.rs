//! Settings: everything onboarding asked, editable.

use daka_core::profile::ProfileInput;
use daka_core::settings_view::SettingsView;
use daka_core::subject::SubjectDraft;
use tauri::State;

use crate::error::AppError;
use crate::ipc::Arg;
use crate::state::AppState;

/// The settings as they stand now (after a save, the saved values).
async fn current(state: &AppState) -> Result<SettingsView, AppError> {
    let records =
        state.store()?.records().await.map_err(|e| AppError::from_store(e, state.lang()))?;
    Ok(records.profile.settings_view(state.lang(), state.now(), records.week_start))
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
