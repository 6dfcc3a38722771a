//! A bare Tauri window for `make bench`: the same Tauri build, window size and release profile as
//! Daka, showing a static page with no app code, so Daka's start-up time and memory can be read
//! next to what Tauri and WebKitGTK cost by themselves.
#![forbid(unsafe_code)]
#![allow(clippy::print_stderr)]

use std::time::Instant;

use tauri::webview::PageLoadEvent;
use tauri::{WebviewUrl, WebviewWindowBuilder};

fn main() {
    let start = Instant::now();
    let mut context = daka_lib::context::<tauri::Wry>();
    // No windows from tauri.conf.json: those would load Daka's UI.
    context.config_mut().app.windows.clear();
    let result = tauri::Builder::default()
        .on_page_load(move |_, payload| {
            if payload.event() == PageLoadEvent::Finished {
                eprintln!("bare page loaded ms={}", start.elapsed().as_secs_f64() * 1000.0);
            }
        })
        .setup(move |app| {
            let url = WebviewUrl::CustomProtocol("bare://localhost/".parse()?);
            WebviewWindowBuilder::new(app, "main", url).inner_size(1200.0, 800.0).build()?;
            Ok(())
        })
        .run(context);
    if let Err(e) = result {
        eprintln!("bare window failed: {e}");
        std::process::exit(1);
    }
}
