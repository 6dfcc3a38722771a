//! The Today view.

use daka_core::today::TodayView;
use tauri::State;

use crate::error::AppError;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn today(state: State<'_, AppState>) -> Result<TodayView, AppError> {
    let profile =
        state.store()?.profile().await.map_err(|e| AppError::from_store(e, state.lang()))?;
    // No capability records study time yet (focus sessions and punch-ins come later), so every
    // subject has 0 minutes today.
    Ok(profile.today_view(state.now(), &Default::default()))
}
