//! WebKitGTK tuning for the main window.
//!
//! Daka's UI is mostly static text and a few bars. WebKitGTK's default accelerated compositing
//! goes through OpenGL; on machines without a GPU driver (VMs, Xvfb, many laptops' fallback
//! paths) that means Mesa's llvmpipe, which loads LLVM into the web process and compiles shaders
//! on first start. Measured with `make bench` under Xvfb: it costs ~80 MiB of memory and, with a
//! cold shader cache, ~2 s before the first paint. Software painting draws this UI just as well,
//! so hardware acceleration is switched off unless `DAKA_GPU=1` asks for WebKit's default.

use tauri::{Runtime, WebviewWindow};

pub(crate) fn tune<R: Runtime>(window: &WebviewWindow<R>) {
    if std::env::var_os("DAKA_GPU").is_some_and(|v| v == "1") {
        return;
    }
    #[cfg(target_os = "linux")]
    {
        let result = window.with_webview(|platform| {
            use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
            if let Some(settings) = platform.inner().settings() {
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            }
        });
        if let Err(e) = result {
            tracing::warn!(error = %e, "could not tune the webview");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}
