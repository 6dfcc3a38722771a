//! The history of day rules (home time zone + day start).
//!
//! Changing the time zone or the day start must never re-bucket history or silently shorten the
//! current day (DESIGN.md §4). So a rule is never edited: a change becomes a new rule that takes
//! effect at the next boundary of the rule in force. [`DayRules`] answers "which study day is
//! instant `t`?" across those periods.
//!
//! At a switch the date may repeat (travelling west: the new zone is still on the same date) —
//! that time simply continues the same study day — or skip (travelling east), which the streak
//! rules treat as a travel day. The date never goes backwards: if the new rule would give an
//! earlier date than the last one of the old rule, the old rule's last date continues until the
//! new rule catches up.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::day::{DayStart, day_boundary, logical_date, next_boundary};
use crate::ids::DayRuleId;

/// One period of day rules, in force from `effective_from` until the next rule's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayRule {
    pub id: DayRuleId,
    pub effective_from: DateTime<Utc>,
    pub tz: Tz,
    pub day_start: DayStart,
}

impl DayRule {
    pub fn logical_date(&self, t: DateTime<Utc>) -> NaiveDate {
        logical_date(t, self.tz, self.day_start)
    }
}

/// All rules, ordered by `effective_from`. Never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayRules {
    rules: Vec<DayRule>,
}

/// A list of rules must hold at least one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("there are no day rules yet")]
pub struct NoDayRules;

impl DayRules {
    pub fn new(mut rules: Vec<DayRule>) -> Result<Self, NoDayRules> {
        if rules.is_empty() {
            return Err(NoDayRules);
        }
        rules.sort_by_key(|r| (r.effective_from, r.id));
        Ok(Self { rules })
    }

    /// The first rule applies to every instant before it too: history before onboarding is read
    /// with the rule the user chose at onboarding.
    pub fn rule_at(&self, t: DateTime<Utc>) -> &DayRule {
        let index = self.rules.partition_point(|r| r.effective_from <= t);
        &self.rules[index.saturating_sub(1)]
    }

    /// The rule study day `date` is planned with: the last rule whose first study day is on or
    /// before `date` (a scheduled change applies from the day it takes effect).
    pub fn rule_for_date(&self, date: NaiveDate) -> &DayRule {
        let index = self.rules.partition_point(|r| r.logical_date(r.effective_from) <= date);
        &self.rules[index.saturating_sub(1)]
    }

    /// The rule that will apply after every scheduled change, i.e. the last one.
    pub fn latest(&self) -> &DayRule {
        // Invariant: never empty (checked in `new`).
        &self.rules[self.rules.len() - 1]
    }

    /// A rule that has been recorded but is not in force yet at `now`.
    pub fn pending(&self, now: DateTime<Utc>) -> Option<&DayRule> {
        self.rules.iter().rev().find(|r| r.effective_from > now)
    }

    pub fn rules(&self) -> &[DayRule] {
        &self.rules
    }

    /// The study day of instant `t`, across rule changes. Monotonic in `t`.
    pub fn logical_date(&self, t: DateTime<Utc>) -> NaiveDate {
        let index = self.rules.partition_point(|r| r.effective_from <= t).saturating_sub(1);
        let mut date = self.rules[index].logical_date(t);
        // Keep the date from going backwards at a switch to a zone further west.
        for i in (1..=index).rev() {
            let switch = self.rules[i].effective_from;
            let before = self.rules[i - 1].logical_date(switch - chrono::Duration::seconds(1));
            date = date.max(before);
        }
        date
    }

    /// When the change to (`tz`, `day_start`) requested at `now` takes effect: the end of the
    /// current study day under the rule in force.
    pub fn change_takes_effect(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        let rule = self.rule_at(now);
        next_boundary(now, rule.tz, rule.day_start)
    }

    /// The first instant of `date` under the rule in force at `now`. For display ("today
    /// started at 04:00") and for scheduling; never used to decide which day an instant is in.
    pub fn boundary_of(&self, date: NaiveDate, now: DateTime<Utc>) -> DateTime<Utc> {
        let rule = self.rule_at(now);
        day_boundary(date, rule.tz, rule.day_start)
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};
    use chrono_tz::{America, Asia, Europe, Pacific};
    use proptest::prelude::*;
    use rstest::rstest;

    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn rule(from: &str, tz: Tz, start: &str) -> DayRule {
        DayRule {
            id: DayRuleId::generate(),
            effective_from: utc(from),
            tz,
            day_start: DayStart::parse(start).unwrap(),
        }
    }

    #[rstest]
    fn empty_rules_are_refused() {
        assert_eq!(DayRules::new(vec![]), Err(NoDayRules));
    }

    #[rstest]
    fn the_first_rule_also_reads_earlier_history() {
        let rules =
            DayRules::new(vec![rule("2026-09-01T00:00:00Z", Asia::Shanghai, "04:00")]).unwrap();
        assert_eq!(rules.logical_date(utc("2026-01-01T12:00:00Z")), "2026-01-01".parse().unwrap());
    }

    #[rstest]
    fn a_change_waits_for_the_next_boundary() {
        let first = rule("2026-09-01T00:00:00Z", Asia::Shanghai, "04:00");
        let rules = DayRules::new(vec![first]).unwrap();
        // 2026-11-22 10:00 in Shanghai: the day ends 2026-11-23 04:00 +08 = 2026-11-22T20:00Z.
        let now = utc("2026-11-22T02:00:00Z");
        assert_eq!(rules.change_takes_effect(now), utc("2026-11-22T20:00:00Z"));
    }

    #[rstest]
    fn moving_west_repeats_the_date_instead_of_going_back() {
        // Shanghai until the 2026-11-23 boundary, then London with a midnight day start.
        let rules = DayRules::new(vec![
            rule("2026-09-01T00:00:00Z", Asia::Shanghai, "04:00"),
            rule("2026-11-22T20:00:00Z", Europe::London, "00:00"),
        ])
        .unwrap();
        let d = |s| rules.logical_date(utc(s));
        assert_eq!(d("2026-11-22T19:59:59Z"), "2026-11-22".parse().unwrap());
        // London is at 20:00 on the 22nd: the same study day continues.
        assert_eq!(d("2026-11-22T20:00:00Z"), "2026-11-22".parse().unwrap());
        assert_eq!(d("2026-11-23T00:00:00Z"), "2026-11-23".parse().unwrap());
        assert!(rules.pending(utc("2026-11-22T10:00:00Z")).is_some());
        assert!(rules.pending(utc("2026-11-22T20:00:00Z")).is_none());
    }

    #[rstest]
    fn a_far_westward_jump_never_goes_back_a_day() {
        // Kiritimati (+14) to Pago Pago (-11): 25 hours apart.
        let rules = DayRules::new(vec![
            rule("2026-01-01T00:00:00Z", Pacific::Kiritimati, "04:00"),
            rule("2026-03-01T14:00:00Z", Pacific::Pago_Pago, "06:00"),
        ])
        .unwrap();
        let before = rules.logical_date(utc("2026-03-01T13:59:59Z"));
        let after = rules.logical_date(utc("2026-03-01T14:00:00Z"));
        assert_eq!(before, "2026-03-01".parse().unwrap());
        assert_eq!(after, before);
    }

    #[rstest]
    fn moving_east_shortens_the_switch_day() {
        let rules = DayRules::new(vec![
            rule("2026-01-01T00:00:00Z", America::Los_Angeles, "04:00"),
            // the 2026-06-11 04:00 PDT boundary
            rule("2026-06-11T11:00:00Z", Asia::Tokyo, "04:00"),
        ])
        .unwrap();
        assert_eq!(rules.logical_date(utc("2026-06-11T10:59:59Z")), "2026-06-10".parse().unwrap());
        // 20:00 in Tokyo on the 11th: the 11th lasts only until 04:00 Tokyo time (8 hours).
        assert_eq!(rules.logical_date(utc("2026-06-11T11:00:00Z")), "2026-06-11".parse().unwrap());
        assert_eq!(rules.logical_date(utc("2026-06-11T19:00:00Z")), "2026-06-12".parse().unwrap());
    }

    const ZONES: [Tz; 6] = [
        Asia::Shanghai,
        Europe::London,
        America::Sao_Paulo,
        Asia::Kathmandu,
        Pacific::Apia,
        America::New_York,
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1_000))]

        /// Whatever the changes, the study date never decreases as time moves forward.
        #[test]
        fn logical_date_is_monotonic_across_changes(
            changes in proptest::collection::vec((0usize..6, 0u16..=360, 1i64..2_000_000), 1..6),
            probes in proptest::collection::vec(0i64..12_000_000, 2..40),
        ) {
            let base = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
            let mut list = vec![DayRule { id: DayRuleId::generate(), effective_from: base, tz: ZONES[0], day_start: DayStart::DEFAULT }];
            let mut at = base;
            for (zone, start, gap) in changes {
                let current = DayRules::new(list.clone()).unwrap();
                at = current.change_takes_effect(at + Duration::seconds(gap));
                list.push(DayRule { id: DayRuleId::generate(), effective_from: at, tz: ZONES[zone], day_start: DayStart::from_minutes(start).unwrap() });
            }
            let rules = DayRules::new(list).unwrap();
            let mut probes = probes;
            probes.sort_unstable();
            let mut last = None;
            for p in probes {
                let d = rules.logical_date(base + Duration::seconds(p));
                if let Some(prev) = last { prop_assert!(d >= prev); }
                last = Some(d);
            }
        }
    }
}
