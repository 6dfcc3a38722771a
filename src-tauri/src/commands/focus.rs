//! Focus mode: the running session (start, pause, resume, stop, the strict exits), the
//! blocklists, and the sessions of a study day. The session itself lives in
//! `crate::focus::FocusRuntime`; these commands decode arguments and map errors.

use std::collections::BTreeMap;
use std::sync::{Arc, PoisonError};

use daka_core::ids::SubjectId;
use daka_core::validation::{ValidationErrors, parse_date};
use daka_focus::blocklist::PRESETS;
use daka_focus::settings::FocusSettings;
use daka_store::FocusSession;
use serde::{Deserialize, Serialize};
use tauri::State;

use crate::error::{AppError, FieldMessage};
use crate::focus::sites::{BlockerStatus, status_view};
use crate::focus::{FocusStatus, StartRequest, THIS_OS};
use crate::ipc::Arg;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn focus_status(state: State<'_, AppState>) -> Result<FocusStatus, AppError> {
    let store = state.store()?;
    Ok(state.focus.status(&store, state.now(), state.lang()).await)
}

/// Starts a session; the timer choices are remembered for next time.
#[tauri::command]
#[specta::specta]
pub async fn focus_start(
    state: State<'_, AppState>,
    request: Arg<StartRequest>,
) -> Result<FocusStatus, AppError> {
    let lang = state.lang();
    let request = request.decode("request", lang)?;
    let store = state.store()?;
    if let Some(id) = request.subject_id {
        let profile = store.profile().await.map_err(|e| AppError::from_store(e, lang))?;
        if !profile.subjects.iter().any(|s| s.id == id) {
            let mut errors = ValidationErrors::new();
            errors.push(
                "subject_id",
                daka_core::validation::Invalid::UnknownId { value: id.to_string() },
            );
            return Err(AppError::validation(&errors, lang));
        }
    }
    let mut settings = load_settings(&state).await?;
    let status = state.focus.start(&store, state.now(), lang, request.clone(), &settings).await?;
    settings.timer = request.timer;
    if let Err(e) = store.set_focus_settings(&settings, state.now()).await {
        tracing::warn!(error = %e, "remembering the timer choices failed");
    }
    Ok(status)
}

macro_rules! session_action {
    ($(#[$doc:meta])* $name:ident => $method:ident) => {
        $(#[$doc])*
        #[tauri::command]
        #[specta::specta]
        pub async fn $name(state: State<'_, AppState>) -> Result<FocusStatus, AppError> {
            let store = state.store()?;
            state.focus.$method(&store, state.now(), state.lang()).await
        }
    };
}

session_action!(
    /// Refused in a strict session.
    focus_pause => pause
);
session_action!(focus_resume => resume);
session_action!(
    /// Ends the session now (refused in a strict session); the work done is recorded.
    focus_stop => stop
);
session_action!(
    /// Starts the 10-minute cool-down of a strict session's emergency exit.
    focus_request_exit => request_exit
);
session_action!(focus_cancel_exit => cancel_exit);
session_action!(
    /// Ends a strict session once the cool-down has passed (recorded as abandoned).
    focus_confirm_exit => confirm_exit
);

/// The emergency-exit code, as a picture (so it must be typed, not pasted).
#[derive(Debug, Serialize, specta::Type)]
pub struct ExitChallenge {
    /// `data:image/png;base64,…`
    pub image: String,
    pub length: u32,
}

#[tauri::command]
#[specta::specta]
pub async fn focus_exit_challenge(
    state: State<'_, AppState>,
    dark: Arg<bool>,
) -> Result<ExitChallenge, AppError> {
    let lang = state.lang();
    let dark = dark.decode("dark", lang)?;
    let store = state.store()?;
    let code = state.focus.exit_challenge(&store, state.now(), lang).await?;
    let length = u32::try_from(code.len()).unwrap_or(u32::MAX);
    let fonts = super::share::fonts();
    let image = daka_card::exit_code_data_url(&code, dark, fonts).map_err(|e| {
        tracing::warn!(error = %e, "drawing the exit code failed");
        AppError::internal(lang)
    })?;
    Ok(ExitChallenge { image, length })
}

/// Ends a strict session early with the typed code (recorded as abandoned).
#[tauri::command]
#[specta::specta]
pub async fn focus_emergency_exit(
    state: State<'_, AppState>,
    code: Arg<String>,
) -> Result<FocusStatus, AppError> {
    let lang = state.lang();
    let code = code.decode("code", lang)?;
    // Typed by hand: forgive spaces and lower case, nothing else.
    let code: String =
        code.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
    let store = state.store()?;
    state.focus.emergency_exit(&store, state.now(), lang, &code).await
}

/// A distraction preset as the blocklist editor shows it.
#[derive(Debug, Serialize, specta::Type)]
pub struct PresetInfo {
    pub id: String,
    pub name: String,
    pub sites: Vec<String>,
    /// Executable names on this system.
    pub apps: Vec<String>,
}

/// The blocklists, the presets to choose from, and what is worth telling about them.
#[derive(Debug, Serialize, specta::Type)]
pub struct FocusSettingsView {
    pub settings: FocusSettings,
    pub presets: Vec<PresetInfo>,
    /// In the user's language (e.g. more sites than browser policies take).
    pub warnings: Vec<String>,
    /// Built-in apps that are never blocked on this system.
    pub allowlist: Vec<String>,
    /// How many sites and apps a session would block now.
    pub site_count: u32,
    pub app_count: u32,
}

async fn load_settings(state: &AppState) -> Result<FocusSettings, AppError> {
    let lang = state.lang();
    let stored: Option<FocusSettings> =
        state.store()?.focus_settings().await.map_err(|e| AppError::from_store(e, lang))?;
    Ok(stored.unwrap_or_default())
}

fn settings_view(
    settings: FocusSettings,
    warnings: Vec<String>,
    lang: daka_core::lang::Lang,
) -> FocusSettingsView {
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    FocusSettingsView {
        site_count: count(settings.blocked_sites().len()),
        app_count: count(settings.blocked_apps(THIS_OS).len()),
        settings,
        presets: PRESETS
            .iter()
            .map(|p| PresetInfo {
                id: p.id.to_owned(),
                name: p.name(lang).to_owned(),
                sites: p.sites.iter().map(|s| (*s).to_owned()).collect(),
                apps: p.apps_for(THIS_OS).map(str::to_owned).collect(),
            })
            .collect(),
        warnings,
        allowlist: daka_focus::blocklist::DEFAULT_ALLOWLIST
            .iter()
            .filter(|a| a.os == THIS_OS)
            .map(|a| a.exe.to_owned())
            .collect(),
    }
}

#[tauri::command]
#[specta::specta]
pub async fn focus_settings(state: State<'_, AppState>) -> Result<FocusSettingsView, AppError> {
    let settings = load_settings(&state).await?;
    Ok(settings_view(settings, Vec::new(), state.lang()))
}

/// Saves the blocklists (normalized; every bad entry reported by field, nothing saved then).
/// The running session keeps the lists it started with.
#[tauri::command]
#[specta::specta]
pub async fn save_focus_settings(
    state: State<'_, AppState>,
    settings: Arg<FocusSettings>,
) -> Result<FocusSettingsView, AppError> {
    let lang = state.lang();
    let settings = settings.decode("settings", lang)?;
    let checked = settings.check().map_err(|errors| {
        let fields = errors
            .iter()
            .map(|e| FieldMessage { field: e.field.clone(), message: e.error.message(lang) })
            .collect();
        AppError::fields(fields, lang)
    })?;
    state
        .store()?
        .set_focus_settings(&checked.settings, state.now())
        .await
        .map_err(|e| AppError::from_store(e, lang))?;
    let warnings = checked.warnings.iter().map(|w| w.message(lang)).collect();
    Ok(settings_view(checked.settings, warnings, lang))
}

/// Focus minutes of one subject (or of sessions without one) on a study day.
#[derive(Debug, Serialize, Deserialize, specta::Type)]
pub struct SubjectFocus {
    pub subject_id: Option<SubjectId>,
    pub minutes: u32,
}

/// A study day's focus sessions and their minutes per subject (whole minutes per session,
/// rounded down, as recorded).
#[derive(Debug, Serialize, specta::Type)]
pub struct FocusDay {
    pub date: String,
    pub sessions: Vec<FocusSession>,
    pub minutes: Vec<SubjectFocus>,
    pub total_min: u32,
}

#[tauri::command]
#[specta::specta]
pub async fn focus_day(
    state: State<'_, AppState>,
    date: Arg<String>,
) -> Result<FocusDay, AppError> {
    let lang = state.lang();
    let raw = date.decode("date", lang)?;
    let date = parse_date(&raw).map_err(|e| {
        let mut errors = ValidationErrors::new();
        errors.push("date", e);
        AppError::validation(&errors, lang)
    })?;
    let sessions = state
        .store()?
        .focus_sessions(date, date)
        .await
        .map_err(|e| AppError::from_store(e, lang))?;
    let mut per: BTreeMap<Option<String>, (Option<SubjectId>, u32)> = BTreeMap::new();
    for s in &sessions {
        let entry = per.entry(s.subject_id.map(|id| id.to_string())).or_insert((s.subject_id, 0));
        entry.1 += s.actual_min;
    }
    let minutes: Vec<SubjectFocus> = per
        .into_values()
        .filter(|(_, m)| *m > 0)
        .map(|(subject_id, minutes)| SubjectFocus { subject_id, minutes })
        .collect();
    let total_min = minutes.iter().map(|m| m.minutes).sum();
    Ok(FocusDay { date: date.to_string(), sessions, minutes, total_min })
}

/// What website blocking can do right now (asks the helper).
#[tauri::command]
#[specta::specta]
pub async fn blocker_status(state: State<'_, AppState>) -> Result<BlockerStatus, AppError> {
    let lang = state.lang();
    let sites = Arc::clone(&state.sites);
    tauri::async_runtime::spawn_blocking(move || {
        let problem = sites
            .sync
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .problem
            .as_ref()
            // "Not installed / not running" is already the helper's state; say it once.
            .filter(|e| !e.is_unavailable())
            .map(|e| e.message(lang));
        status_view(sites.blocker.status(), sites.blocker.can_install(), problem, lang)
    })
    .await
    .map_err(|e| {
        tracing::warn!(error = %e, "blocker status");
        AppError::internal(lang)
    })
}

/// Installs the helper once, through pkexec (the system asks for an administrator's password).
#[tauri::command]
#[specta::specta]
pub async fn install_blocker(state: State<'_, AppState>) -> Result<BlockerStatus, AppError> {
    let lang = state.lang();
    let sites = Arc::clone(&state.sites);
    tauri::async_runtime::spawn_blocking(move || {
        if !sites.blocker.can_install() {
            return Err(AppError::conflict(
                lang.pick(
                    "这台电脑上无法自动安装网站屏蔽助手（缺少 pkexec 或助手程序）。",
                    "The website blocker cannot be installed automatically here (pkexec or the helper program is missing).",
                )
                .to_owned(),
            ));
        }
        if let Err(e) = sites.blocker.install() {
            tracing::warn!(error = %e, "installing daka-blockd");
            return Err(AppError::conflict(
                lang.pick(
                    "没有安装网站屏蔽助手（取消了授权或安装失败）。应用屏蔽不受影响。",
                    "The website blocker was not installed (authorization cancelled or the install failed). App blocking still works.",
                )
                .to_owned(),
            ));
        }
        // The service needs a moment to open its socket.
        for _ in 0..20 {
            if sites.blocker.status().is_ok() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(250));
        }
        Ok(status_view(sites.blocker.status(), sites.blocker.can_install(), None, lang))
    })
    .await
    .map_err(|e| {
        tracing::warn!(error = %e, "install blocker");
        AppError::internal(lang)
    })?
}
