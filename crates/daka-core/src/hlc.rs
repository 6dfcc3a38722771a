//! A hybrid logical clock packed into one `i64`, used as the `version` of records that sync.
//!
//! Layout: `(unix_millis << 16) | counter`. It sorts like the HLC strings of Actual Budget or
//! Spacedrive but compares identically as an integer in SQLite and PostgreSQL (no collation
//! traps). Ties between devices are broken by `device_id` at the comparison site.
//!
//! Invariant: every value returned by [`Hlc::tick`] is strictly greater than every value the
//! clock returned or observed before, even when the wall clock goes backwards.

/// Bits reserved for the logical counter.
const COUNTER_BITS: u32 = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Hlc {
    last: i64,
}

impl Hlc {
    /// Resumes from the last persisted value.
    pub fn from_last(last: i64) -> Self {
        Self { last }
    }

    pub fn last(&self) -> i64 {
        self.last
    }

    /// The version for a local write happening at `now_millis`.
    pub fn tick(&mut self, now_millis: i64) -> i64 {
        let physical = now_millis.max(0).saturating_mul(1 << COUNTER_BITS);
        self.last = physical.max(self.last.saturating_add(1));
        self.last
    }

    /// Takes a version seen from another device into account, so later local writes sort after it.
    pub fn observe(&mut self, remote: i64) {
        self.last = self.last.max(remote);
    }

    /// The wall-clock part of a version, in Unix milliseconds.
    pub fn physical_millis(version: i64) -> i64 {
        version >> COUNTER_BITS
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rstest::rstest;

    use super::*;

    #[rstest]
    fn tick_encodes_the_physical_time() {
        let mut hlc = Hlc::default();
        let v = hlc.tick(1_800_000_000_000);
        assert_eq!(Hlc::physical_millis(v), 1_800_000_000_000);
    }

    #[rstest]
    fn tick_is_monotonic_when_the_wall_clock_goes_back() {
        let mut hlc = Hlc::default();
        let a = hlc.tick(2_000);
        let b = hlc.tick(1_000);
        assert!(b > a);
    }

    proptest! {
        #[test]
        fn versions_strictly_increase(steps in proptest::collection::vec((0i64..4_000_000_000_000, any::<bool>(), 0i64..i64::MAX >> 1), 1..200)) {
            let mut hlc = Hlc::default();
            let mut previous = i64::MIN;
            for (now, is_remote, remote) in steps {
                if is_remote {
                    hlc.observe(remote);
                    previous = previous.max(remote);
                } else {
                    let v = hlc.tick(now);
                    prop_assert!(v > previous);
                    previous = v;
                }
            }
        }
    }
}
