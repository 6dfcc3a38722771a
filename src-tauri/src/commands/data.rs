//! The user's data: export, import (restore or merge), automatic backups.

use daka_core::lang::Lang;
use daka_store::{BackupInfo, ImportMode, ImportReport};
use serde::Serialize;
use tauri::State;

use crate::error::AppError;
use crate::ipc::Arg;
use crate::state::AppState;

/// What an export wrote.
#[derive(Debug, Serialize, specta::Type)]
pub struct ExportResult {
    pub path: String,
    pub punch_ins: u32,
    pub bytes: u32,
}

fn title(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    lang.pick(zh, en)
}

/// Asks where to save and writes the export ZIP there. `None` when the user cancelled.
#[tauri::command]
#[specta::specta]
pub async fn export_data(state: State<'_, AppState>) -> Result<Option<ExportResult>, AppError> {
    let lang = state.lang();
    let now = state.now();
    let default_name = format!("daka-export-{}.zip", now.format("%Y%m%d"));
    let picker = state.picker.clone();
    let chosen = tauri::async_runtime::spawn_blocking(move || {
        picker.save(title(lang, "导出 Daka 数据", "Export Daka data"), &default_name, "zip")
    })
    .await
    .map_err(|_| AppError::internal(lang))?;
    let Some(path) = chosen else { return Ok(None) };
    let summary = state
        .store()?
        .export_to(&path, now, env!("CARGO_PKG_VERSION"))
        .await
        .map_err(|e| AppError::from_store(e, lang))?;
    Ok(Some(ExportResult {
        path: path.display().to_string(),
        punch_ins: u32::try_from(summary.punch_ins).unwrap_or(u32::MAX),
        bytes: u32::try_from(summary.bytes).unwrap_or(u32::MAX),
    }))
}

/// Asks for an export file and imports it. `None` when the user cancelled. Progress arrives as
/// `ImportProgressEvent`s.
#[tauri::command]
#[specta::specta]
pub async fn import_data(
    state: State<'_, AppState>,
    mode: Arg<ImportMode>,
) -> Result<Option<ImportReport>, AppError> {
    let lang = state.lang();
    let mode = mode.decode("mode", lang)?;
    let picker = state.picker.clone();
    let chosen = tauri::async_runtime::spawn_blocking(move || {
        picker.open(title(lang, "选择 Daka 导出文件", "Choose a Daka export"), &["zip", "jsonl"])
    })
    .await
    .map_err(|_| AppError::internal(lang))?;
    let Some(path) = chosen else { return Ok(None) };
    let events = state.events.clone();
    let report = state
        .store()?
        .import_from(&path, mode, state.now(), &move |p| events.import_progress(p))
        .await
        .map_err(|e| AppError::from_store(e, lang))?;
    state.groups.sync_soon();
    Ok(Some(report))
}

/// The automatic and safety backups, newest first.
#[tauri::command]
#[specta::specta]
pub async fn backups(state: State<'_, AppState>) -> Result<Vec<BackupInfo>, AppError> {
    state.store()?.backups().map_err(|e| AppError::from_store(e, state.lang()))
}

/// Replaces the data with a backup (the current data is backed up first).
#[tauri::command]
#[specta::specta]
pub async fn restore_backup(
    state: State<'_, AppState>,
    file_name: Arg<String>,
) -> Result<(), AppError> {
    let lang = state.lang();
    let file_name = file_name.decode("file_name", lang)?;
    let store = state.store()?;
    // Checked before anything changes: an unknown name is a validation error, not a restore.
    if !store
        .backups()
        .map_err(|e| AppError::from_store(e, lang))?
        .iter()
        .any(|b| b.file_name == file_name)
    {
        return Err(AppError::validation(
            &daka_core::validation::ValidationErrors::single(
                "file_name",
                daka_core::validation::Invalid::UnknownId { value: file_name },
            ),
            lang,
        ));
    }
    match store.restore_backup(&file_name, state.now()).await {
        Ok(reopened) => {
            state.replace_store(Ok(reopened));
            Ok(())
        }
        Err(e) => {
            // The old store was closed for the swap; reopen whatever is on disk now.
            let reopened = daka_store::Store::open(&state.data_dir, state.now()).await;
            state.replace_store(reopened);
            Err(AppError::from_store(e, lang))
        }
    }
}
