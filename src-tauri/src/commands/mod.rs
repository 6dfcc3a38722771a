//! Tauri commands: each validates its arguments, calls a crate and maps the error. No business
//! logic lives here (DESIGN.md §3); a rule found in a command is a bug to move into daka-core.

pub mod app;
pub mod data;
pub mod focus;
pub mod goals;
pub mod groups;
pub mod names;
pub mod onboarding;
pub mod photos;
pub mod punch_ins;
pub mod settings;
pub mod share;
pub mod stats;
pub mod timetable;
pub mod today;
