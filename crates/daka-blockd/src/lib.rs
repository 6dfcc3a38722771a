//! `daka-blockd`: Daka's privileged website blocker (DESIGN.md §5), and the [`Client`] the app
//! talks to it with.
//!
//! A small root service (`daka-blockd serve`, a systemd unit) listens on
//! `/run/daka-blockd.sock`. While a focus block runs it writes, below `--root` (`/`):
//!
//! * a marked section in `etc/hosts` (`0.0.0.0` and `::` for each site and its `www.`/`m.`),
//!   through [`daka_focus::hosts`];
//! * `etc/chromium/policies/managed/daka.json` and `etc/opt/chrome/policies/managed/daka.json`
//!   (`URLBlocklist`, `DnsOverHttpsMode: "off"`);
//! * `etc/firefox/policies/policies.json` (`WebsiteFilter`, DNS-over-HTTPS off and locked), only
//!   if the administrator has none of their own;
//!
//! then flushes the DNS cache. It re-checks every 15 s and within a second of any change to
//! those files, and rewrites what was removed or altered. When the block ends it removes
//! exactly what it wrote and flushes DNS again.
//!
//! # Decisions and invariants
//!
//! * **A ratchet, not a switch** ([`ratchet`]). Requests can only make a running block
//!   stricter: more sites, a later end, strict on. A strict block cannot be stopped through
//!   the socket by anyone. This is what makes a block worth starting (SelfControl's lesson: a
//!   block the app can lift is lifted in a weak moment), and it is also why the socket is
//!   open to every local user by default (`--allow-uid` narrows it): the worst a local user
//!   can do is block some sites for at most 24 h, which any user could already make
//!   pointless by not using the machine. While a block runs only its owner (or root) may
//!   change it, and every mutating request comes from a uid the kernel vouches for
//!   (`SO_PEERCRED`). With `--allow-uid`, root is not implied: root has `cleanup --force`.
//! * **24 h cap.** A request can never put the end more than 24 h after itself, and a block
//!   restored after a reboot is clamped to 24 h too, so no bug or clock trick makes a
//!   permablock.
//! * **Boot time decides, wall time only carries.** The end is kept on `CLOCK_BOOTTIME`
//!   (monotonic, counts suspend), so changing the system clock never shortens a block. The
//!   state file also keeps the wall-clock end and the kernel boot id: a restarted daemon in the
//!   same boot keeps the boot-time end; after a reboot (boot time restarts at 0) it uses the
//!   wall-clock end ([`state`]).
//! * **Never restore a whole-file backup.** Only the marked section is added and removed, so
//!   everything else in `/etc/hosts`, including edits made while the block ran, stays. A file
//!   with a single or doubled marker is never guessed at: a start is refused
//!   (`hosts_broken`) with nothing written anywhere. `remove(apply(x)) == x` byte for byte.
//! * **The state is written first and removed last** ([`service`]), so a crash leaves enough
//!   to finish the job: at every start (systemd starts the daemon at boot) a block that is
//!   still running is re-applied, and the layers of one that ended, or of no known block, are
//!   removed, with the temp files of interrupted writes.
//! * **Never panics on input.** Frames are length-checked before anything is allocated
//!   (64 KiB), every read has a deadline, and each connection has its own thread (at most 32).
//!
//! # Undoing a block (for administrators)
//!
//! The goal is "tedious", not "impossible"; an administrator can always undo a block:
//!
//! * `sudo daka-blockd cleanup --force` removes the state and every layer; a running daemon
//!   notices the state is gone and lets the block go instead of repairing it.
//! * Removing the package (or `daka-blockd uninstall`) does the same and removes the service.
//! * Editing `/etc/hosts` by hand does not help while the daemon runs (it repairs the section
//!   within a second). `sudo systemctl stop daka-blockd` does not remove a block either: it
//!   freezes the layers in place until the daemon starts again (the next boot at the latest),
//!   which then resumes or cleans up; stopping the service is not an undo, `cleanup --force`
//!   is.

#![forbid(unsafe_code)]

pub mod client;
pub mod protocol;
pub mod ratchet;

#[cfg(target_os = "linux")]
pub mod cli;
#[cfg(target_os = "linux")]
pub mod clock;
#[cfg(target_os = "linux")]
pub mod install;
#[cfg(target_os = "linux")]
pub mod layers;
#[cfg(target_os = "linux")]
pub mod server;
#[cfg(target_os = "linux")]
pub mod service;
#[cfg(target_os = "linux")]
pub mod state;

pub use client::{Client, ClientError, SYSTEM_SOCKET};
pub use protocol::{ErrorCode, LayerState, Layers, Status};
