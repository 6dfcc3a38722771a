//! Focus mode (DESIGN.md §5): the timer engine that runs in Rust on a monotonic clock, survives
//! restarts and never lets a wall-clock change shorten a strict session; the blocklists (apps and
//! sites) with presets for exam preparers; and the hosts-file writer used by the privileged
//! helper `daka-blockd`. Pure logic and file formats: the process watcher and the helper's socket
//! live in the app and the helper binary.

#![forbid(unsafe_code)]

pub mod blocklist;
pub mod clock;
pub mod hosts;
pub mod settings;
pub mod timer;
pub mod watcher;
