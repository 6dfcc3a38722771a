//! IPC plumbing that keeps malformed requests inside Daka's typed error.
//!
//! Tauri deserializes command arguments before a command runs and rejects a bad one with a
//! free-form string. Daka's promise is that every failure reaches the UI as an [`AppError`], so
//! commands take their arguments as [`Arg<T>`]: it accepts any JSON (or none) and defers the
//! typed decoding to the command, which turns a failure into `AppError { kind: validation }`.
//! Request bodies that are not JSON at all are rejected by [`typed_invoke_handler`].

use std::marker::PhantomData;

use daka_core::lang::Lang;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use tauri::ipc::{Invoke, InvokeBody};
use tauri::{Manager, Runtime};

use crate::error::AppError;
use crate::state::AppState;

/// A command argument decoded lazily: see the module docs.
#[derive(Debug)]
pub struct Arg<T> {
    raw: Option<serde_json::Value>,
    _type: PhantomData<T>,
}

impl<T: DeserializeOwned> Arg<T> {
    /// Decodes the argument, or explains (in `lang`) that it was missing or malformed. A
    /// missing or `null` argument decodes as JSON `null`: fine for an `Option`, an error for
    /// anything else (Tauri cannot tell the two apart).
    pub fn decode(self, name: &str, lang: Lang) -> Result<T, AppError> {
        let Some(raw) = self.raw else {
            return serde_json::from_value(serde_json::Value::Null)
                .map_err(|_| AppError::bad_argument(name, "missing", lang));
        };
        serde_json::from_value(raw).map_err(|e| AppError::bad_argument(name, &e.to_string(), lang))
    }
}

impl<T> From<serde_json::Value> for Arg<T> {
    fn from(raw: serde_json::Value) -> Self {
        Self { raw: Some(raw), _type: PhantomData }
    }
}

impl<'de, T> Deserialize<'de> for Arg<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Tauri answers `deserialize_option` with `None` for a missing key instead of failing,
        // and any JSON value deserializes into `Value`, so this never rejects a JSON request.
        let raw = Option::<serde_json::Value>::deserialize(deserializer)?;
        Ok(Self { raw, _type: PhantomData })
    }
}

impl<T: specta::Type> specta::Type for Arg<T> {
    fn definition(types: &mut specta::Types) -> specta::datatype::DataType {
        T::definition(types)
    }
}

/// Wraps the generated invoke handler so a request with a raw byte body (every Daka command
/// takes JSON) is refused with a typed error instead of Tauri's string.
pub fn typed_invoke_handler<R: Runtime>(
    inner: impl Fn(Invoke<R>) -> bool + Send + Sync + 'static,
) -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
    move |invoke: Invoke<R>| {
        if matches!(invoke.message.payload(), InvokeBody::Raw(_)) {
            let name = invoke.message.command().to_owned();
            let lang = invoke
                .message
                .webview()
                .try_state::<AppState>()
                .map_or(Lang::default(), |s| s.lang());
            invoke.resolver.reject(AppError::bad_argument(&name, "raw body", lang));
            return true;
        }
        inner(invoke)
    }
}
