//! The system clipboard, for "copy image" on the Share screen (paste straight into WeChat).
//!
//! arboard talks to X11 (and XWayland), the Windows and macOS clipboards. On X11 a clipboard is
//! served by the program that owns it, so one `arboard::Clipboard` lives as long as Daka: a
//! copied card stays pasteable while Daka runs (a clipboard manager keeps it after that).

use std::sync::{Mutex, PoisonError};

/// Where a copied image goes. A trait so commands need no desktop in tests.
pub trait ClipboardSink: Send + Sync + std::fmt::Debug {
    /// Puts a PNG image on the clipboard. `Err` carries the system's reason, for the log.
    fn put_png(&self, png: &[u8]) -> Result<(), String>;
    /// Puts plain text on the clipboard (the 接龙 text for a WeChat group).
    fn put_text(&self, text: &str) -> Result<(), String>;
}

/// The desktop's clipboard, opened on first use.
#[derive(Default)]
pub struct SystemClipboard(Mutex<Option<arboard::Clipboard>>);

impl std::fmt::Debug for SystemClipboard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SystemClipboard")
    }
}

impl ClipboardSink for SystemClipboard {
    fn put_png(&self, png: &[u8]) -> Result<(), String> {
        let rgba = image::load_from_memory_with_format(png, image::ImageFormat::Png)
            .map_err(|e| e.to_string())?
            .into_rgba8();
        let (width, height) = rgba.dimensions();
        let data = arboard::ImageData {
            width: width as usize,
            height: height as usize,
            bytes: std::borrow::Cow::Owned(rgba.into_raw()),
        };
        self.with(|clipboard| clipboard.set_image(data))
    }

    fn put_text(&self, text: &str) -> Result<(), String> {
        self.with(|clipboard| clipboard.set_text(text))
    }
}

impl SystemClipboard {
    fn with(
        &self,
        put: impl FnOnce(&mut arboard::Clipboard) -> Result<(), arboard::Error>,
    ) -> Result<(), String> {
        let mut slot = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if slot.is_none() {
            *slot = Some(arboard::Clipboard::new().map_err(|e| e.to_string())?);
        }
        let clipboard = slot.as_mut().ok_or("no clipboard")?;
        put(clipboard).map_err(|e| e.to_string())
    }
}
