#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

//! What the cards say, as rules: "today" only on today's card, one way of writing an amount of
//! time per card, spacing where template words meet the user's text.

mod common;

use daka_card::{CardData, CardKind, CardSize, CardStyle, Fonts, build};
use daka_core::lang::Lang;

/// The text of each `<text>` element, tags removed (spans joined), unescaped enough to read.
fn texts(svg: &str) -> Vec<String> {
    let mut out = Vec::new();
    for piece in svg.split("<text ").skip(1) {
        let body = piece.split("</text>").next().unwrap_or("");
        let mut text = String::new();
        let mut in_tag = true; // the rest of the <text …> tag comes first
        for c in body.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => text.push(c),
                _ => {}
            }
        }
        out.push(text.replace("&amp;", "&"));
    }
    out
}

fn card_texts(data: &CardData, style: &CardStyle, lang: Lang) -> Vec<String> {
    texts(&build(data, style, lang, &Fonts::bundled()).svg)
}

/// Words that say "today" / "this week".
fn today_words(text: &str) -> Vec<&'static str> {
    let lower = text.to_lowercase();
    ["今日", "今天", "本周", "today", "this week"]
        .into_iter()
        .filter(|w| lower.contains(w))
        .collect()
}

/// Data variants that bring out every "today" phrase: the sample, nothing studied and no goals
/// done on day zero, the exam on the card's day.
fn variants(kind: CardKind, lang: Lang) -> Vec<CardData> {
    let mut sample = common::sample(kind, lang);
    // The sample note says "今天" itself: user text is not the template's wording.
    sample.note = lang.pick("错题整理完了。", "Mistakes reviewed.").into();
    let mut empty = sample.clone();
    empty.subjects.iter_mut().for_each(|s| s.minutes = 0);
    empty.goals_done.clear();
    empty.streak_days = 0;
    let mut exam_day = sample.clone();
    exam_day.exam.as_mut().unwrap().days_left = 0;
    vec![sample, empty, exam_day]
}

#[test]
fn a_past_day_never_says_today() {
    for kind in CardKind::ALL {
        for lang in Lang::ALL {
            for size in CardSize::ALL {
                for hide_minutes in [false, true] {
                    let style = CardStyle { kind, size, hide_minutes, ..CardStyle::default() };
                    for (i, mut data) in variants(kind, lang).into_iter().enumerate() {
                        let what = format!("{kind:?} {size:?} {lang} hide={hide_minutes} #{i}");
                        // Today's card (and one that does not know today) keeps its words…
                        let now = card_texts(&data, &style, lang).join("\n");
                        data.today = None;
                        assert_eq!(card_texts(&data, &style, lang).join("\n"), now, "{what}");
                        // …a card of a day (a week) before today has none of them.
                        data.today = Some(data.date + chrono::Duration::days(9));
                        let past = card_texts(&data, &style, lang).join("\n");
                        assert!(today_words(&past).is_empty(), "{what}: {past}");
                    }
                }
            }
        }
    }
    // The today wording is really there on today's cards (so the test above tests something).
    let style = |kind| CardStyle { kind, ..CardStyle::default() };
    let daily = card_texts(
        &common::sample(CardKind::Daily, Lang::ZhCn),
        &style(CardKind::Daily),
        Lang::ZhCn,
    );
    assert!(daily.iter().any(|t| t == "今日学习") && daily.iter().any(|t| t == "今日学习报告"));
    let mut past = common::sample(CardKind::Daily, Lang::ZhCn);
    past.today = Some(common::date(2026, 12, 3));
    let texts = card_texts(&past, &style(CardKind::Daily), Lang::ZhCn);
    assert!(
        texts.iter().any(|t| t == "当天学习") && texts.iter().any(|t| t == "学习日报"),
        "{texts:?}"
    );
    // A week that contains today is "this week", whatever its day.
    let mut week = common::sample(CardKind::Weekly, Lang::En);
    week.today = Some(week.date + chrono::Duration::days(6));
    let texts = card_texts(&week, &style(CardKind::Weekly), Lang::En);
    assert!(texts.iter().any(|t| t == "Studied this week"), "{texts:?}");
}

#[test]
fn a_card_writes_an_amount_of_time_one_way() {
    // The front-end's example: 1 h 35 min, once as the headline, once as a bar.
    let mut data = common::sample(CardKind::Weekly, Lang::ZhCn);
    for (i, day) in data.week.iter_mut().enumerate() {
        day.minutes = if i == 3 { 95 } else { 0 };
    }
    data.total_minutes = 95;
    for lang in Lang::ALL {
        let weekly =
            card_texts(&data, &CardStyle { kind: CardKind::Weekly, ..CardStyle::default() }, lang);
        let headline = lang.pick("1 小时 35 分", "1 h 35 min");
        assert!(weekly.iter().any(|t| t == headline), "{lang}: {weekly:?}");
        let bar = lang.pick("1h35m", "1h 35m");
        assert!(weekly.iter().any(|t| t == bar), "{lang}: {weekly:?}");
        let rounded = lang.pick("2 小时", "2 h");
        assert!(!weekly.iter().any(|t| t.contains("1.6") || t == rounded), "{weekly:?}");
        // Chinese units stand apart from their numbers.
        if lang == Lang::ZhCn {
            for t in &weekly {
                for (i, _) in t.match_indices("小时") {
                    let before = t[..i].chars().last();
                    assert!(!before.is_some_and(|c| c.is_ascii_digit()), "{t}");
                }
            }
        }
        // The countdown's running total: exact below 100 hours…
        let style = CardStyle { kind: CardKind::Countdown, ..CardStyle::default() };
        let countdown = card_texts(&data, &style, lang);
        assert!(countdown.iter().any(|t| t == headline), "{lang}: {countdown:?}");
        // …whole hours above.
        let mut long = data.clone();
        long.total_minutes = 58_320;
        let countdown = card_texts(&long, &style, lang);
        assert!(countdown.iter().any(|t| t == lang.pick("972 小时", "972 h")), "{countdown:?}");
    }
}

#[test]
fn the_gap_after_a_unit_is_as_wide_as_the_numbers_space() {
    // "1 h35 min": the space between "h" and "35" must belong to the big numbers, not the unit.
    for kind in [CardKind::Daily, CardKind::Weekly] {
        for lang in Lang::ALL {
            let style = CardStyle { kind, ..CardStyle::default() };
            let svg = build(&common::sample(kind, lang), &style, lang, &Fonts::bundled()).svg;
            let unit = lang.pick("> 小时</tspan>", "> h</tspan>");
            let line = svg.lines().find(|l| l.contains(unit)).expect("a headline with hours");
            let size = |tspan: &str| {
                let rest = tspan.split("font-size=\"").nth(1).unwrap();
                rest.split('"').next().unwrap().parse::<f32>().unwrap()
            };
            let spans: Vec<&str> = line.split("<tspan ").skip(1).collect();
            let number = size(spans[0]);
            let unit_at = spans.iter().position(|s| s.contains(unit)).unwrap();
            let gap = spans[unit_at + 1];
            assert!(gap.contains("> </tspan>"), "{kind:?} {lang}: {line}");
            assert_eq!(size(gap), number, "{kind:?} {lang}: {line}");
            assert!(size(spans[unit_at]) < number);
        }
    }
}

#[test]
fn template_words_and_the_exam_name_are_spaced_where_cjk_meets_latin() {
    let style = CardStyle { kind: CardKind::Countdown, ..CardStyle::default() };
    let mut data = common::sample(CardKind::Countdown, Lang::ZhCn);
    for (name, label) in [
        ("2027 考研", "距离 2027 考研还有"),
        ("考研", "距离考研还有"),
        ("GRE", "距离 GRE 还有"),
        ("考研2027", "距离考研2027 还有"),
        ("「考研」", "距离「考研」还有"),
    ] {
        data.exam.as_mut().unwrap().name = name.into();
        let texts = card_texts(&data, &style, Lang::ZhCn);
        assert!(texts.iter().any(|t| t == label), "{name}: {texts:?}");
    }
    data.exam.as_mut().unwrap().days_left = -3;
    data.exam.as_mut().unwrap().name = "CPA".into();
    let texts = card_texts(&data, &style, Lang::ZhCn);
    assert!(texts.iter().any(|t| t == "CPA 已过去"), "{texts:?}");
}

#[test]
fn the_heatmap_names_the_current_month_even_when_it_began_in_the_last_week() {
    // 2 December: December begins in the heatmap's last column, at the right edge.
    for (lang, month) in [(Lang::ZhCn, "12月"), (Lang::En, "Dec")] {
        for kind in [CardKind::Countdown, CardKind::Streak] {
            let mut data = common::sample(kind, lang);
            data.date = common::date(2026, 12, 2);
            data.heatmap = common::heatmap(data.date);
            let style = CardStyle { kind, size: CardSize::Portrait, ..CardStyle::default() };
            let texts = card_texts(&data, &style, lang);
            assert!(texts.iter().any(|t| t == month), "{kind:?} {lang:?}: no {month} in {texts:?}");
        }
    }
}
