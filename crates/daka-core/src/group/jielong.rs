//! The 接龙 (relay) text: the board as plain lines, ready to paste into a WeChat group.
//!
//! User-provided names (group, nicknames, subjects) are kept exactly as given; everything Daka
//! itself writes in the English text is ASCII apart from the ✅/⏰ marks and the `·`/`—`
//! separators, so no CJK punctuation appears there except inside those names.

use chrono::Datelike;

use super::board::{Board, BoardEntry, BoardMember};
use super::clock::Timeliness;
use crate::lang::Lang;

const EN_MONTHS: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// Minutes in the relay's compact form: 0 → `0m`, 45 → `45m`, 120 → `2h`, 90 → `1h30m`.
pub fn minutes_text(minutes: u32) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    match (h, m) {
        (0, m) => format!("{m}m"),
        (h, 0) => format!("{h}h"),
        (h, m) => format!("{h}h{m}m"),
    }
}

/// The relay text of `board` for group `group_name`: a title line, one line per entry in
/// relay order, then the on-leave and not-yet lines when they have anyone. No trailing newline.
pub fn jielong_text(board: &Board, group_name: &str, lang: Lang) -> String {
    let (month, day) = (board.date.month(), board.date.day());
    let title = match lang {
        Lang::ZhCn => format!("{month}月{day}日 {group_name} 打卡接龙"),
        Lang::En => {
            let name = EN_MONTHS.get(board.date.month0() as usize).copied().unwrap_or("");
            format!("{name} {day} · {group_name} check-in")
        }
    };
    let mut lines = vec![title];
    lines.extend(board.entries.iter().map(|e| entry_line(e, lang)));
    let (label, sep) = (lang.pick("：", ": "), lang.pick("、", ", "));
    if !board.on_leave.is_empty() {
        lines.push(format!(
            "{}{label}{}",
            lang.pick("请假", "On leave"),
            joined(&board.on_leave, sep)
        ));
    }
    if !board.missing.is_empty() {
        lines.push(format!(
            "{}{label}{}",
            lang.pick("未打卡", "Not yet"),
            joined(&board.missing, sep)
        ));
    }
    lines.join("\n")
}

/// `1. 小李 数学一 2h 英语一 1h30m ✅` / `1. Xiao Li — 数学一 2h, 英语一 1h30m ✅`.
fn entry_line(entry: &BoardEntry, lang: Lang) -> String {
    let subjects = if entry.minutes.is_empty() {
        lang.pick("打卡", "checked in").to_owned()
    } else {
        let parts: Vec<String> = entry
            .minutes
            .iter()
            .map(|m| format!("{} {}", m.subject, minutes_text(m.minutes)))
            .collect();
        parts.join(lang.pick(" ", ", "))
    };
    let mark = match entry.timeliness {
        Timeliness::OnTime => "✅",
        Timeliness::Late => lang.pick("⏰", "⏰ late"),
    };
    let (position, nickname) = (entry.position, &entry.nickname);
    match lang {
        Lang::ZhCn => format!("{position}. {nickname} {subjects} {mark}"),
        Lang::En => format!("{position}. {nickname} — {subjects} {mark}"),
    }
}

fn joined(members: &[BoardMember], sep: &str) -> String {
    let names: Vec<&str> = members.iter().map(|m| m.nickname.as_str()).collect();
    names.join(sep)
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;
    use crate::group::board;
    use crate::group::board::tests::{date, member, mins, punch, shanghai};

    #[rstest]
    #[case(0, "0m")]
    #[case(1, "1m")]
    #[case(45, "45m")]
    #[case(60, "1h")]
    #[case(90, "1h30m")]
    #[case(120, "2h")]
    #[case(605, "10h5m")]
    fn compact_minutes(#[case] minutes: u32, #[case] text: &str) {
        assert_eq!(minutes_text(minutes), text);
    }

    /// The example board: 小李 on time, 小王 late, 小赵 on leave, 小张 and 小刘 not yet.
    fn example(nicknames: [&str; 5]) -> Board {
        let [li, wang, zhao, zhang, liu] = nicknames;
        let members = [
            member("zhang", zhang),
            member("li", li),
            member("zhao", zhao),
            member("wang", wang),
            member("liu", liu),
        ];
        let punch_ins = [
            punch("li", "2026-12-06", "2026-12-06T12:00:00Z", vec![mins("英语一", 90)]),
            punch("li", "2026-12-06", "2026-12-06T13:00:00Z", vec![mins("数学一", 120)]),
            punch("wang", "2026-12-06", "2026-12-06T15:10:00Z", vec![mins("政治", 45)]),
        ];
        board(&shanghai(), date("2026-12-06"), &members, &punch_ins, &["zhao".to_owned()])
    }

    #[rstest]
    fn chinese_relay_text() {
        let b = example(["小李", "小王", "小赵", "小张", "小刘"]);
        assert_eq!(
            jielong_text(&b, "考研小组", Lang::ZhCn),
            "12月6日 考研小组 打卡接龙\n\
             1. 小李 数学一 2h 英语一 1h30m ✅\n\
             2. 小王 政治 45m ⏰\n\
             请假：小赵\n\
             未打卡：小张、小刘"
        );
    }

    #[rstest]
    fn english_relay_text() {
        let b = example(["Xiao Li", "Wang", "Zhao", "Zhang", "Liu"]);
        assert_eq!(
            jielong_text(&b, "考研小组", Lang::En),
            "Dec 6 · 考研小组 check-in\n\
             1. Xiao Li — 数学一 2h, 英语一 1h30m ✅\n\
             2. Wang — 政治 45m ⏰ late\n\
             On leave: Zhao\n\
             Not yet: Zhang, Liu"
        );
    }

    #[rstest]
    #[case(Lang::ZhCn, "1月1日 G 打卡接龙\n1. A 打卡 ✅")]
    #[case(Lang::En, "Jan 1 · G check-in\n1. A — checked in ✅")]
    fn zero_minutes_and_empty_lists(#[case] lang: Lang, #[case] expected: &str) {
        let p = punch("a", "2027-01-01", "2026-12-31T20:00:00Z", vec![mins("数学", 0)]);
        let b = board(&shanghai(), date("2027-01-01"), &[member("a", "A")], &[p], &[]);
        assert_eq!(jielong_text(&b, "G", lang), expected);
    }

    #[rstest]
    fn nobody_yet_is_just_the_title_and_the_missing() {
        let b = board(&shanghai(), date("2026-05-20"), &[member("a", "A")], &[], &[]);
        assert_eq!(jielong_text(&b, "G", Lang::En), "May 20 · G check-in\nNot yet: A");
        assert_eq!(jielong_text(&b, "G", Lang::ZhCn), "5月20日 G 打卡接龙\n未打卡：A");
    }

    #[rstest]
    fn english_text_has_no_cjk_punctuation_with_ascii_names() {
        let members: Vec<_> = ["Li", "Wang", "Zhao", "Zhang"].map(|n| member(n, n)).into();
        let punch_ins = [
            punch("Li", "2026-12-06", "2026-12-06T12:00:00Z", vec![mins("Math", 150)]),
            punch("Wang", "2026-12-06", "2026-12-06T15:00:00Z", vec![mins("Politics", 30)]),
        ];
        let b = board(&shanghai(), date("2026-12-06"), &members, &punch_ins, &["Zhao".into()]);
        let text = jielong_text(&b, "Kaoyan", Lang::En);
        assert!(!text.contains(['，', '。', '：', '、', '（', '）']), "{text}");
        assert!(!text.chars().any(|c| ('\u{3000}'..='\u{303f}').contains(&c)), "{text}");
        assert!(!text.ends_with('\n'));
    }
}
