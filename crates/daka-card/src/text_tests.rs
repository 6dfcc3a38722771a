#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use crate::fonts::Fonts;

fn wrap(text: &str, width: f32, lines: usize) -> (Vec<String>, bool) {
    let fonts = Fonts::bundled();
    let m = Measure::new(&fonts);
    m.wrap(&clean(text, true), 32.0, Weight::Regular, width, lines)
}

const CLOSING: &str = "，。！？、；：」』）》】…,.!?;:)]}%";
const OPENING: &str = "「『（《【“‘([{";

fn assert_kinsoku(lines: &[String]) {
    for (i, line) in lines.iter().enumerate() {
        let first = line.chars().next().unwrap();
        assert!(!CLOSING.contains(first), "line {i} starts with {first:?}: {lines:?}");
        let last = line.chars().last().unwrap();
        assert!(!OPENING.contains(last), "line {i} ends with {last:?}: {lines:?}");
    }
}

#[test]
fn measures_with_real_advances() {
    let fonts = Fonts::bundled();
    let m = Measure::new(&fonts);
    // CJK ideographs are one em; Latin is proportional and narrower.
    assert!((m.width("打卡", 32.0, Weight::Regular, 0.0) - 64.0).abs() < 0.5);
    let i = m.width("i", 32.0, Weight::Regular, 0.0);
    let w = m.width("W", 32.0, Weight::Regular, 0.0);
    assert!(i > 4.0 && i < w && w < 32.0, "i={i} W={w}");
    assert!(m.width("42", 100.0, Weight::Bold, 0.0) > m.width("42", 100.0, Weight::Regular, 0.0));
}

#[test]
fn no_line_starts_with_closing_punctuation() {
    // Widths chosen so a naive breaker would put the punctuation first on a line.
    let text = "今天把错题整理完了，明天继续。真的吗？是的！「上岸」（一定）《考研》【冲】";
    for width in (3..=14).map(|n| n as f32 * 32.0) {
        let (lines, cut) = wrap(text, width, 100);
        assert!(!cut);
        assert_kinsoku(&lines);
        assert_eq!(lines.concat(), text, "nothing lost at width {width}");
        for line in &lines {
            let fonts = Fonts::bundled();
            let w = Measure::new(&fonts).width(line, 32.0, Weight::Regular, 0.0);
            assert!(w <= width + 0.01, "{line:?} is {w} px, wider than {width}");
        }
    }
}

#[test]
fn latin_words_stay_whole() {
    let text = "Keep going, linear algebra and operating systems 408 上岸 Notion";
    let (lines, _) = wrap(text, 300.0, 100);
    let words: Vec<&str> = lines.iter().flat_map(|l| l.split(' ')).collect();
    for word in ["Keep", "going,", "linear", "algebra", "operating", "systems", "Notion"] {
        assert!(words.contains(&word), "{word:?} was split: {lines:?}");
    }
    assert!(lines.iter().all(|l| !l.starts_with(' ') && !l.ends_with(' ')));
}

#[test]
fn a_word_wider_than_the_line_is_split() {
    let url = "https://example.com/a/very/long/path/that/does/not/fit/anywhere";
    let (lines, cut) = wrap(url, 200.0, 100);
    assert!(!cut && lines.len() > 2);
    assert_eq!(lines.concat(), url);
}

#[test]
fn cut_text_ends_with_one_ellipsis_inside_the_width() {
    let text = "今天把 Chapter 5 的 linear algebra 习题全部刷完了，错题整理进 Notion；明天继续冲 408 的操作系统（OS）部分。".repeat(20);
    let (lines, cut) = wrap(&text, 500.0, 3);
    assert!(cut);
    assert_eq!(lines.len(), 3);
    let last = lines.last().unwrap();
    assert!(last.ends_with('…') && !last.ends_with("……"), "{last:?}");
    assert!(!last.trim_end_matches('…').ends_with(['，', ' ', '（']), "{last:?}");
    let fonts = Fonts::bundled();
    assert!(Measure::new(&fonts).width(last, 32.0, Weight::Regular, 0.0) <= 500.0);
    assert_kinsoku(&lines);
}

#[test]
fn ellipsize_keeps_what_fits() {
    let fonts = Fonts::bundled();
    let m = Measure::new(&fonts);
    assert_eq!(m.ellipsize("数学", 30.0, Weight::Regular, 200.0), ("数学".to_owned(), false));
    let (short, cut) = m.ellipsize("Christopher Columbus", 30.0, Weight::Regular, 150.0);
    assert!(cut && short.ends_with('…') && short.starts_with("Chris"), "{short:?}");
    assert!(m.width(&short, 30.0, Weight::Regular, 0.0) <= 150.0);
}

#[test]
fn paragraphs_start_new_lines() {
    let (lines, _) = wrap("第一段\n\n\n第二段", 600.0, 10);
    assert_eq!(lines, ["第一段", "第二段"]);
}

#[test]
fn clean_removes_what_xml_and_layout_cannot_take() {
    assert_eq!(clean("a\u{0}b\u{7}c\u{1b}[0m", false), "abc[0m");
    assert_eq!(clean("  two\t\tspaces \n next ", false), "two spaces next");
    assert_eq!(clean("line\r\nbreak", true), "line\nbreak");
    assert_eq!(clean("\u{202E}evil\u{202C} \u{2067}x\u{2069}", false), "evil x");
    assert_eq!(clean("\u{FFFE}ok\u{FFFF}", false), "ok");
    // Right-to-left letters stay as they are.
    assert_eq!(clean("مرحبا", false), "مرحبا");
}

#[test]
fn escape_covers_the_five_xml_characters() {
    assert_eq!(
        escape(r#"<a href="x">Tom & Jerry's</a>"#),
        "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&apos;s&lt;/a&gt;"
    );
}

#[test]
fn atoms_glue_punctuation_and_words() {
    assert_eq!(atoms("好（的）。"), ["好", "（的）。"]);
    assert_eq!(atoms("Keep going, 上岸！"), ["Keep ", "going, ", "上", "岸！"]);
    assert_eq!(atoms("3.14%"), ["3.14%"]);
}
