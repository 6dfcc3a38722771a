//! Punch-ins (打卡) and day marks (leave, rest, repair).

use daka_core::journal::{DayMark, DayStatus, PunchIn};
use daka_core::punch_in::PunchInInput;
use tauri::State;

use crate::error::AppError;
use crate::ipc::Arg;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn save_punch_in(
    state: State<'_, AppState>,
    input: Arg<PunchInInput>,
) -> Result<PunchIn, AppError> {
    let input = input.decode("input", state.lang())?;
    state
        .store()?
        .save_punch_in(&input, state.now())
        .await
        .map_err(|e| AppError::from_store(e, state.lang()))
        .inspect(|_| state.groups.sync_soon())
}

#[tauri::command]
#[specta::specta]
pub async fn delete_punch_in(state: State<'_, AppState>, id: Arg<String>) -> Result<(), AppError> {
    let id = id.decode("id", state.lang())?;
    state
        .store()?
        .delete_punch_in(&id, state.now())
        .await
        .map_err(|e| AppError::from_store(e, state.lang()))
        .inspect(|_| state.groups.sync_soon())
}

#[tauri::command]
#[specta::specta]
pub async fn mark_day(
    state: State<'_, AppState>,
    date: Arg<String>,
    mark: Arg<DayMark>,
) -> Result<DayStatus, AppError> {
    let date = date.decode("date", state.lang())?;
    let mark = mark.decode("mark", state.lang())?;
    state
        .store()?
        .mark_day(&date, mark, state.now())
        .await
        .map_err(|e| AppError::from_store(e, state.lang()))
        .inspect(|_| state.groups.sync_soon())
}

#[tauri::command]
#[specta::specta]
pub async fn unmark_day(state: State<'_, AppState>, date: Arg<String>) -> Result<(), AppError> {
    let date = date.decode("date", state.lang())?;
    state
        .store()?
        .unmark_day(&date, state.now())
        .await
        .map_err(|e| AppError::from_store(e, state.lang()))
        .inspect(|_| state.groups.sync_soon())
}
