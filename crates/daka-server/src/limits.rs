//! Rate limits on the endpoints that take guesses: sign-in, sign-up, invite redemption.
//!
//! A fixed window per key (client address, and for sign-in also the username, so a slow
//! distributed guesser is stopped per account). In memory, per process: behind a load balancer
//! each process limits on its own, which multiplies the allowance by the number of processes —
//! still enough to make guessing a password or a 130-bit invite code hopeless.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How many attempts a key gets per window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub attempts: u32,
    pub window: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub sign_in: Limit,
    pub sign_up: Limit,
    pub join: Limit,
}

impl Default for Limits {
    fn default() -> Self {
        let five_minutes = Duration::from_secs(300);
        let hour = Duration::from_secs(3600);
        Limits {
            sign_in: Limit { attempts: 10, window: five_minutes },
            sign_up: Limit { attempts: 10, window: hour },
            join: Limit { attempts: 30, window: hour },
        }
    }
}

/// Keys kept before old windows are swept.
const SWEEP_ABOVE: usize = 10_000;

#[derive(Debug, Default)]
pub struct RateLimiter {
    windows: Mutex<HashMap<String, (Instant, u32)>>,
}

impl RateLimiter {
    /// Counts an attempt for `key`; `Err(seconds)` says how long until the next one is allowed.
    pub fn check(&self, key: &str, limit: Limit, now: Instant) -> Result<(), u64> {
        let mut windows = self.windows.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if windows.len() > SWEEP_ABOVE {
            windows.retain(|_, (start, _)| now.duration_since(*start) < limit.window);
        }
        let entry = windows.entry(key.to_owned()).or_insert((now, 0));
        if now.duration_since(entry.0) >= limit.window {
            *entry = (now, 0);
        }
        if entry.1 >= limit.attempts {
            let wait = limit.window.saturating_sub(now.duration_since(entry.0));
            return Err(wait.as_secs().max(1));
        }
        entry.1 += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_stopped_after_its_attempts_until_the_window_ends() {
        let limiter = RateLimiter::default();
        let limit = Limit { attempts: 2, window: Duration::from_secs(60) };
        let t = Instant::now();
        assert!(limiter.check("ip", limit, t).is_ok());
        assert!(limiter.check("ip", limit, t).is_ok());
        assert_eq!(limiter.check("ip", limit, t + Duration::from_secs(10)), Err(50));
        assert!(limiter.check("other", limit, t).is_ok());
        assert!(limiter.check("ip", limit, t + Duration::from_secs(60)).is_ok());
    }
}
