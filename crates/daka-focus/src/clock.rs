//! The timer's monotonic clock: time since boot *including* suspend.
//!
//! Why not `std::time::Instant`: on Linux it reads `CLOCK_MONOTONIC`, which stops while the
//! machine sleeps, so a 25-minute session would not end during a 10-minute suspend and would
//! run 10 minutes long. `CLOCK_BOOTTIME` keeps counting. Other systems (designed, not verified
//! here): Windows `QueryInterruptTime`, macOS `mach_continuous_time`; until those are wired
//! they fall back to `Instant`, which is monotonic but pauses during sleep on some of them.

use std::time::Duration;

/// Time since boot, counting suspend (Linux `CLOCK_BOOTTIME`).
#[cfg(any(target_os = "linux", target_os = "android"))]
pub fn boot_time() -> Duration {
    let ts = rustix::time::clock_gettime(rustix::time::ClockId::Boottime);
    // Both fields are non-negative for this clock; `try_from` only guards the impossible.
    Duration::new(u64::try_from(ts.tv_sec).unwrap_or(0), u32::try_from(ts.tv_nsec).unwrap_or(0))
}

/// Monotonic time since the first call (see the module docs for what is still to be wired).
#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub fn boot_time() -> Duration {
    use std::sync::OnceLock;
    use std::time::Instant;
    static ORIGIN: OnceLock<Instant> = OnceLock::new();
    ORIGIN.get_or_init(Instant::now).elapsed()
}

/// This boot's id (Linux `/proc/sys/kernel/random/boot_id`), to tell a restart after a reboot
/// from one in the same boot. `None` where the system has none.
pub fn boot_id() -> Option<String> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        std::fs::read_to_string("/proc/sys/kernel/random/boot_id")
            .ok()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::boot_time;

    #[test]
    fn this_boot_has_an_id_and_it_does_not_change() {
        let id = super::boot_id();
        if cfg!(target_os = "linux") {
            assert!(id.as_ref().is_some_and(|s| s.len() == 36), "{id:?}");
        }
        assert_eq!(id, super::boot_id());
    }

    #[test]
    fn boot_time_moves_forward() {
        let a = boot_time();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let b = boot_time();
        assert!(b >= a + std::time::Duration::from_millis(19), "{a:?} → {b:?}");
    }
}
