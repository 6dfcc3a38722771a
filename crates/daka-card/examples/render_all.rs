//! Writes every kind × size × theme (plus each accent once, and English) to a folder, for
//! looking at: `cargo run -p daka-card --example render_all [DIR]` (default /tmp/cards). Also:
//! odd content, past days (`past-*`), an exam name with digits, every accent on the dark weekly
//! card, the daily card without its note in every size, and the privacy toggles.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

#[path = "../tests/common/mod.rs"]
mod common;

use daka_card::{Accent, CardKind, CardSize, CardStyle, CardTheme, Fonts, Format, build, render};
use daka_core::lang::Lang;

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "/tmp/cards".into());
    std::fs::create_dir_all(&dir).unwrap();
    let fonts = Fonts::bundled();
    let mut n = 0;
    for kind in CardKind::ALL {
        for size in CardSize::ALL {
            for theme in CardTheme::ALL {
                for lang in Lang::ALL {
                    let accent = Accent::ALL[n % 4];
                    n += 1;
                    let style = CardStyle { kind, size, theme, accent, ..CardStyle::default() };
                    let card = build(&common::sample(kind, lang), &style, lang, &fonts);
                    let png = render(&card, &fonts, Format::Png).unwrap();
                    let name =
                        format!("{dir}/{kind:?}-{size:?}-{theme:?}-{}-{accent:?}.png", lang.tag())
                            .to_lowercase();
                    std::fs::write(&name, png).unwrap();
                    std::fs::write(name.replace(".png", ".svg"), &card.svg).unwrap();
                    for w in &card.warnings {
                        println!("{name}: {}", w.message_en);
                    }
                }
            }
        }
    }
    // Odd content, for looking at: a photo, many subjects, a huge note with emoji, day zero.
    let mut odd = Vec::new();
    let mut photo = common::sample(CardKind::Daily, Lang::ZhCn);
    photo.photo = Some(common::photo_png(2400, 1600));
    odd.push(("photo", photo.clone(), CardKind::Daily));
    let mut many = common::sample(CardKind::Weekly, Lang::ZhCn);
    many.subjects = (0..30)
        .map(|i| daka_card::SubjectMinutes {
            name: format!("科目{i}"),
            color: "#3E63DD".into(),
            minutes: 10 + i,
        })
        .collect();
    odd.push(("many", many, CardKind::Weekly));
    let mut note = photo;
    note.photo = None;
    note.note = "冲！💪🔥 龘 𠀀 مرحبا ".repeat(3)
        + &"今天把错题整理完了，明天继续冲！Keep going. ".repeat(400);
    odd.push(("note", note, CardKind::Daily));
    odd.push(("empty", daka_card::CardData::default(), CardKind::Streak));
    for (label, data, kind) in odd {
        for size in CardSize::ALL {
            let style = CardStyle { kind, size, ..CardStyle::default() };
            let card = build(&data, &style, Lang::ZhCn, &fonts);
            let format = daka_card::default_format(&data, &style);
            let ext = if format == Format::Png { "png" } else { "jpg" };
            let name = format!("{dir}/odd-{label}-{size:?}.{ext}").to_lowercase();
            std::fs::write(&name, render(&card, &fonts, format).unwrap()).unwrap();
            std::fs::write(format!("{name}.svg"), &card.svg).unwrap();
            for w in &card.warnings {
                println!("{name}: {}", w.message_en);
            }
        }
    }
    // A past day (the app's today is later), each kind in portrait, both languages.
    for kind in CardKind::ALL {
        for lang in Lang::ALL {
            let mut data = common::sample(kind, lang);
            data.today = Some(common::date(2026, 12, 3));
            let style = CardStyle { kind, ..CardStyle::default() };
            let card = build(&data, &style, lang, &fonts);
            let name = format!("{dir}/past-{kind:?}-{}.png", lang.tag()).to_lowercase();
            std::fs::write(&name, render(&card, &fonts, Format::Png).unwrap()).unwrap();
        }
    }
    // Day zero on a past day, and a whole new exam name next to the template's words.
    let mut zero = daka_card::CardData {
        today: Some(common::date(2026, 12, 3)),
        date: common::date(2026, 11, 20),
        ..daka_card::CardData::default()
    };
    let card = build(&zero, &CardStyle::default(), Lang::ZhCn, &fonts);
    std::fs::write(format!("{dir}/past-zero.png"), render(&card, &fonts, Format::Png).unwrap())
        .unwrap();
    zero = common::sample(CardKind::Countdown, Lang::ZhCn);
    zero.exam.as_mut().unwrap().name = "2027 考研".into();
    zero.total_minutes = 95;
    let style = CardStyle { kind: CardKind::Countdown, ..CardStyle::default() };
    let card = build(&zero, &style, Lang::ZhCn, &fonts);
    std::fs::write(format!("{dir}/exam-name.png"), render(&card, &fonts, Format::Png).unwrap())
        .unwrap();
    // Every accent on the dark weekly card (bars below target, heatmap levels), and the daily
    // card without its note (the emptiest daily), in every size.
    for accent in Accent::ALL {
        let style = CardStyle {
            kind: CardKind::Weekly,
            theme: CardTheme::Dark,
            accent,
            ..CardStyle::default()
        };
        let card = build(&common::sample(CardKind::Weekly, Lang::En), &style, Lang::En, &fonts);
        let name = format!("{dir}/accent-weekly-dark-{accent:?}.png").to_lowercase();
        std::fs::write(&name, render(&card, &fonts, Format::Png).unwrap()).unwrap();
    }
    for size in CardSize::ALL {
        for photo in [false, true] {
            let mut data = common::sample(CardKind::Daily, Lang::En);
            data.photo = photo.then(|| common::photo_png(1200, 900));
            let style =
                CardStyle { kind: CardKind::Daily, size, hide_note: true, ..CardStyle::default() };
            let card = build(&data, &style, Lang::En, &fonts);
            let format = daka_card::default_format(&data, &style);
            let ext = if format == Format::Png { "png" } else { "jpg" };
            let name = format!("{dir}/nonote-{size:?}-photo{photo}.{ext}").to_lowercase();
            std::fs::write(&name, render(&card, &fonts, format).unwrap()).unwrap();
        }
    }
    // Privacy toggles and a nickname, each kind in portrait.
    for kind in CardKind::ALL {
        let style = CardStyle {
            kind,
            hide_minutes: true,
            hide_note: true,
            nickname: Some("考研人小林".into()),
            ..CardStyle::default()
        };
        let card = build(&common::sample(kind, Lang::ZhCn), &style, Lang::ZhCn, &fonts);
        let name = format!("{dir}/private-{kind:?}.png").to_lowercase();
        std::fs::write(&name, render(&card, &fonts, Format::Png).unwrap()).unwrap();
    }
    println!("{n} cards in {dir}");
}
