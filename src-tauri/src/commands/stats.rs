//! Statistics and the explanation of a day.

use daka_core::schedule::WeekStart;
use daka_core::stats::{DayDetail, StatsView};
use daka_core::validation::{ValidationErrors, parse_date};
use tauri::State;

use crate::error::AppError;
use crate::ipc::Arg;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn stats(state: State<'_, AppState>) -> Result<StatsView, AppError> {
    let records =
        state.store()?.records().await.map_err(|e| AppError::from_store(e, state.lang()))?;
    Ok(records.stats(state.now()))
}

/// Why a study day counts the way it does.
#[tauri::command]
#[specta::specta]
pub async fn day_detail(
    state: State<'_, AppState>,
    date: Arg<String>,
) -> Result<DayDetail, AppError> {
    let raw = date.decode("date", state.lang())?;
    let date = parse_date(&raw)
        .map_err(|e| AppError::validation(&ValidationErrors::single("date", e), state.lang()))?;
    let records =
        state.store()?.records().await.map_err(|e| AppError::from_store(e, state.lang()))?;
    Ok(records.day_detail(date, state.now()))
}

/// Sets the first day of the week (weekly goals, charts, heatmap).
#[tauri::command]
#[specta::specta]
pub async fn set_week_start(
    state: State<'_, AppState>,
    week_start: Arg<WeekStart>,
) -> Result<(), AppError> {
    let week_start = week_start.decode("week_start", state.lang())?;
    state
        .store()?
        .set_week_start(week_start, state.now())
        .await
        .map_err(|e| AppError::from_store(e, state.lang()))
}
