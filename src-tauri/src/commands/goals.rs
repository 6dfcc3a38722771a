//! Daily goals and their progress.

use daka_core::goal::{Goal, GoalInput};
use tauri::State;

use crate::error::AppError;
use crate::ipc::Arg;
use crate::state::AppState;

/// All live goals, archived ones included, in the user's order.
#[tauri::command]
#[specta::specta]
pub async fn goals(state: State<'_, AppState>) -> Result<Vec<Goal>, AppError> {
    let records =
        state.store()?.records().await.map_err(|e| AppError::from_store(e, state.lang()))?;
    Ok(records.goals.clone())
}

#[tauri::command]
#[specta::specta]
pub async fn save_goal(
    state: State<'_, AppState>,
    input: Arg<GoalInput>,
) -> Result<Goal, AppError> {
    let input = input.decode("input", state.lang())?;
    state
        .store()?
        .save_goal(&input, state.now())
        .await
        .map_err(|e| AppError::from_store(e, state.lang()))
}

#[tauri::command]
#[specta::specta]
pub async fn set_goal_archived(
    state: State<'_, AppState>,
    goal_id: Arg<String>,
    archived: Arg<bool>,
) -> Result<(), AppError> {
    let goal_id = goal_id.decode("goal_id", state.lang())?;
    let archived = archived.decode("archived", state.lang())?;
    state
        .store()?
        .set_goal_archived(&goal_id, archived, state.now())
        .await
        .map_err(|e| AppError::from_store(e, state.lang()))
}

#[tauri::command]
#[specta::specta]
pub async fn delete_goal(state: State<'_, AppState>, goal_id: Arg<String>) -> Result<(), AppError> {
    let goal_id = goal_id.decode("goal_id", state.lang())?;
    state
        .store()?
        .delete_goal(&goal_id, state.now())
        .await
        .map_err(|e| AppError::from_store(e, state.lang()))
}

/// Adds (or with a negative `delta`, removes) progress on a count goal; returns the day's amount.
#[tauri::command]
#[specta::specta]
pub async fn add_goal_progress(
    state: State<'_, AppState>,
    goal_id: Arg<String>,
    date: Arg<String>,
    delta: Arg<i32>,
) -> Result<u32, AppError> {
    let goal_id = goal_id.decode("goal_id", state.lang())?;
    let date = date.decode("date", state.lang())?;
    let delta = delta.decode("delta", state.lang())?;
    state
        .store()?
        .add_goal_progress(&goal_id, &date, delta, state.now())
        .await
        .map_err(|e| AppError::from_store(e, state.lang()))
}
