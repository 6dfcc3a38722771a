//! Numbers, durations and dates as each language writes them on a card.
//!
//! * zh: "2026年11月25日 星期三", "1 小时 30 分", "1234"; en: "Wednesday, 25 November 2026",
//!   "1 h 30 min", "1,234" (the en-GB day-month order, unambiguous next to the zh form).
//! * Durations are whole minutes; hours appear from 60 minutes on, and "0 min" is written out.
//!   A card writes an amount one way: "1 小时 35 分" / "1 h 35 min" wherever there is room, and
//!   where there is none (bar labels) the exact compact "1h35m" / "1h 35m", never a rounded
//!   "1.6小时" beside it. Only running totals from 100 hours on round, to whole hours.
//! * Where a template's Chinese meets the user's Latin or digits ("距离" + "2027 考研"), a space
//!   goes between ([`join_spaced`]), as in the rest of the card ("连续打卡 42 天").
//! * [`Part`] lists split a phrase into numbers and words so a template can draw the numbers
//!   large and the units small without re-parsing a formatted string.

use chrono::{Datelike, NaiveDate, Weekday};
use daka_core::lang::Lang;

/// A piece of a phrase: a number (drawn emphasised) or the words around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Part {
    Num(String),
    Word(String),
}

impl Part {
    pub(crate) fn text(&self) -> &str {
        match self {
            Part::Num(s) | Part::Word(s) => s,
        }
    }
}

/// Concatenates parts into one plain string.
pub(crate) fn join(parts: &[Part]) -> String {
    parts.iter().map(Part::text).collect()
}

/// An integer with thousands separators in English.
pub(crate) fn int(n: i64, lang: Lang) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if lang == Lang::En && i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "1 小时 30 分" / "1 h 30 min" as parts; minutes alone are "45 分钟": to a 考研 student a
/// bare "分" is exam points, and the card is what they post. Next to hours "分" reads as time.
pub(crate) fn duration_parts(minutes: u32, lang: Lang) -> Vec<Part> {
    let (h, m) = (minutes / 60, minutes % 60);
    let hour = lang.pick(" 小时", " h");
    let min = if h > 0 { lang.pick(" 分", " min") } else { lang.pick(" 分钟", " min") };
    let mut parts = Vec::new();
    if h > 0 {
        parts.push(Part::Num(int(h.into(), lang)));
        parts.push(Part::Word(hour.to_owned()));
    }
    if m > 0 || h == 0 {
        if h > 0 {
            parts.push(Part::Word(" ".to_owned()));
        }
        parts.push(Part::Num(m.to_string()));
        parts.push(Part::Word(min.to_owned()));
    }
    parts
}

/// "1 小时 30 分" / "1 h 30 min".
pub(crate) fn duration(minutes: u32, lang: Lang) -> String {
    join(&duration_parts(minutes, lang))
}

/// The compact form for chart labels, still exact to the minute and read the same way as the
/// full form beside it: "6h20m" / "6h 20m", "45m", "6h". (A Chinese bar label has no room for
/// "6 小时 20 分"; "h"/"m" are how students write study time anyway, "日均 8h".)
pub(crate) fn duration_short(minutes: u32, lang: Lang) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    match (h, m) {
        (0, m) => format!("{m}m"),
        (h, 0) => format!("{h}h"),
        (h, m) => format!("{h}h{}{m}m", lang.pick("", " ")),
    }
}

/// A running total, e.g. since the start of preparation: exact ("1 小时 35 分") below 100 hours;
/// from 100 hours on, whole hours ("972 小时"), where the minutes no longer matter.
pub(crate) fn total_parts(minutes: u32, lang: Lang) -> Vec<Part> {
    if minutes < 100 * 60 {
        return duration_parts(minutes, lang);
    }
    vec![
        Part::Num(int(hours_rounded(minutes).into(), lang)),
        Part::Word(lang.pick(" 小时", " h").to_owned()),
    ]
}

/// Whether `c` is a CJK character that takes a space before an adjacent Latin letter or digit
/// (ideographs, kana, hangul; not punctuation, which has its own spacing).
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF
            | 0x20000..=0x3FFFF)
}

fn is_latin_or_digit(c: char) -> bool {
    c.is_ascii_alphanumeric() || (c.is_alphabetic() && (c as u32) < 0x0530)
}

/// Joins a template's pieces (its own words and the user's text), with a space at each joint
/// where CJK meets a Latin letter or digit: "距离" + "2027 考研" + "还有" → "距离 2027 考研还有".
/// The pieces themselves are left as they are.
pub(crate) fn join_spaced(pieces: &[&str]) -> String {
    let mut out = String::new();
    for piece in pieces.iter().filter(|p| !p.is_empty()) {
        if let (Some(a), Some(b)) = (out.chars().last(), piece.chars().next()) {
            let mixed = (is_cjk(a) && is_latin_or_digit(b)) || (is_latin_or_digit(a) && is_cjk(b));
            if mixed {
                out.push(' ');
            }
        }
        out.push_str(piece);
    }
    out
}

/// Hours rounded to a whole number, at least 1 when there are any minutes: the total shown when
/// the card hides exact minutes is never this precise.
pub(crate) fn hours_rounded(minutes: u32) -> u32 {
    if minutes == 0 { 0 } else { (minutes / 60 + u32::from(minutes % 60 >= 30)).max(1) }
}

pub(crate) fn weekday_long(day: Weekday, lang: Lang) -> &'static str {
    match (day, lang) {
        (Weekday::Mon, Lang::ZhCn) => "星期一",
        (Weekday::Tue, Lang::ZhCn) => "星期二",
        (Weekday::Wed, Lang::ZhCn) => "星期三",
        (Weekday::Thu, Lang::ZhCn) => "星期四",
        (Weekday::Fri, Lang::ZhCn) => "星期五",
        (Weekday::Sat, Lang::ZhCn) => "星期六",
        (Weekday::Sun, Lang::ZhCn) => "星期日",
        (Weekday::Mon, Lang::En) => "Monday",
        (Weekday::Tue, Lang::En) => "Tuesday",
        (Weekday::Wed, Lang::En) => "Wednesday",
        (Weekday::Thu, Lang::En) => "Thursday",
        (Weekday::Fri, Lang::En) => "Friday",
        (Weekday::Sat, Lang::En) => "Saturday",
        (Weekday::Sun, Lang::En) => "Sunday",
    }
}

/// "一" … "日" / "Mon" … "Sun" for chart axes.
pub(crate) fn weekday_short(day: Weekday, lang: Lang) -> &'static str {
    let zh = ["一", "二", "三", "四", "五", "六", "日"];
    let en = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let i = day.num_days_from_monday() as usize;
    match lang {
        Lang::ZhCn => zh[i],
        Lang::En => en[i],
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// "11月" / "Nov".
pub(crate) fn month_short(date: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::ZhCn => format!("{}月", date.month()),
        Lang::En => MONTHS[date.month0() as usize].chars().take(3).collect(),
    }
}

/// "2026年11月25日 星期三" / "Wednesday, 25 November 2026".
pub(crate) fn date_long(date: NaiveDate, lang: Lang) -> String {
    let weekday = weekday_long(date.weekday(), lang);
    match lang {
        Lang::ZhCn => {
            format!("{}年{}月{}日 {weekday}", date.year(), date.month(), date.day())
        }
        Lang::En => {
            format!("{weekday}, {} {} {}", date.day(), MONTHS[date.month0() as usize], date.year())
        }
    }
}

/// "11月25日" / "25 Nov", for ranges.
pub(crate) fn date_short(date: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::ZhCn => format!("{}月{}日", date.month(), date.day()),
        Lang::En => format!("{} {}", date.day(), month_short(date, lang)),
    }
}

/// "2026年11月23日 – 11月29日" / "23 – 29 November 2026" (a week).
pub(crate) fn week_range(start: NaiveDate, lang: Lang) -> String {
    let end = start + chrono::Duration::days(6);
    match lang {
        Lang::ZhCn if start.year() == end.year() => {
            format!("{}年{} – {}", start.year(), date_short(start, lang), date_short(end, lang))
        }
        Lang::ZhCn => format!(
            "{}年{} – {}年{}",
            start.year(),
            date_short(start, lang),
            end.year(),
            date_short(end, lang)
        ),
        Lang::En if start.month() == end.month() => format!(
            "{} – {} {} {}",
            start.day(),
            end.day(),
            MONTHS[end.month0() as usize],
            end.year()
        ),
        Lang::En if start.year() == end.year() => {
            format!("{} – {} {}", date_short(start, lang), date_short(end, lang), end.year())
        }
        Lang::En => format!(
            "{} {} – {} {}",
            date_short(start, lang),
            start.year(),
            date_short(end, lang),
            end.year()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn dates_in_both_languages() {
        assert_eq!(date_long(d(2026, 11, 25), Lang::ZhCn), "2026年11月25日 星期三");
        assert_eq!(date_long(d(2026, 11, 25), Lang::En), "Wednesday, 25 November 2026");
        assert_eq!(week_range(d(2026, 11, 23), Lang::ZhCn), "2026年11月23日 – 11月29日");
        assert_eq!(week_range(d(2026, 11, 23), Lang::En), "23 – 29 November 2026");
        assert_eq!(week_range(d(2026, 11, 30), Lang::En), "30 Nov – 6 Dec 2026");
        assert_eq!(week_range(d(2026, 12, 28), Lang::ZhCn), "2026年12月28日 – 2027年1月3日");
    }

    #[test]
    fn durations_and_numbers() {
        assert_eq!(duration(90, Lang::ZhCn), "1 小时 30 分");
        assert_eq!(duration(90, Lang::En), "1 h 30 min");
        assert_eq!(duration(0, Lang::ZhCn), "0 分钟");
        assert_eq!(duration(1, Lang::ZhCn), "1 分钟");
        assert_eq!(duration(45, Lang::ZhCn), "45 分钟");
        assert_eq!(duration(45, Lang::En), "45 min");
        assert_eq!(duration(120, Lang::En), "2 h");
        assert_eq!(duration(1440, Lang::ZhCn), "24 小时");
        assert_eq!(duration_short(45, Lang::En), "45m");
        assert_eq!(duration_short(381, Lang::ZhCn), "6h21m");
        assert_eq!(duration_short(381, Lang::En), "6h 21m");
        assert_eq!(duration_short(360, Lang::En), "6h");
        assert_eq!(duration_short(0, Lang::ZhCn), "0m");
        assert_eq!(int(1234567, Lang::En), "1,234,567");
        assert_eq!(int(1234567, Lang::ZhCn), "1234567");
        assert_eq!(int(-1000, Lang::En), "-1,000");
        assert_eq!(hours_rounded(0), 0);
        assert_eq!(hours_rounded(10), 1);
        assert_eq!(hours_rounded(58_320), 972);
    }

    /// Reads "6h21m" / "6h 21m" / "45m" / "6h" back into minutes.
    fn parse_short(s: &str) -> u32 {
        let s = s.replace(' ', "");
        let (h, rest) = match s.split_once('h') {
            Some((h, rest)) => (h.parse::<u32>().unwrap_or(u32::MAX), rest),
            None => (0, s.as_str()),
        };
        let m = rest.strip_suffix('m').map_or(0, |m| m.parse::<u32>().unwrap_or(u32::MAX));
        h * 60 + m
    }

    /// Reads "1 小时 35 分" / "1 h 35 min" back into minutes.
    fn parse_long(s: &str) -> u32 {
        let mut total = 0;
        let mut n = 0;
        for word in s.split(' ') {
            match word {
                "小时" | "h" => total += n * 60,
                "分" | "分钟" | "min" => total += n,
                w => n = w.replace(',', "").parse().unwrap_or(u32::MAX / 120),
            }
        }
        total
    }

    #[test]
    fn every_form_of_a_duration_says_the_same_minutes() {
        // The rule: a card never shows one amount two ways (the bar "1.6小时" under the headline
        // "1 小时 35 分"). Full and compact forms are exact; only running totals from 100 h on
        // round, to whole hours.
        for lang in Lang::ALL {
            for minutes in (0..=1440).chain([5999, 6000, 6029, 6030, 58_320]) {
                let short = duration_short(minutes, lang);
                let long = duration(minutes, lang);
                assert_eq!(parse_short(&short), minutes, "{short}");
                assert_eq!(parse_long(&long), minutes, "{long}");
                let total = join(&total_parts(minutes, lang));
                if minutes < 6000 {
                    assert_eq!(total, long);
                } else {
                    assert_eq!(parse_long(&total), hours_rounded(minutes) * 60, "{total}");
                }
                // Chinese units are spaced from their numbers in the full forms.
                if lang == Lang::ZhCn {
                    for unit in ["小时", "分"] {
                        // Minutes alone say 分钟: a bare 分 is exam points.
                        assert!(minutes >= 60 || long.ends_with(" 分钟"), "{long}");
                        if let Some(i) = long.find(unit) {
                            assert!(long[..i].ends_with(' '), "{long}");
                        }
                    }
                }
            }
        }
        assert_eq!(join(&total_parts(95, Lang::ZhCn)), "1 小时 35 分");
        assert_eq!(join(&total_parts(58_320, Lang::ZhCn)), "972 小时");
        assert_eq!(join(&total_parts(58_320, Lang::En)), "972 h");
    }

    #[test]
    fn template_joints_space_cjk_from_latin_and_digits() {
        assert_eq!(join_spaced(&["距离", "2027 考研", "还有"]), "距离 2027 考研还有");
        assert_eq!(join_spaced(&["距离", "考研", "还有"]), "距离考研还有");
        assert_eq!(join_spaced(&["距离", "GRE", "还有"]), "距离 GRE 还有");
        assert_eq!(join_spaced(&["", "CPA考试", "已过去"]), "CPA考试已过去");
        // Punctuation at a joint gets no space; the user's own text is never touched.
        assert_eq!(join_spaced(&["距离", "《考研》2027", "还有"]), "距离《考研》2027 还有");
        assert_eq!(join_spaced(&["距离", "考研2027年", "还有"]), "距离考研2027年还有");
        assert_eq!(join_spaced(&["Until ", "考研"]), "Until 考研");
    }
}
