//! The timetable figures of `make bench`: expanding a year of templates with 500 overrides
//! (pure daka-core), and the Today plan command on the 10-year profile (what `today_plan` does:
//! read the profile and the timetable, compute the plan).

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use daka_core::day::DayStart;
use daka_core::ids::BlockId;
use daka_core::lang::Lang;
use daka_core::timetable::{
    Block, BlockKind, DayOverride, Preset, Template, Timetable, day_plan, expand, preset,
};
use daka_store::Store;

use crate::{Error, Figures, row, time};

/// 500 overrides on the 考研 days (Mon–Sat) from half a year before `from` on — so the
/// expanded year holds most of them and the rest are history: each moves one block later, skips
/// another and adds a short one, the edits a student makes on exam weeks and holidays.
fn overrides(template: &Template, from: NaiveDate) -> Vec<DayOverride> {
    let first = from - Duration::days(180);
    (0..600)
        .map(|i| first + Duration::days(i))
        .filter(|d| d.weekday() != chrono::Weekday::Sun)
        .take(500)
        .enumerate()
        .filter_map(|(i, date)| {
            let blocks = &template.blocks;
            let moved = blocks.iter().find(|b| b.start_min == 16 * 60)?;
            let skipped = blocks.iter().find(|b| b.kind == BlockKind::Exercise)?;
            Some(DayOverride {
                date,
                skipped: vec![skipped.id],
                changed: vec![Block { start_min: 16 * 60 + 15, ..moved.clone() }],
                added: vec![Block {
                    id: BlockId::generate(),
                    start_min: 18 * 60 + 35,
                    end_min: 18 * 60 + 55,
                    kind: BlockKind::Other,
                    subject_id: None,
                    label: format!("取快递 {i}"),
                    color: None,
                    remind_before_min: Some(5),
                }],
            })
        })
        .collect()
}

fn year_timetable(subjects: &[daka_core::ids::SubjectId], from: NaiveDate) -> Timetable {
    let kaoyan = preset(Preset::Kaoyan, Lang::ZhCn, subjects);
    let mut weekend = preset(Preset::Weekend, Lang::ZhCn, subjects);
    weekend.weekdays = daka_core::schedule::WeekdaySet::from_iso(&[7]).unwrap_or(weekend.weekdays);
    let overrides = overrides(&kaoyan, from);
    Timetable { templates: vec![kaoyan, weekend], overrides }
}

pub(crate) async fn run(store: &Store, runs: usize, now: DateTime<Utc>) -> Result<(), Error> {
    let profile = store.profile().await?;
    let subjects: Vec<_> = profile.subjects.iter().map(|s| s.id).collect();
    let from = profile.day_rules.logical_date(now);
    let tt = year_timetable(&subjects, from);
    let to = from + Duration::days(364);
    for (zone, tz) in
        [("Asia/Shanghai", Tz::Asia__Shanghai), ("America/New_York", Tz::America__New_York)]
    {
        let mut blocks = 0;
        let f = time(runs, || {
            blocks = expand(&tt, from, to, tz, DayStart::DEFAULT).len();
            async { Ok(()) }
        })
        .await?;
        row(&format!("Expand 1 year + 500 overrides ({zone})"), &f, "p95 ≤ 5 ms");
        println!("{:<52} {blocks} blocks", "");
    }

    // The same timetable in the 10-year profile's store, then the Today plan command.
    for template in &tt.templates {
        store.apply_template(template, now).await?;
    }
    let day_start = profile.day_rules.rule_at(now).day_start.minutes();
    for o in &tt.overrides {
        store.set_day_override(o, day_start, now).await?;
    }
    let f: Figures = time(runs, || async {
        let profile = store.profile().await?;
        let timetable = store.timetable().await?;
        Ok(day_plan(&timetable, &profile.day_rules, now))
    })
    .await?;
    row("Today plan command (profile + timetable + plan)", &f, "p95 ≤ 20 ms");
    Ok(())
}
