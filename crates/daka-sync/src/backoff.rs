//! Exponential backoff with full jitter (AWS architecture blog), capped, honouring the
//! server's `Retry-After` as a floor.

use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Backoff {
    base: Duration,
    cap: Duration,
    failures: u32,
}

impl Backoff {
    pub fn new(base: Duration, cap: Duration) -> Self {
        Backoff { base, cap, failures: 0 }
    }

    pub fn reset(&mut self) {
        self.failures = 0;
    }

    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// The wait after one more failure: uniform in [0, min(cap, base·2ⁿ)], but never less than
    /// what the server asked for.
    pub fn next_delay(&mut self, retry_after: Option<Duration>) -> Duration {
        let exp = self.base.saturating_mul(1u32 << self.failures.min(20));
        self.failures = self.failures.saturating_add(1);
        let ceiling = exp.min(self.cap);
        let jittered = ceiling.mul_f64(random_unit());
        retry_after.map_or(jittered, |r| jittered.max(r.min(Duration::from_secs(3600))))
    }
}

/// A uniform number in [0, 1) from the OS random source (0.5 if it fails: still bounded).
fn random_unit() -> f64 {
    let mut bytes = [0u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        return 0.5;
    }
    (u64::from_le_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_stay_under_the_cap_and_respect_retry_after() {
        let mut b = Backoff::new(Duration::from_secs(1), Duration::from_secs(60));
        for n in 0..30 {
            let d = b.next_delay(None);
            assert!(d <= Duration::from_secs(60).min(Duration::from_secs(1 << n.min(20))));
        }
        assert_eq!(b.failures(), 30);
        assert!(b.next_delay(Some(Duration::from_secs(90))) >= Duration::from_secs(90));
        b.reset();
        assert!(b.next_delay(None) <= Duration::from_secs(1));
    }
}
