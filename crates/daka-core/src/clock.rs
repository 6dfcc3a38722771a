//! Where "now" comes from. Nothing in Daka reads the system clock directly: it asks a [`Clock`],
//! so tests and end-to-end runs can pin the time and day logic is testable on any date.

use std::fmt::Debug;
use std::time::Instant;

use chrono::{DateTime, FixedOffset, Utc};

/// A source of the current instant.
pub trait Clock: Send + Sync + Debug {
    fn now(&self) -> DateTime<Utc>;
}

/// The real wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that always reads the same instant. For unit tests.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

/// A clock that starts at a pinned instant and then runs at real speed (measured on the monotonic
/// clock). End-to-end tests use it so "now" is known but timers still move.
#[derive(Debug, Clone, Copy)]
pub struct PinnedClock {
    pinned: DateTime<Utc>,
    started: Instant,
}

impl PinnedClock {
    pub fn new(pinned: DateTime<Utc>) -> Self {
        Self { pinned, started: Instant::now() }
    }

    /// Parses an RFC 3339 instant with an explicit offset, e.g. `2026-03-08T19:30:00+08:00`.
    /// An offset is required: a bare local time would depend on the test machine's zone.
    pub fn parse(value: &str) -> Result<Self, chrono::ParseError> {
        let at: DateTime<FixedOffset> = DateTime::parse_from_rfc3339(value.trim())?;
        Ok(Self::new(at.with_timezone(&Utc)))
    }
}

impl Clock for PinnedClock {
    fn now(&self) -> DateTime<Utc> {
        let elapsed =
            chrono::Duration::from_std(self.started.elapsed()).unwrap_or(chrono::Duration::zero());
        self.pinned + elapsed
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use rstest::rstest;

    use super::*;

    #[rstest]
    fn pinned_clock_starts_at_the_pinned_instant_and_moves_forward() {
        let clock = PinnedClock::parse("2026-03-08T19:30:00+08:00").unwrap();
        let now = clock.now();
        let pinned = Utc.with_ymd_and_hms(2026, 3, 8, 11, 30, 0).unwrap();
        assert!(now >= pinned);
        assert!(now - pinned < chrono::Duration::seconds(5));
        assert!(clock.now() >= now);
    }

    #[rstest]
    #[case("2026-03-08T19:30:00")]
    #[case("2026-03-08")]
    #[case("")]
    fn pinned_clock_requires_an_offset(#[case] value: &str) {
        assert!(PinnedClock::parse(value).is_err());
    }
}
