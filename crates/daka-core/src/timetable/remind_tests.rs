#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use proptest::prelude::*;

use super::*;
use crate::day::DayStart;
use crate::day_rules::{DayRule, DayRules};
use crate::ids::{DayRuleId, TemplateId};
use crate::schedule::WeekdaySet;
use crate::timetable::{Block, BlockKind, DayOverride, Preset, Template, preset};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn rule(from: &str, tz: Tz, day_start: DayStart) -> DayRule {
    DayRule { id: DayRuleId::generate(), effective_from: utc(from), tz, day_start }
}

fn rules(tz: Tz) -> DayRules {
    DayRules::new(vec![rule("2020-01-01T00:00:00Z", tz, DayStart::DEFAULT)]).unwrap()
}

fn block(start_min: u16, end_min: u16, label: &str) -> Block {
    Block {
        id: BlockId::generate(),
        start_min,
        end_min,
        kind: BlockKind::Study,
        subject_id: None,
        label: label.into(),
        color: None,
        remind_before_min: None,
    }
}

fn every_day(blocks: Vec<Block>) -> Timetable {
    Timetable {
        templates: vec![Template {
            id: TemplateId::generate(),
            name: "每天".into(),
            weekdays: WeekdaySet::from_iso(&[1, 2, 3, 4, 5, 6, 7]).unwrap(),
            blocks,
        }],
        overrides: vec![],
    }
}

/// The 考研 preset (Monday to Saturday): 06:30 起床 … 19:00 散步 — 走一小时 … 23:00 睡觉.
fn kaoyan() -> Timetable {
    Timetable { templates: vec![preset(Preset::Kaoyan, Lang::ZhCn, &[])], overrides: vec![] }
}

/// The same day, every day of the week.
fn kaoyan_daily() -> Timetable {
    every_day(preset(Preset::Kaoyan, Lang::ZhCn, &[]).blocks)
}

fn settings(before: Option<u16>) -> BlockReminderSettings {
    BlockReminderSettings { enabled: true, at_start: true, default_before_min: before, quiet: None }
}

/// The 考研 day in Shanghai, 10 minutes' notice.
fn shanghai() -> Plan {
    plan(kaoyan(), Tz::Asia__Shanghai, Some(10))
}

fn find(tt: &Timetable, label: &str) -> Block {
    tt.templates[0].blocks.iter().find(|b| b.label.starts_with(label)).unwrap().clone()
}

type Shown = Vec<(DateTime<Utc>, DueReminder)>;

/// What the app hands the scheduler on each tick.
#[derive(Debug, Clone)]
struct Plan {
    tt: Timetable,
    rules: DayRules,
    settings: BlockReminderSettings,
}

fn plan(tt: Timetable, tz: Tz, before: Option<u16>) -> Plan {
    Plan { tt, rules: rules(tz), settings: settings(before) }
}

impl Plan {
    fn tick(&self, s: &mut BlockReminders, now: DateTime<Utc>) -> Vec<DueReminder> {
        s.tick(&self.tt, &self.rules, &self.settings, now)
    }

    fn next_due(&self, s: &BlockReminders, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        s.next_due(&self.tt, &self.rules, &self.settings, now)
    }

    /// The fake clock: a tick every 30 s from `from` to `to` inclusive.
    fn run(&self, s: &mut BlockReminders, from: DateTime<Utc>, to: DateTime<Utc>) -> Shown {
        let mut shown = Vec::new();
        let mut now = from;
        while now <= to {
            shown.extend(self.tick(s, now).into_iter().map(|r| (now, r)));
            now += step();
        }
        shown
    }
}

/// Each key at most once, each on the first tick at or after its instant.
fn assert_once_on_time(shown: &Shown) {
    let mut keys = BTreeSet::new();
    for (tick, r) in shown {
        assert!(keys.insert(r.key()), "fired twice: {r:?}");
        assert!(r.at <= *tick && *tick - r.at < step(), "late: {tick} {r:?}");
    }
}

fn titles(shown: &Shown) -> Vec<String> {
    shown.iter().map(|(_, r)| block_reminder_text(Lang::ZhCn, r, None).title).collect()
}

fn step() -> Duration {
    Duration::seconds(30)
}

/// Monday 2026-11-23 in Shanghai at `hm` ("19:00").
fn t(hm: &str) -> DateTime<Utc> {
    utc(&format!("2026-11-23T{hm}:00+08:00"))
}

#[test]
fn a_whole_day_fires_each_reminder_once_on_time() {
    let p = shanghai();
    let mut s = BlockReminders::new();
    // Monday 04:00 to Tuesday 04:00 (Sunday has no template, so nothing is left from it).
    let end = utc("2026-11-24T04:00:00+08:00");
    assert_eq!(p.next_due(&s, t("04:00")), Some(t("06:20")));
    let shown = p.run(&mut s, t("04:00"), end);
    assert_once_on_time(&shown);
    assert_eq!(shown.len(), 24, "{:?}", titles(&shown));
    for b in expand(&p.tt, d("2026-11-23"), d("2026-11-23"), Tz::Asia__Shanghai, DayStart::DEFAULT)
    {
        let of = |m| shown.iter().find(|(_, r)| r.block_id == b.block.id && r.moment == m).unwrap();
        assert_eq!(of(ReminderMoment::Start).1.at, b.start_utc);
        assert_eq!(of(ReminderMoment::Before).1.at, b.start_utc - Duration::minutes(10));
    }
    let walk = shown.iter().find(|(_, r)| r.block.block.label.starts_with("散步")).unwrap();
    assert_eq!(walk.0, t("18:50"));
    assert_eq!(p.next_due(&s, end), Some(utc("2026-11-24T06:20:00+08:00")));
}

#[test]
fn dst_nights_in_new_york_ring_once_and_on_the_real_clock() {
    use ReminderMoment::{Before, Start};
    let a = block(90, 120, "A");
    // A block starting in the skipped hour must reach past it to happen at all.
    let b = block(150, 210, "B");
    let c = block(180, 240, "C");
    let ny = |blocks| plan(every_day(blocks), Tz::America__New_York, Some(10));
    let (with_b, with_c) = (ny(vec![a.clone(), b.clone()]), ny(vec![a.clone(), c.clone()]));
    let spring = (utc("2027-03-13T12:00:00-05:00"), utc("2027-03-14T12:00:00-04:00"));
    let fall = (utc("2027-11-06T12:00:00-04:00"), utc("2027-11-07T12:00:00-05:00"));
    let at = |shown: &Shown, id: BlockId, m: ReminderMoment| -> Vec<DateTime<Utc>> {
        shown.iter().filter(|(_, r)| r.block_id == id && r.moment == m).map(|(t, _)| *t).collect()
    };

    // Spring forward, 02:00 → 03:00: B (02:30) rings at 03:00 EDT, its notice ten real minutes
    // before (01:50 EST); A at 01:30 EST.
    let shown = with_b.run(&mut BlockReminders::new(), spring.0, spring.1);
    assert_once_on_time(&shown);
    assert_eq!(at(&shown, b.id, Start), [utc("2027-03-14T03:00:00-04:00")]);
    assert_eq!(at(&shown, b.id, Before), [utc("2027-03-14T01:50:00-05:00")]);
    assert_eq!(at(&shown, a.id, Start), [utc("2027-03-14T01:30:00-05:00")]);
    let b_start = shown.iter().find(|(_, r)| r.block_id == b.id && r.moment == Start).unwrap();
    assert_eq!(block_reminder_text(Lang::En, &b_start.1, None).title, "03:00 B");
    // C at 03:00 with 10 minutes' notice: 01:50 EST, not a non-existent 02:50.
    let shown = with_c.run(&mut BlockReminders::new(), spring.0, spring.1);
    assert_once_on_time(&shown);
    assert_eq!(at(&shown, c.id, Before), [utc("2027-03-14T01:50:00-05:00")]);
    assert_eq!(at(&shown, c.id, Start), [utc("2027-03-14T03:00:00-04:00")]);
    assert_eq!(shown.len(), 4);

    // Fall back, 01:00–02:00 twice: A rings at the first 01:30 only.
    for p in [&with_b, &with_c] {
        let shown = p.run(&mut BlockReminders::new(), fall.0, fall.1);
        assert_once_on_time(&shown);
        assert_eq!(at(&shown, a.id, Start), [utc("2027-11-07T01:30:00-04:00")]);
        assert_eq!(at(&shown, a.id, Before), [utc("2027-11-07T01:20:00-04:00")]);
        assert_eq!(shown.len(), 4);
    }
    let shown = with_b.run(&mut BlockReminders::new(), fall.0, fall.1);
    assert_eq!(at(&shown, b.id, Start), [utc("2027-11-07T02:30:00-05:00")]);
}

#[test]
fn back_from_sleep_at_19_30_only_the_walk_rings_once() {
    let p = shanghai();
    let mut s = BlockReminders::new();
    let before_sleep = p.run(&mut s, t("04:00"), t("12:00")).len();
    let shown = p.tick(&mut s, t("19:30"));
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0].moment, ReminderMoment::Start);
    let text = block_reminder_text(Lang::ZhCn, &shown[0], None);
    assert_eq!((text.title.as_str(), text.body.as_str()), ("19:00 散步", "走一小时"));
    // The afternoon came due while asleep: fired silently, so it never rings later.
    let later = p.run(&mut s, t("19:30") + step(), utc("2026-11-24T04:00:00+08:00"));
    assert_once_on_time(&later);
    assert_eq!(titles(&later)[..2], ["10 分钟后：20:00 晚上学习", "20:00 晚上学习"]);
    // 10 in the morning, the walk, 6 in the evening; 7 in the afternoon fired silently.
    assert_eq!((before_sleep, later.len(), s.fired().count()), (10, 6, 24));
    assert!(s.take_changed());
    assert!(!s.take_changed());

    // Back at 19:52 instead: the walk is running, but the evening study's notice is fresher.
    let mut s = BlockReminders::new();
    p.tick(&mut s, t("12:00"));
    let shown: Shown = p.tick(&mut s, t("19:52")).into_iter().map(|r| (r.at, r)).collect();
    assert_eq!(titles(&shown), ["10 分钟后：20:00 晚上学习"]);
}

fn with_override(p: &Plan, changed: Vec<Block>, skipped: Vec<BlockId>) -> Plan {
    let o = DayOverride { date: d("2026-11-23"), skipped, changed, added: vec![] };
    Plan { tt: Timetable { overrides: vec![o], ..p.tt.clone() }, ..p.clone() }
}

#[test]
fn edits_keep_the_key_so_a_moved_block_rings_at_most_once() {
    let p = shanghai();
    let walk = find(&p.tt, "散步");
    let at = |start| vec![Block { start_min: start, ..walk.clone() }];
    let edited = with_override(&p, at(19 * 60 + 30), vec![]);

    // Not fired yet, moved from 19:00 to 19:30: rings at 19:20 and 19:30.
    let mut s = BlockReminders::new();
    p.run(&mut s, t("04:00"), t("18:00"));
    let shown = edited.run(&mut s, t("18:00") + step(), t("21:00"));
    assert_once_on_time(&shown);
    let walk_ticks: Vec<_> =
        shown.iter().filter(|(_, r)| r.block_id == walk.id).map(|(tick, _)| *tick).collect();
    assert_eq!(walk_ticks, [t("19:20"), t("19:30")]);

    // Already fired at 19:00, then moved to 19:30: silent.
    let mut s = BlockReminders::new();
    p.run(&mut s, t("04:00"), t("19:05"));
    let shown = edited.run(&mut s, t("19:05") + step(), t("21:00"));
    assert!(shown.iter().all(|(_, r)| r.block_id != walk.id), "{:?}", titles(&shown));

    // Moved to a time already gone (20:30 → 19:00 at 19:40, before it fired): silent too.
    let mut s = BlockReminders::new();
    with_override(&p, at(20 * 60 + 30), vec![]).run(&mut s, t("04:00"), t("19:40"));
    let shown = p.run(&mut s, t("19:40") + step(), t("19:45"));
    assert!(shown.is_empty(), "{:?}", titles(&shown));

    // Skipped that day: nothing at all.
    let mut s = BlockReminders::new();
    let shown = with_override(&p, vec![], vec![walk.id]).run(&mut s, t("04:00"), t("23:59"));
    assert!(shown.iter().all(|(_, r)| r.block_id != walk.id));
    assert!(s.fired().all(|k| k.block_id != walk.id));
}

#[test]
fn a_clock_set_back_never_rings_again() {
    let p = shanghai();
    let mut s = BlockReminders::new();
    let first = p.run(&mut s, t("04:00"), t("19:05"));
    let again = p.run(&mut s, t("17:05"), t("19:40"));
    assert!(again.is_empty(), "{:?}", titles(&again));
    let on = p.run(&mut s, t("19:40") + step(), t("20:05"));
    assert_eq!(titles(&on), ["10 分钟后：20:00 晚上学习", "20:00 晚上学习"]);
    assert_once_on_time(&first.into_iter().chain(on).collect());
}

#[test]
fn a_time_zone_change_never_rings_a_key_again() {
    // Shanghai until the 2026-11-23 04:00 boundary, then London: 11-22 continues there until
    // London's 04:00, and its evening blocks come round again eight hours later.
    let moved = Plan {
        rules: DayRules::new(vec![
            rule("2020-01-01T00:00:00Z", Tz::Asia__Shanghai, DayStart::DEFAULT),
            rule("2026-11-22T20:00:00Z", Tz::Europe__London, DayStart::DEFAULT),
        ])
        .unwrap(),
        ..plan(kaoyan_daily(), Tz::Asia__Shanghai, Some(10))
    };
    let mut s = BlockReminders::new();
    moved.tick(&mut s, utc("2026-11-22T12:00:00+08:00"));
    let shown = moved.run(&mut s, utc("2026-11-22T12:00:30+08:00"), utc("2026-11-23T12:00:00Z"));
    assert_once_on_time(&shown);
    let switch = utc("2026-11-22T20:00:00Z");
    assert!(shown.iter().all(|(tick, r)| *tick < switch || r.date == d("2026-11-23")));
    let wake = shown.iter().find(|(_, r)| r.date == d("2026-11-23")).unwrap();
    assert_eq!(wake.0, utc("2026-11-23T06:20:00Z"));

    // The home zone replaced outright (a different rule set from one tick to the next).
    let shanghai = plan(kaoyan_daily(), Tz::Asia__Shanghai, Some(10));
    let london = Plan { rules: rules(Tz::Europe__London), ..shanghai.clone() };
    let mut s = BlockReminders::new();
    shanghai.tick(&mut s, t("04:00"));
    let first = shanghai.run(&mut s, t("04:00") + step(), t("19:05"));
    let then = london.run(&mut s, t("19:05") + step(), utc("2026-11-23T21:00:00Z"));
    assert_once_on_time(&first.into_iter().chain(then.iter().cloned()).collect());
    // What had not rung yet rings on London's clock.
    assert_eq!(then.last().unwrap().1.at, utc("2026-11-23T20:00:00Z"));
}

#[test]
fn quiet_hours_hold_back_the_night_but_not_the_morning() {
    let mut p = plan(kaoyan_daily(), Tz::Asia__Shanghai, Some(10));
    p.settings.quiet = Some(QuietHours { from_min: 22 * 60 + 30, to_min: 7 * 60 });
    let tuesday = |hm: &str| utc(&format!("2026-11-24T{hm}:00+08:00"));
    let mut s = BlockReminders::new();
    p.tick(&mut s, t("04:00"));
    assert_eq!(p.next_due(&s, t("22:25")), Some(tuesday("07:00")));
    let shown = p.run(&mut s, t("04:00") + step(), tuesday("08:00"));
    assert_once_on_time(&shown);
    let late: Shown = shown.into_iter().filter(|(tick, _)| *tick >= t("22:00")).collect();
    // 22:30 复盘打卡 starts as the quiet hours begin; its notice at 22:20 still rings. Sleep
    // (22:50, 23:00), getting up (06:20, 06:30) and breakfast's notice (06:50) are held back.
    assert_eq!(
        titles(&late),
        ["10 分钟后：22:30 复盘打卡", "07:00 早饭", "10 分钟后：07:30 背单词", "07:30 背单词"]
    );
    // Held back means dealt with: the sleep's keys are fired.
    let sleep = find(&p.tt, "睡觉");
    assert!(s.fired().any(|k| k.block_id == sleep.id && k.date == d("2026-11-23")));
}

#[test]
fn a_restart_with_the_persisted_keys_does_not_ring_again() {
    let p = shanghai();
    let mut s = BlockReminders::new();
    p.run(&mut s, t("04:00"), t("19:05"));
    let saved = serde_json::to_string(&s.fired().collect::<Vec<_>>()).unwrap();
    assert!(saved.contains(r#""moment":"start""#));
    let keys: Vec<FiredKey> = serde_json::from_str(&saved).unwrap();
    assert!(p.tick(&mut BlockReminders::resumed(keys), t("19:06")).is_empty());
    // Without them, the walk that started six minutes ago rings once.
    assert_eq!(p.tick(&mut BlockReminders::new(), t("19:06")).len(), 1);
}

#[test]
fn old_keys_are_pruned_and_turning_reminders_off_and_on_replays_nothing() {
    let on = shanghai();
    let off = Plan {
        settings: BlockReminderSettings { enabled: false, ..on.settings.clone() },
        ..on.clone()
    };
    let start = ReminderMoment::Start;
    let old = FiredKey { date: d("2026-11-19"), block_id: BlockId::generate(), moment: start };
    let kept = FiredKey { date: d("2026-11-20"), ..old };
    let mut s = BlockReminders::resumed([old, kept]);
    assert!(off.tick(&mut s, t("12:00")).is_empty());
    assert_eq!(s.fired().copied().collect::<Vec<_>>(), [kept]);
    assert!(s.take_changed());
    assert_eq!(off.next_due(&s, t("12:00")), None);
    assert!(off.run(&mut s, t("12:00") + step(), t("19:30")).is_empty());
    // Back on at 19:30: the running walk came due while off, so it stays quiet.
    assert!(on.tick(&mut s, t("19:30") + step()).is_empty());
    // A block can opt out of the default notice with 0; more than the maximum is clamped.
    let mut walk = find(&on.tt, "散步");
    walk.remind_before_min = Some(0);
    assert_eq!(on.settings.before_min(&walk), None);
    walk.remind_before_min = Some(500);
    assert_eq!(on.settings.before_min(&walk), Some(MAX_REMIND_BEFORE_MIN));
}

#[test]
fn settings_are_validated() {
    assert!(BlockReminderSettings::default().validate().is_ok());
    let bad = BlockReminderSettings {
        default_before_min: Some(MAX_REMIND_BEFORE_MIN + 1),
        quiet: Some(QuietHours { from_min: 1440, to_min: 420 }),
        ..BlockReminderSettings::default()
    };
    let fields: Vec<String> =
        bad.validate().unwrap_err().into_errors().into_iter().map(|e| e.field).collect();
    assert_eq!(fields, ["quiet.from_min", "default_before_min"]);
    let none = QuietHours { from_min: 600, to_min: 600 };
    assert!((0..1440).all(|m| !none.contains(m)));
    let night = QuietHours { from_min: 1350, to_min: 420 };
    assert!(night.contains(1350) && night.contains(0) && night.contains(419));
    assert!(!night.contains(420) && !night.contains(1349));
}

#[test]
fn the_words_in_both_languages() {
    let day =
        expand(&kaoyan(), d("2026-11-23"), d("2026-11-23"), Tz::Asia__Shanghai, DayStart::DEFAULT);
    let walk = day.iter().find(|p| p.block.label.starts_with("散步")).unwrap().clone();
    let r = |moment, minutes, block: &Block| DueReminder {
        date: walk.date,
        block_id: walk.block.id,
        moment,
        at: walk.start_utc - Duration::minutes(minutes),
        block: PlannedBlock { block: block.clone(), ..walk.clone() },
    };
    let text = |lang, r: DueReminder, subject| {
        let t = block_reminder_text(lang, &r, subject);
        (t.title, t.body)
    };
    let (start, ahead) = (ReminderMoment::Start, ReminderMoment::Before);
    let b = &walk.block;
    assert_eq!(text(Lang::ZhCn, r(start, 0, b), None), ("19:00 散步".into(), "走一小时".into()));
    assert_eq!(text(Lang::ZhCn, r(ahead, 10, b), None).0, "10 分钟后：19:00 散步");
    assert_eq!(text(Lang::ZhCn, r(ahead, 60, b), None).0, "1 小时后：19:00 散步");
    assert_eq!(text(Lang::En, r(ahead, 10, b), None).0, "In 10 min: 19:00 散步");
    assert_eq!(text(Lang::En, r(ahead, 60, b), None).0, "In 1 hour: 19:00 散步");
    assert_eq!(text(Lang::En, r(ahead, 120, b), None).0, "In 2 hours: 19:00 散步");

    // An English label; a study block named only by its subject; a bare block of a kind.
    let en = preset(Preset::Kaoyan, Lang::En, &[]);
    let walk_en = en.blocks.iter().find(|b| b.label.starts_with("Walk")).unwrap();
    let words = (String::from("In 10 min: 19:00 Walk"), String::from("one hour"));
    assert_eq!(text(Lang::En, r(ahead, 10, walk_en), None), words);
    let study = block(19 * 60, 20 * 60, "");
    assert_eq!(
        text(Lang::ZhCn, r(start, 0, &study), Some("数学")),
        ("19:00 数学".into(), "学习".into())
    );
    assert_eq!(text(Lang::En, r(start, 0, &study), None), ("19:00 Study".into(), String::new()));
    let labelled = Block { label: "真题".into(), ..study };
    assert_eq!(text(Lang::En, r(start, 0, &labelled), Some("Maths")).1, "Maths");
    let sleep = Block { kind: BlockKind::Sleep, label: "Bed".into(), ..block(0, 1, "") };
    assert_eq!(text(Lang::En, r(start, 0, &sleep), None).1, "Sleep");
}

const ZONES: [(Tz, [&str; 2]); 3] = [
    (Tz::America__New_York, ["2027-03-14", "2027-11-07"]),
    (Tz::Europe__London, ["2027-03-28", "2027-10-31"]),
    (Tz::Australia__Lord_Howe, ["2027-04-04", "2027-10-03"]),
];

/// A random plan in a DST zone, and a start on the day before a transition.
fn case() -> impl Strategy<Value = (Plan, DateTime<Utc>)> {
    let blocks =
        proptest::collection::vec((0u16..1440, 1u16..=300, proptest::option::of(0u16..=200)), 1..8);
    let when = (0usize..3, 0usize..2, 0i64..86_400, 0u16..=360);
    let how = (
        proptest::option::of(0u16..=60),
        any::<bool>(),
        proptest::option::of((0u16..1440, 0u16..1440)),
    );
    (blocks, when, how).prop_map(
        |(blocks, (zone, which, offset, day_start), (before, at_start, quiet))| {
            let blocks = blocks
                .into_iter()
                .map(|(start, len, own)| Block {
                    remind_before_min: own,
                    ..block(start, (start + len) % 1440, "")
                })
                .collect();
            let (tz, dates) = ZONES[zone];
            let day_start = DayStart::from_minutes(day_start).unwrap();
            let rules = DayRules::new(vec![rule("2020-01-01T00:00:00Z", tz, day_start)]).unwrap();
            let from = d(dates[which]).and_hms_opt(0, 0, 0).unwrap().and_utc() - Duration::days(1)
                + Duration::seconds(offset);
            let settings = BlockReminderSettings {
                enabled: true,
                at_start,
                default_before_min: before,
                quiet: quiet.map(|(from_min, to_min)| QuietHours { from_min, to_min }),
            };
            (Plan { tt: every_day(blocks), rules, settings }, from)
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Whatever the tick intervals, and with the clock now and then set back, a key is shown at
    /// most once, never before it is due and never inside quiet hours; with 30-second ticks every reminder outside quiet hours that
    /// comes due is shown, within one tick.
    #[test]
    fn each_key_at_most_once_and_every_one_with_regular_ticks(
        (p, from) in case(),
        steps in proptest::collection::vec((0u8..8, 0.0f64..8.88), 1..30),
    ) {
        let to = from + Duration::days(3);
        let mut s = BlockReminders::new();
        let (mut now, mut keys, mut n) = (from, BTreeSet::new(), 0usize);
        while now <= to && n < 4_000 {
            for r in p.tick(&mut s, now) {
                prop_assert!(keys.insert(r.key()), "twice: {:?}", r);
                prop_assert!(r.at <= now && !p.settings.is_quiet(&p.rules, r.at));
            }
            // Log-uniform steps from 1 s to 2 h, one in eight of them back in time.
            let (back, log) = steps[n % steps.len()];
            let step = Duration::seconds(log.exp().round().max(1.0) as i64);
            now = if back == 0 { now - step } else { now + step };
            n += 1;
        }

        let shown = p.run(&mut BlockReminders::new(), from, to);
        // The first tick may also show what was due before it; everything else is on time.
        assert_once_on_time(&shown.iter().filter(|(_, r)| r.at > from).cloned().collect());
        let shown: BTreeSet<FiredKey> = shown.iter().map(|(_, r)| r.key()).collect();
        let rule = p.rules.rule_at(from);
        let (first, last) = (from.date_naive() - Duration::days(2), to.date_naive() + Duration::days(1));
        for b in expand(&p.tt, first, last, rule.tz, rule.day_start) {
            let mut due = vec![];
            if p.settings.at_start {
                due.push((ReminderMoment::Start, b.start_utc));
            }
            if let Some(n) = p.settings.before_min(&b.block) {
                due.push((ReminderMoment::Before, b.start_utc - Duration::minutes(i64::from(n))));
            }
            // Reminders due before the first tick may or may not ring on it.
            for (moment, at) in due.into_iter().filter(|(_, at)| *at > from) {
                let key = FiredKey { date: b.date, block_id: b.block.id, moment };
                let expected = at <= to && !p.settings.is_quiet(&p.rules, at);
                prop_assert_eq!(shown.contains(&key), expected, "{:?} at {}", key, at);
            }
        }
    }
}
