//! The daemon's clocks: `CLOCK_BOOTTIME` (monotonic, keeps counting through suspend, so a
//! laptop closed for an hour has an hour less of its block) and the wall clock (only to carry a
//! block across a reboot and to show the end to the user).

use std::fmt::Debug;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use crate::ratchet::Now;

/// A source of [`Now`]; the daemon uses [`SystemClock`], tests [`FakeClock`].
pub trait Clock: Send + Sync + Debug {
    fn now(&self) -> Now;
}

/// The real clocks.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Now {
        let t = rustix::time::clock_gettime(rustix::time::ClockId::Boottime);
        let secs = u64::try_from(t.tv_sec).unwrap_or(0);
        let nanos = u64::try_from(t.tv_nsec).unwrap_or(0);
        Now {
            boot_ms: secs.saturating_mul(1000).saturating_add(nanos / 1_000_000),
            wall_ms: chrono::Utc::now().timestamp_millis(),
        }
    }
}

/// A clock tests move by hand.
#[derive(Debug, Default)]
pub struct FakeClock {
    boot_ms: AtomicU64,
    wall_ms: AtomicI64,
}

impl FakeClock {
    pub fn new(now: Now) -> Self {
        FakeClock { boot_ms: AtomicU64::new(now.boot_ms), wall_ms: AtomicI64::new(now.wall_ms) }
    }

    /// Lets `ms` pass on both clocks.
    pub fn advance(&self, ms: u64) {
        self.boot_ms.fetch_add(ms, Ordering::SeqCst);
        self.wall_ms.fetch_add(i64::try_from(ms).unwrap_or(0), Ordering::SeqCst);
    }

    /// Moves the wall clock only, as a user changing the system time does.
    pub fn jump_wall(&self, ms: i64) {
        self.wall_ms.fetch_add(ms, Ordering::SeqCst);
    }

    pub fn set(&self, now: Now) {
        self.boot_ms.store(now.boot_ms, Ordering::SeqCst);
        self.wall_ms.store(now.wall_ms, Ordering::SeqCst);
    }
}

impl Clock for FakeClock {
    fn now(&self) -> Now {
        Now {
            boot_ms: self.boot_ms.load(Ordering::SeqCst),
            wall_ms: self.wall_ms.load(Ordering::SeqCst),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_boot_clock_moves_forward() {
        let a = SystemClock.now();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let b = SystemClock.now();
        assert!(b.boot_ms >= a.boot_ms + 15);
        assert!(a.boot_ms > 0 && a.wall_ms > 1_600_000_000_000);
    }
}
