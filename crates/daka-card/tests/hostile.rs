#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

//! Odd and hostile content still gives a valid card, with warnings instead of silent damage.

mod common;

use daka_card::{
    CardData, CardKind, CardSize, CardStyle, Fonts, Format, SubjectMinutes, WarningKind, build,
    render,
};
use daka_core::lang::Lang;

/// Builds and renders (PNG), checks the picture decodes at the right size; returns the warnings.
fn card_ok(data: &CardData, style: &CardStyle, lang: Lang) -> (String, Vec<WarningKind>) {
    let fonts = Fonts::bundled();
    let card = build(data, style, lang, &fonts);
    let png = render(&card, &fonts, Format::Png).unwrap_or_else(|e| panic!("{e}\n{}", card.svg));
    let img = image::load_from_memory(&png).unwrap();
    assert_eq!((img.width(), img.height()), style.size.dimensions());
    (card.svg, card.warnings.into_iter().map(|w| w.kind).collect())
}

fn daily() -> CardStyle {
    CardStyle { kind: CardKind::Daily, ..CardStyle::default() }
}

#[test]
fn day_zero_and_empty_data() {
    for kind in CardKind::ALL {
        for size in CardSize::ALL {
            let style = CardStyle { kind, size, ..CardStyle::default() };
            let (_, warnings) = card_ok(&CardData::default(), &style, Lang::ZhCn);
            assert!(warnings.is_empty(), "{kind:?} {size:?}: {warnings:?}");
        }
    }
}

#[test]
fn a_ten_thousand_character_note_wraps_and_ends_with_an_ellipsis() {
    let mut data = common::sample(CardKind::Daily, Lang::ZhCn);
    data.note = "今天把错题整理完了，明天继续冲！Keep going. ".repeat(400);
    assert!(data.note.chars().count() > 10_000);
    let (svg, warnings) = card_ok(&data, &daily(), Lang::ZhCn);
    assert!(warnings.contains(&WarningKind::TextTruncated), "{warnings:?}");
    assert!(svg.contains("…</tspan>"), "the note ends with an ellipsis");
    assert!(svg.len() < 60_000, "the SVG stays small: {} bytes", svg.len());
}

#[test]
fn emoji_and_rare_characters_are_named_in_a_warning() {
    let mut data = common::sample(CardKind::Daily, Lang::ZhCn);
    data.note = "冲！💪🔥 龘 𠀀 上岸".into();
    data.mood = Some("😀".into());
    let style = CardStyle { nickname: Some("小龘".into()), ..daily() };
    let (svg, warnings) = card_ok(&data, &style, Lang::ZhCn);
    let missing = warnings
        .iter()
        .find_map(|w| match w {
            WarningKind::MissingGlyphs { chars } => Some(chars.clone()),
            _ => None,
        })
        .expect("a MissingGlyphs warning");
    // In order of appearance, each once (the nickname is checked first).
    assert_eq!(missing, "龘💪🔥𠀀😀");
    for c in missing.chars() {
        assert!(!svg.contains(c), "{c} reached the SVG");
    }
    assert!(svg.contains("冲！") && svg.contains("上岸"));
    // The message names them for the user.
    let fonts = Fonts::bundled();
    let card = build(&data, &style, Lang::ZhCn, &fonts);
    let msg =
        card.warnings.iter().find(|w| matches!(w.kind, WarningKind::MissingGlyphs { .. })).unwrap();
    assert!(msg.message(Lang::ZhCn).contains("💪") && msg.message(Lang::En).contains("𠀀"));
    // With code points: the app's UI may lack the glyphs too.
    assert!(msg.message(Lang::ZhCn).contains("𠀀 (U+20000)"), "{}", msg.message_zh);
    assert!(msg.message(Lang::En).contains("💪 (U+1F4AA), 🔥 (U+1F525)"), "{}", msg.message_en);
    assert!(msg.message(Lang::ZhCn).contains("龘 (U+9F98)、💪 (U+1F4AA)"), "{}", msg.message_zh);
}

#[test]
fn right_to_left_text_and_control_characters() {
    let mut data = common::sample(CardKind::Daily, Lang::En);
    data.note = "Notes: مرحبا بالعالم and then\u{202E} reversed? \u{0}\u{7}done".into();
    data.subjects[0].name = "\u{202E}Math\u{1b}[31m".into();
    data.goals_done = vec!["<script>alert('x')</script> & \"quotes\"".into()];
    let (svg, warnings) = card_ok(&data, &daily(), Lang::En);
    assert!(!svg.contains('\u{202E}') && !svg.contains('\u{0}') && !svg.contains('\u{1b}'));
    assert!(
        svg.contains("&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt; &amp; &quot;quotes&quot;")
    );
    // Arabic is not in the bundled fonts: reported, not drawn as blanks.
    assert!(
        warnings
            .iter()
            .any(|w| matches!(w, WarningKind::MissingGlyphs { chars } if chars.contains('م')))
    );
}

#[test]
fn thirty_subjects_collapse_into_a_remainder_row() {
    let mut data = common::sample(CardKind::Daily, Lang::ZhCn);
    data.subjects = (0..30)
        .map(|i| SubjectMinutes {
            name: format!("科目{i}"),
            color: "#3E63DD".into(),
            minutes: 10 + i,
        })
        .collect();
    for lang in Lang::ALL {
        for kind in [CardKind::Daily, CardKind::Streak, CardKind::Weekly] {
            let style = CardStyle { kind, size: CardSize::Story, ..CardStyle::default() };
            let (svg, _) = card_ok(&data, &style, lang);
            let more = lang.pick("其他 ", " more<");
            assert!(svg.contains(more), "{kind:?} {lang}: no remainder row");
            // The largest subject is shown, the smallest collapsed.
            assert!(svg.contains("科目29") && !svg.contains("科目0<"), "{kind:?}");
        }
    }
}

#[test]
fn zero_minutes_and_a_whole_day() {
    let mut data = common::sample(CardKind::Daily, Lang::ZhCn);
    for s in &mut data.subjects {
        s.minutes = 0;
    }
    let (svg, _) = card_ok(&data, &daily(), Lang::ZhCn);
    assert!(svg.contains("还没有学习记录"));
    data.subjects =
        vec![SubjectMinutes { name: "数学".into(), color: "bad".into(), minutes: 1440 }];
    let (svg, _) = card_ok(&data, &daily(), Lang::ZhCn);
    assert!(svg.contains(">24</tspan>"), "24 hours as the headline");
    data.subjects[0].minutes = u32::MAX;
    data.week.iter_mut().for_each(|d| d.minutes = u32::MAX);
    data.streak_days = u32::MAX;
    for kind in CardKind::ALL {
        card_ok(&data, &CardStyle { kind, ..CardStyle::default() }, Lang::En);
    }
}

#[test]
fn photos_that_are_too_big_or_not_images_are_refused() {
    let mut data = common::sample(CardKind::Daily, Lang::ZhCn);
    // A PNG header claiming 10000×6000 (60 MP): refused from the header, before decoding.
    let mut huge = common::photo_png(8, 8);
    huge[16..20].copy_from_slice(&10_000u32.to_be_bytes());
    huge[20..24].copy_from_slice(&6_000u32.to_be_bytes());
    // 50 MB of bytes behind a valid JPEG signature.
    let mut big = vec![0xFF, 0xD8, 0xFF, 0xE0];
    big.resize(50 << 20, 0);
    for photo in [huge, big, b"definitely not an image".to_vec(), Vec::new()] {
        data.photo = Some(photo);
        let (svg, warnings) = card_ok(&data, &daily(), Lang::ZhCn);
        assert!(warnings.contains(&WarningKind::PhotoUnreadable), "{warnings:?}");
        assert!(!svg.contains("<image"));
    }
}

#[test]
fn a_real_photo_is_embedded_downscaled_and_exported_as_jpeg() {
    let mut data = common::sample(CardKind::Daily, Lang::ZhCn);
    data.photo = Some(common::photo_png(2400, 1600));
    let fonts = Fonts::bundled();
    for size in [CardSize::Portrait, CardSize::Story] {
        let style = CardStyle { size, ..daily() };
        let card = build(&data, &style, Lang::ZhCn, &fonts);
        assert!(card.warnings.is_empty(), "{:?}", card.warnings);
        let start = card.svg.find("data:image/jpeg;base64,").expect("an embedded JPEG");
        assert!(card.svg.contains(r#"preserveAspectRatio="xMidYMid slice" clip-path="url(#"#));
        // 420×420 at most: far smaller than the 2400×1600 original.
        assert!(
            card.svg.len() - start < 120_000,
            "embedded photo is {} bytes",
            card.svg.len() - start
        );
        let format = daka_card::default_format(&data, &style);
        let jpeg = render(&card, &fonts, format).unwrap();
        assert_eq!(image::guess_format(&jpeg).unwrap(), image::ImageFormat::Jpeg);
    }
}

#[test]
fn long_names_are_cut_not_clipped() {
    let mut data = common::sample(CardKind::Countdown, Lang::En);
    let long = "An extraordinarily long name that cannot possibly fit on one line of the card";
    data.exam.as_mut().unwrap().name = long.into();
    data.subjects[0].name = long.into();
    data.goals_done = vec![long.into()];
    let style = CardStyle { nickname: Some(long.into()), ..CardStyle::default() };
    for kind in CardKind::ALL {
        let (svg, warnings) = card_ok(&data, &CardStyle { kind, ..style.clone() }, Lang::En);
        assert!(warnings.contains(&WarningKind::TextTruncated), "{kind:?}");
        assert!(!svg.contains(long), "{kind:?} drew the whole name");
    }
}

#[test]
fn bundled_fonts_cover_gb2312_and_punctuation_but_not_emoji() {
    let fonts = Fonts::bundled();
    assert!(!fonts.has_system_fallback());
    for c in "连续打卡天考研上岸龟鳖ABCxyz0189，。！？「」（）《》…—“”·%℃".chars()
    {
        assert!(fonts.covers(c), "{c} should be covered");
    }
    for c in ['💪', '🔥', '龘', '𠀀', 'م'] {
        assert!(!fonts.covers(c), "{c} should not be covered");
    }
}
