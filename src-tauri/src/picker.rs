//! Choosing files: the native dialogs, opened from Rust so the webview needs no file-system or
//! dialog permission. End-to-end tests cannot click a GTK file chooser, so test builds (the
//! `pinned-clock` feature) take the answer from `DAKA_TEST_SAVE_PATH` / `DAKA_TEST_OPEN_PATH`
//! instead; release builds never read them.

use std::fmt::Debug;
use std::path::PathBuf;

use tauri::{AppHandle, Runtime};

/// Asks the user for a file. `None` means they cancelled.
pub trait FilePicker: Send + Sync + Debug {
    fn save(&self, title: &str, default_name: &str, extension: &str) -> Option<PathBuf>;
    fn open(&self, title: &str, extensions: &[&str]) -> Option<PathBuf>;
    /// Several files at once; empty when cancelled.
    fn open_many(&self, title: &str, filter: &str, extensions: &[&str]) -> Vec<PathBuf>;
}

/// The platform's file dialogs (tauri-plugin-dialog).
pub struct DialogPicker<R: Runtime> {
    app: AppHandle<R>,
}

impl<R: Runtime> DialogPicker<R> {
    pub fn new(app: AppHandle<R>) -> Self {
        Self { app }
    }
}

impl<R: Runtime> Debug for DialogPicker<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DialogPicker")
    }
}

impl<R: Runtime> FilePicker for DialogPicker<R> {
    fn save(&self, title: &str, default_name: &str, extension: &str) -> Option<PathBuf> {
        use tauri_plugin_dialog::DialogExt;
        self.app
            .dialog()
            .file()
            .set_title(title)
            .set_file_name(default_name)
            .add_filter(extension, &[extension])
            .blocking_save_file()
            .and_then(|p| p.into_path().ok())
    }

    fn open(&self, title: &str, extensions: &[&str]) -> Option<PathBuf> {
        use tauri_plugin_dialog::DialogExt;
        self.app
            .dialog()
            .file()
            .set_title(title)
            .add_filter("Daka", extensions)
            .blocking_pick_file()
            .and_then(|p| p.into_path().ok())
    }

    fn open_many(&self, title: &str, filter: &str, extensions: &[&str]) -> Vec<PathBuf> {
        use tauri_plugin_dialog::DialogExt;
        self.app
            .dialog()
            .file()
            .set_title(title)
            .add_filter(filter, extensions)
            .blocking_pick_files()
            .unwrap_or_default()
            .into_iter()
            .filter_map(|p| p.into_path().ok())
            .collect()
    }
}

/// Answers from the environment (test builds only); cancels when a variable is unset.
#[derive(Debug, Default)]
pub struct EnvPicker;

impl FilePicker for EnvPicker {
    fn save(&self, _: &str, _: &str, _: &str) -> Option<PathBuf> {
        std::env::var_os("DAKA_TEST_SAVE_PATH").map(PathBuf::from)
    }

    fn open(&self, _: &str, _: &[&str]) -> Option<PathBuf> {
        std::env::var_os("DAKA_TEST_OPEN_PATH").map(PathBuf::from)
    }

    /// `DAKA_TEST_OPEN_PATH` as a `:`-separated list.
    fn open_many(&self, _: &str, _: &str, _: &[&str]) -> Vec<PathBuf> {
        std::env::var_os("DAKA_TEST_OPEN_PATH")
            .map(|v| std::env::split_paths(&v).collect())
            .unwrap_or_default()
    }
}

/// Whether this build takes file answers from the environment instead of dialogs.
pub fn scripted() -> bool {
    cfg!(any(test, feature = "pinned-clock"))
        && (std::env::var_os("DAKA_TEST_SAVE_PATH").is_some()
            || std::env::var_os("DAKA_TEST_OPEN_PATH").is_some())
}
