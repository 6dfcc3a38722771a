//! One group day's board: who punched in, in 接龙 order, who is on leave, who has not yet.
//!
//! * Only punch-ins for the board's date by users in `members` count; a member listed twice
//!   counts once (the first listing).
//! * A member has one entry however many times they punched in: placed by their earliest
//!   `created_utc` (ties by user id), on time if any of that day's punch-ins was, and with the
//!   exact time hidden if any of them asked to hide it. The hidden time still orders the relay;
//!   only the instant is withheld.
//! * Minutes are summed per subject display name (the colour of the earliest punch-in that
//!   names it), subjects with no minutes dropped, most minutes first.
//! * Members with no punch-in are on leave if listed in `on_leave`, else missing, both in
//!   `members` order. Punching in wins over leave.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::clock::{GroupClock, Timeliness};
use crate::journal::Mood;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BoardMember {
    pub user_id: String,
    pub nickname: String,
}

/// Minutes on one subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BoardMinutes {
    /// The subject's display name, already resolved.
    pub subject: String,
    /// `#rrggbb`.
    pub color: String,
    pub minutes: u32,
}

/// A member's punch-in as the group sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BoardPunchIn {
    pub user_id: String,
    /// The member's own study date.
    pub date: NaiveDate,
    /// The device's clock when it was written: the evidence for timeliness.
    pub created_utc: DateTime<Utc>,
    /// Whether the member lets the group see the exact time.
    pub show_time: bool,
    pub minutes: Vec<BoardMinutes>,
    pub note: Option<String>,
    pub mood: Option<Mood>,
}

/// One member's line on the board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BoardEntry {
    /// 1-based relay position.
    pub position: u32,
    pub user_id: String,
    pub nickname: String,
    /// The earliest punch-in of the day; `None` when the member hides exact times.
    pub first_punch_utc: Option<DateTime<Utc>>,
    pub timeliness: Timeliness,
    /// Summed per subject, most minutes first, then by subject name.
    pub minutes: Vec<BoardMinutes>,
    pub total_minutes: u32,
    /// The day's non-blank notes, earliest first.
    pub notes: Vec<String>,
    /// The mood of the latest punch-in that has one.
    pub mood: Option<Mood>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Board {
    pub date: NaiveDate,
    pub deadline_utc: DateTime<Utc>,
    pub entries: Vec<BoardEntry>,
    pub on_leave: Vec<BoardMember>,
    pub missing: Vec<BoardMember>,
}

/// The board of group day `date`. `on_leave` holds user ids.
pub fn board(
    clock: &GroupClock,
    date: NaiveDate,
    members: &[BoardMember],
    punch_ins: &[BoardPunchIn],
    on_leave: &[String],
) -> Board {
    let mut seen = HashSet::new();
    let members: Vec<&BoardMember> =
        members.iter().filter(|m| seen.insert(m.user_id.as_str())).collect();
    let index: HashMap<&str, usize> =
        members.iter().enumerate().map(|(i, m)| (m.user_id.as_str(), i)).collect();

    let mut by_member: Vec<Vec<&BoardPunchIn>> = vec![Vec::new(); members.len()];
    for p in punch_ins.iter().filter(|p| p.date == date) {
        if let Some(&i) = index.get(p.user_id.as_str()) {
            by_member[i].push(p);
        }
    }

    let on_leave: HashSet<&str> = on_leave.iter().map(String::as_str).collect();
    let mut entries = Vec::new();
    let (mut leave, mut missing) = (Vec::new(), Vec::new());
    for (member, mut day) in members.into_iter().zip(by_member) {
        // Stable: punch-ins created at the same instant keep their input order.
        day.sort_by_key(|p| p.created_utc);
        match day.first() {
            Some(first) => entries.push((first.created_utc, entry(clock, date, member, &day))),
            None if on_leave.contains(member.user_id.as_str()) => leave.push(member.clone()),
            None => missing.push(member.clone()),
        }
    }

    entries.sort_by(|(a, x), (b, y)| a.cmp(b).then_with(|| x.user_id.cmp(&y.user_id)));
    let entries = entries
        .into_iter()
        .zip(1u32..)
        .map(|((_, e), position)| BoardEntry { position, ..e })
        .collect();
    Board { date, deadline_utc: clock.deadline_instant(date), entries, on_leave: leave, missing }
}

/// One member's entry from their punch-ins of the day, sorted by creation time, not empty.
/// The position is filled in once all entries are ordered.
fn entry(
    clock: &GroupClock,
    date: NaiveDate,
    member: &BoardMember,
    day: &[&BoardPunchIn],
) -> BoardEntry {
    let on_time = day.iter().any(|p| clock.judge(date, p.created_utc) == Timeliness::OnTime);
    let minutes = subject_totals(day);
    BoardEntry {
        position: 0,
        user_id: member.user_id.clone(),
        nickname: member.nickname.clone(),
        first_punch_utc: day
            .first()
            .filter(|_| day.iter().all(|p| p.show_time))
            .map(|p| p.created_utc),
        timeliness: if on_time { Timeliness::OnTime } else { Timeliness::Late },
        total_minutes: minutes.iter().fold(0, |sum, m| sum.saturating_add(m.minutes)),
        minutes,
        notes: day
            .iter()
            .filter_map(|p| p.note.as_ref())
            .filter(|n| !n.trim().is_empty())
            .cloned()
            .collect(),
        mood: day.iter().rev().find_map(|p| p.mood),
    }
}

/// Minutes summed per subject name, in board order.
fn subject_totals(day: &[&BoardPunchIn]) -> Vec<BoardMinutes> {
    let mut totals: Vec<BoardMinutes> = Vec::new();
    for m in day.iter().flat_map(|p| &p.minutes) {
        match totals.iter_mut().find(|t| t.subject == m.subject) {
            Some(t) => t.minutes = t.minutes.saturating_add(m.minutes),
            None => totals.push(m.clone()),
        }
    }
    totals.retain(|t| t.minutes > 0);
    totals.sort_by(|a, b| b.minutes.cmp(&a.minutes).then_with(|| a.subject.cmp(&b.subject)));
    totals
}

#[cfg(test)]
pub(super) mod tests {
    use chrono::{Duration, TimeZone};
    use chrono_tz::Asia;
    use proptest::prelude::*;
    use rstest::rstest;

    use super::*;
    use crate::group::Deadline;

    pub(in crate::group) fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    pub(in crate::group) fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    pub(in crate::group) fn shanghai() -> GroupClock {
        GroupClock::new(Asia::Shanghai, Deadline::parse("22:30").unwrap())
    }

    pub(in crate::group) fn member(id: &str, nickname: &str) -> BoardMember {
        BoardMember { user_id: id.into(), nickname: nickname.into() }
    }

    pub(in crate::group) fn mins(subject: &str, minutes: u32) -> BoardMinutes {
        BoardMinutes { subject: subject.into(), color: "#3366cc".into(), minutes }
    }

    pub(in crate::group) fn punch(
        id: &str,
        day: &str,
        at: &str,
        minutes: Vec<BoardMinutes>,
    ) -> BoardPunchIn {
        BoardPunchIn {
            user_id: id.into(),
            date: date(day),
            created_utc: utc(at),
            show_time: true,
            minutes,
            note: None,
            mood: None,
        }
    }

    fn ids(entries: &[BoardEntry]) -> Vec<&str> {
        entries.iter().map(|e| e.user_id.as_str()).collect()
    }

    fn names(members: &[BoardMember]) -> Vec<&str> {
        members.iter().map(|m| m.nickname.as_str()).collect()
    }

    const DAY: &str = "2026-12-06";

    #[rstest]
    fn relay_order_is_by_first_punch_then_user_id() {
        let members = [member("c", "C"), member("a", "A"), member("b", "B"), member("d", "D")];
        let punch_ins = [
            punch("b", DAY, "2026-12-06T10:00:00Z", vec![]),
            punch("c", DAY, "2026-12-06T09:00:00Z", vec![]),
            punch("a", DAY, "2026-12-06T10:00:00Z", vec![]),
            // c's later punch-in does not move c.
            punch("c", DAY, "2026-12-06T11:00:00Z", vec![]),
        ];
        let b = board(&shanghai(), date(DAY), &members, &punch_ins, &[]);
        assert_eq!(ids(&b.entries), ["c", "a", "b"]);
        assert_eq!(b.entries.iter().map(|e| e.position).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(b.entries[0].first_punch_utc, Some(utc("2026-12-06T09:00:00Z")));
        assert_eq!(names(&b.missing), ["D"]);
        assert_eq!(b.deadline_utc, utc("2026-12-06T14:30:00Z"));
        assert_eq!(b.date, date(DAY));
    }

    #[rstest]
    fn minutes_notes_and_mood_are_aggregated_per_member() {
        let mut first = punch("a", DAY, "2026-12-06T01:00:00Z", vec![mins("英语一", 30)]);
        first.note = Some("背单词".into());
        first.mood = Some(Mood::Good);
        let mut second = punch(
            "a",
            DAY,
            "2026-12-06T05:00:00Z",
            vec![mins("数学一", 120), mins("英语一", 60), mins("政治", 0)],
        );
        second.note = Some("  ".into());
        let mut third = punch("a", DAY, "2026-12-06T08:00:00Z", vec![mins("专业课", 90)]);
        third.note = Some("真题".into());
        third.mood = Some(Mood::Tired);
        // Given out of order: the board sorts by creation time.
        let b = board(&shanghai(), date(DAY), &[member("a", "小李")], &[third, first, second], &[]);
        let e = &b.entries[0];
        assert_eq!(e.minutes, [mins("数学一", 120), mins("专业课", 90), mins("英语一", 90)]);
        assert_eq!(e.total_minutes, 300);
        assert_eq!(e.notes, ["背单词", "真题"]);
        assert_eq!(e.mood, Some(Mood::Tired));
        assert_eq!(e.nickname, "小李");
    }

    #[rstest]
    fn mood_is_the_latest_one_given() {
        let mut early = punch("a", DAY, "2026-12-06T01:00:00Z", vec![]);
        early.mood = Some(Mood::Great);
        let late = punch("a", DAY, "2026-12-06T02:00:00Z", vec![]);
        let b = board(&shanghai(), date(DAY), &[member("a", "A")], &[late, early], &[]);
        assert_eq!(b.entries[0].mood, Some(Mood::Great));
    }

    #[rstest]
    fn any_on_time_punch_in_makes_the_entry_on_time() {
        let late = punch("a", DAY, "2026-12-06T15:00:00Z", vec![mins("政治", 45)]);
        let on_time = punch("a", DAY, "2026-12-06T14:30:00Z", vec![]);
        let c = shanghai();
        let both = board(&c, date(DAY), &[member("a", "A")], &[late.clone(), on_time], &[]);
        assert_eq!(both.entries[0].timeliness, Timeliness::OnTime);
        let only_late = board(&c, date(DAY), &[member("a", "A")], &[late], &[]);
        assert_eq!(only_late.entries[0].timeliness, Timeliness::Late);
    }

    #[rstest]
    fn hiding_the_time_on_any_punch_in_hides_it() {
        let shown = punch("a", DAY, "2026-12-06T01:00:00Z", vec![]);
        let mut hidden = punch("a", DAY, "2026-12-06T02:00:00Z", vec![]);
        hidden.show_time = false;
        let members = [member("a", "A"), member("b", "B")];
        let b_early = punch("b", DAY, "2026-12-06T01:30:00Z", vec![]);
        let b = board(&shanghai(), date(DAY), &members, &[shown, hidden, b_early], &[]);
        assert_eq!(b.entries[0].first_punch_utc, None);
        // The hidden time still orders the relay.
        assert_eq!(ids(&b.entries), ["a", "b"]);
    }

    #[rstest]
    fn leave_missing_non_members_and_other_dates() {
        let members = [
            member("zhang", "小张"),
            member("zhao", "小赵"),
            member("li", "小李"),
            member("liu", "小刘"),
            member("wang", "小王"),
        ];
        let punch_ins = [
            punch("li", DAY, "2026-12-06T01:00:00Z", vec![]),
            punch("stranger", DAY, "2026-12-06T00:00:00Z", vec![]),
            punch("liu", "2026-12-05", "2026-12-05T01:00:00Z", vec![]),
            punch("wang", DAY, "2026-12-06T02:00:00Z", vec![]),
        ];
        let on_leave = ["wang".to_owned(), "zhao".to_owned(), "stranger".to_owned()];
        let b = board(&shanghai(), date(DAY), &members, &punch_ins, &on_leave);
        assert_eq!(ids(&b.entries), ["li", "wang"]);
        assert_eq!(names(&b.on_leave), ["小赵"]);
        assert_eq!(names(&b.missing), ["小张", "小刘"]);
    }

    #[rstest]
    fn a_member_listed_twice_appears_once() {
        let members = [member("a", "A"), member("b", "B"), member("a", "A again")];
        let b = board(&shanghai(), date(DAY), &members, &[], &[]);
        assert_eq!(names(&b.missing), ["A", "B"]);
        assert!(board(&shanghai(), date(DAY), &[], &[], &[]).entries.is_empty());
    }

    #[rstest]
    fn board_round_trips_through_json() {
        let mut p = punch("a", DAY, "2026-12-06T01:00:00Z", vec![mins("数学一", 120)]);
        p.mood = Some(Mood::Okay);
        let b = board(&shanghai(), date(DAY), &[member("a", "A"), member("b", "B")], &[p], &[]);
        let json = serde_json::to_string(&b).unwrap();
        assert!(json.contains("\"timeliness\":\"on_time\""), "{json}");
        assert_eq!(serde_json::from_str::<Board>(&json).unwrap(), b);
    }

    /// (user index, date offset, seconds after the day's start, show_time); indices past the
    /// members are non-members.
    type RawPunch = (usize, usize, i64, bool);

    /// (member count, punch-ins, user indices on leave).
    fn case() -> impl Strategy<Value = (usize, Vec<RawPunch>, Vec<usize>)> {
        (
            0usize..8,
            prop::collection::vec((0usize..10, 0usize..3, 0i64..172_800, any::<bool>()), 0..30),
            prop::collection::vec(0usize..10, 0..6),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn positions_order_and_membership((n, raw, leave) in case()) {
            let day = date(DAY);
            let start = Utc.with_ymd_and_hms(2026, 12, 5, 16, 0, 0).unwrap();
            let members: Vec<_> = (0..n).map(|i| member(&format!("u{i}"), &format!("N{i}"))).collect();
            let punch_ins: Vec<_> = raw
                .iter()
                .map(|&(u, d, s, show)| BoardPunchIn {
                    user_id: format!("u{u}"),
                    date: day + Duration::days(i64::try_from(d).unwrap() - 1),
                    created_utc: start + Duration::seconds(s),
                    show_time: show,
                    minutes: vec![mins("数学", u32::try_from(s % 97).unwrap())],
                    note: None,
                    mood: None,
                })
                .collect();
            let on_leave: Vec<_> = leave.iter().map(|i| format!("u{i}")).collect();
            let b = board(&shanghai(), day, &members, &punch_ins, &on_leave);

            let positions: Vec<u32> = b.entries.iter().map(|e| e.position).collect();
            let expected: Vec<u32> = (1..=u32::try_from(b.entries.len()).unwrap()).collect();
            prop_assert_eq!(positions, expected);

            let first = |id: &str| {
                punch_ins.iter().filter(|p| p.user_id == id && p.date == day).map(|p| p.created_utc).min()
            };
            let keys: Vec<_> = b.entries.iter().map(|e| (first(&e.user_id).unwrap(), e.user_id.clone())).collect();
            prop_assert!(keys.windows(2).all(|w| w[0] < w[1]), "{:?}", keys);

            let mut everyone: Vec<&str> = b.entries.iter().map(|e| e.user_id.as_str())
                .chain(b.on_leave.iter().chain(&b.missing).map(|m| m.user_id.as_str()))
                .collect();
            everyone.sort_unstable();
            let mut expected: Vec<&str> = members.iter().map(|m| m.user_id.as_str()).collect();
            expected.sort_unstable();
            prop_assert_eq!(everyone, expected);
        }
    }
}
