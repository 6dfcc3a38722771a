//! The Today view.

use daka_core::records::TodayBoard;
use tauri::State;

use crate::error::AppError;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn today(state: State<'_, AppState>) -> Result<TodayBoard, AppError> {
    let records =
        state.store()?.records().await.map_err(|e| AppError::from_store(e, state.lang()))?;
    Ok(records.today(state.now()))
}
