//! The optional full-screen overlay: one always-on-top, undecorated window per monitor while a
//! focus session with "overlay" is in a work phase. It shows the timer and how to leave (the
//! same emergency exit as the Focus screen); its close button and Alt+F4 are refused
//! (`lib.rs` window events), and the driver destroys the windows when the phase or the session
//! ends. It is friction, not a lock: the Focus screen says an administrator can always end it.

use tauri::{AppHandle, Manager, Runtime, WebviewUrl, WebviewWindowBuilder};

/// Overlay windows are labelled `focus-overlay-N`; the overlay capability matches the prefix.
pub const LABEL_PREFIX: &str = "focus-overlay-";

pub fn is_overlay(label: &str) -> bool {
    label.starts_with(LABEL_PREFIX)
}

fn open_labels<R: Runtime>(app: &AppHandle<R>) -> Vec<String> {
    app.webview_windows().into_keys().filter(|l| is_overlay(l)).collect()
}

/// Opens the overlay on every monitor (`want`) or closes it; a no-op when already so.
pub fn sync<R: Runtime>(app: &AppHandle<R>, want: bool) {
    let open = open_labels(app);
    if !want {
        for label in open {
            if let Some(w) = app.get_webview_window(&label) {
                let _ = w.destroy();
            }
        }
        return;
    }
    if !open.is_empty() {
        return;
    }
    let monitors = app.available_monitors().unwrap_or_default();
    if monitors.is_empty() {
        open_one(app, 0, None);
    }
    for (i, monitor) in monitors.iter().enumerate() {
        open_one(app, i, Some(monitor));
    }
}

fn open_one<R: Runtime>(app: &AppHandle<R>, i: usize, monitor: Option<&tauri::Monitor>) {
    let url = WebviewUrl::App("index.html#overlay".into());
    let mut builder = WebviewWindowBuilder::new(app, format!("{LABEL_PREFIX}{i}"), url)
        .title("Daka")
        .decorations(false)
        .always_on_top(true)
        .skip_taskbar(true)
        .resizable(false)
        .focused(true);
    if let Some(m) = monitor {
        let scale = m.scale_factor();
        let pos = m.position().to_logical::<f64>(scale);
        let size = m.size().to_logical::<f64>(scale);
        builder = builder.position(pos.x, pos.y).inner_size(size.width, size.height);
    }
    match builder.build() {
        Ok(window) => {
            // Fullscreen after placing it, so it fills the monitor it was put on.
            let _ = window.set_fullscreen(true);
        }
        Err(e) => tracing::warn!(error = %e, "could not open the focus overlay"),
    }
}
