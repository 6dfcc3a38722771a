//! Daka's pure domain. No IO crates here (no sqlx, tokio, tauri): everything is a function of
//! its inputs, with "now" passed in through [`clock::Clock`], so it can be tested exhaustively.

#![forbid(unsafe_code)]

pub mod calendar;
pub mod clock;
pub mod countdown;
pub mod day;
pub mod day_rules;
pub mod goal;
pub mod group;
pub mod hlc;
pub mod ids;
pub mod journal;
pub mod lang;
pub mod name_text;
pub mod onboarding;
pub mod profile;
pub mod punch_in;
pub mod records;
pub mod reminder;
pub mod schedule;
pub mod settings_view;
pub mod share;
pub mod stats;
pub mod streak;
pub mod subject;
pub mod timetable;
pub mod today;
pub mod validation;
pub mod zones;
