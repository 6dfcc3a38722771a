//! First start.

use daka_core::lang::Lang;
use daka_core::onboarding::{self as core_onboarding, OnboardingInput};
use daka_core::records::TodayBoard;
use tauri::State;

use crate::error::AppError;
use crate::ipc::Arg;
use crate::state::AppState;

/// The language errors about `input` are written in: the one being chosen, if valid.
fn input_lang(input: &OnboardingInput, state: &AppState) -> Lang {
    input.language.parse().unwrap_or(state.lang())
}

/// Checks the onboarding form without saving, so each step can show its problems.
#[tauri::command]
#[specta::specta]
pub fn validate_onboarding(
    state: State<'_, AppState>,
    input: Arg<OnboardingInput>,
) -> Result<(), AppError> {
    let input = input.decode("input", state.lang())?;
    core_onboarding::validate_onboarding(&input, state.now())
        .map(|_| ())
        .map_err(|e| AppError::validation(&e, input_lang(&input, &state)))
}

/// Saves the first-start answers and returns the first Today view.
#[tauri::command]
#[specta::specta]
pub async fn complete_onboarding(
    state: State<'_, AppState>,
    input: Arg<OnboardingInput>,
) -> Result<TodayBoard, AppError> {
    let input = input.decode("input", state.lang())?;
    let lang = input_lang(&input, &state);
    let now = state.now();
    let store = state.store()?;
    store.complete_onboarding(&input, now).await.map_err(|e| AppError::from_store(e, lang))?;
    state.set_lang(lang);
    let records = store.records().await.map_err(|e| AppError::from_store(e, lang))?;
    Ok(records.today(now))
}
