//! Typed events Rust sends to the webview (tauri-specta generates their TS side).

use daka_store::ImportProgress;
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Runtime};
use tauri_specta::Event;

/// How far an import has come; the Settings screen shows it as a progress bar.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct ImportProgressEvent(pub ImportProgress);

/// The group connection changed (signed in or out, a sync round ended, the server refused
/// something): the UI asks `groups_status` again, and refreshes an open board.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct GroupsChangedEvent;

/// An invite link was opened by the OS: the UI takes it with `groups_take_opened_link` and
/// shows the join dialog.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct InviteLinkEvent;

/// Sends events without commands having to be generic over the runtime.
pub trait Emitter: Send + Sync + std::fmt::Debug {
    fn import_progress(&self, progress: ImportProgress);
    fn groups_changed(&self);
    fn invite_link_opened(&self);
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

    fn invite_link_opened(&self) {
        if let Err(e) = InviteLinkEvent.emit(&self.0) {
            tracing::warn!(error = %e, "could not announce an opened invite link");
        }
    }

    fn groups_changed(&self) {
        if let Err(e) = GroupsChangedEvent.emit(&self.0) {
            tracing::warn!(error = %e, "could not send the group status change");
        }
    }
}
