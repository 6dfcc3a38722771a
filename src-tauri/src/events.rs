//! Typed events Rust sends to the webview (tauri-specta generates their TS side).

use daka_store::ImportProgress;
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Runtime};
use tauri_specta::Event;

/// How far an import has come; the Settings screen shows it as a progress bar.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct ImportProgressEvent(pub ImportProgress);

/// Sends events without commands having to be generic over the runtime.
pub trait Emitter: Send + Sync + std::fmt::Debug {
    fn import_progress(&self, progress: ImportProgress);
}

pub struct AppEmitter<R: Runtime>(pub AppHandle<R>);

impl<R: Runtime> std::fmt::Debug for AppEmitter<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AppEmitter")
    }
}

impl<R: Runtime> Emitter for AppEmitter<R> {
    fn import_progress(&self, progress: ImportProgress) {
        if let Err(e) = ImportProgressEvent(progress).emit(&self.0) {
            tracing::warn!(error = %e, "could not send import progress");
        }
    }
}
