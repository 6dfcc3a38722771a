//! App-level commands: start-up info, language, pickers' data.

use daka_core::lang::Lang;
use daka_core::subject::{SubjectPreset, kaoyan_preset};
use daka_core::validation::{Invalid, ValidationErrors};
use daka_core::zones::{ZoneInfo, all_zones};
use serde::Serialize;
use tauri::State;

use crate::error::AppError;
use crate::ipc::Arg;
use crate::state::AppState;

/// What the UI needs to know before it draws anything.
#[derive(Debug, Serialize, specta::Type)]
pub struct AppInfo {
    /// The language to show: the user's choice, else the system's.
    pub language: Lang,
    pub onboarded: bool,
    /// The system's time zone, proposed during onboarding.
    pub detected_time_zone: String,
    pub version: String,
    /// Where the data lives (shown in Settings so users can back it up).
    pub data_dir: String,
    /// Why the database could not be opened, if it could not.
    pub startup_error: Option<String>,
}

#[tauri::command]
#[specta::specta]
pub async fn app_info(state: State<'_, AppState>) -> Result<AppInfo, AppError> {
    let (language, onboarded) = match state.store() {
        Ok(store) => {
            let snap = store.snapshot().await.map_err(|e| AppError::from_store(e, state.lang()))?;
            (snap.language.unwrap_or(state.system.lang), snap.profile.is_some())
        }
        Err(_) => (state.lang(), false),
    };
    state.set_lang(language);
    Ok(AppInfo {
        language,
        onboarded,
        detected_time_zone: state.system.time_zone.clone(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        data_dir: state.data_dir.display().to_string(),
        startup_error: state.startup_error(),
    })
}

/// Switches the UI language (allowed before onboarding, from the first screen).
#[tauri::command]
#[specta::specta]
pub async fn set_language(
    state: State<'_, AppState>,
    language: Arg<String>,
) -> Result<Lang, AppError> {
    let raw = language.decode("language", state.lang())?;
    let lang: Lang = raw.parse().map_err(|_| {
        AppError::validation(
            &ValidationErrors::single("language", Invalid::UnknownLanguage { value: raw.clone() }),
            state.lang(),
        )
    })?;
    let store = state.store()?;
    store.set_language(lang, state.now()).await.map_err(|e| AppError::from_store(e, lang))?;
    state.set_lang(lang);
    Ok(lang)
}

/// Every time zone for the picker, with its current offset and search aliases.
#[tauri::command]
#[specta::specta]
pub fn time_zones(state: State<'_, AppState>) -> Vec<ZoneInfo> {
    all_zones(state.now())
}

/// The 考研 subject preset, named in the current language.
#[tauri::command]
#[specta::specta]
pub fn subject_presets(state: State<'_, AppState>) -> Vec<SubjectPreset> {
    kaoyan_preset(state.lang())
}

/// The UI calls this once it has painted its first screen; the start-up time goes to the log
/// (and `make bench` reads it).
#[tauri::command]
#[specta::specta]
pub fn ui_ready(screen: Arg<String>, state: State<'_, AppState>) -> Result<(), AppError> {
    let screen = screen.decode("screen", state.lang())?;
    let since_start = crate::started_at().elapsed();
    tracing::info!(
        target: "daka::startup",
        screen = screen.chars().take(32).collect::<String>(),
        ms = since_start.as_secs_f64() * 1000.0,
        "first paint"
    );
    Ok(())
}
