#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

//! Every kind × size × theme (and each accent) renders to a picture of the right size that is
//! not blank, in both languages, and rendering is deterministic.

mod common;

use daka_card::{
    Accent, Card, CardKind, CardSize, CardStyle, CardTheme, Fonts, Format, build, default_format,
    render,
};
use daka_core::lang::Lang;

fn decode(png: &[u8]) -> image::RgbaImage {
    image::load_from_memory_with_format(png, image::ImageFormat::Png).unwrap().into_rgba8()
}

/// Pixels are not all (nearly) one colour: something was drawn.
fn assert_not_blank(img: &image::RgbaImage, what: &str) {
    let n = img.pixels().len() as f64;
    let mean: f64 =
        img.pixels().map(|p| f64::from(p[0]) + f64::from(p[1]) + f64::from(p[2])).sum::<f64>() / n;
    let var: f64 = img
        .pixels()
        .map(|p| (f64::from(p[0]) + f64::from(p[1]) + f64::from(p[2]) - mean).powi(2))
        .sum::<f64>()
        / n;
    assert!(var > 100.0, "{what} looks blank (variance {var})");
    assert!(img.pixels().all(|p| p[3] == 255), "{what} has transparent pixels");
}

#[test]
fn every_kind_size_and_theme_renders() {
    let fonts = Fonts::bundled();
    let mut i = 0;
    for kind in CardKind::ALL {
        for size in CardSize::ALL {
            for theme in CardTheme::ALL {
                // Cycle languages and accents so each appears with every kind.
                let lang = Lang::ALL[i % 2];
                let accent = Accent::ALL[i % 4];
                i += 1;
                let style = CardStyle { kind, size, theme, accent, ..CardStyle::default() };
                let card = build(&common::sample(kind, lang), &style, lang, &fonts);
                let what = format!("{kind:?}/{size:?}/{theme:?}/{accent:?}/{lang}");
                assert_eq!((card.width, card.height), size.dimensions(), "{what}");
                assert!(card.svg.starts_with("<svg"), "{what}");
                assert!(
                    card.warnings.iter().all(|w| w.kind == daka_card::WarningKind::TextTruncated),
                    "{what}: {:?}",
                    card.warnings
                );
                let img = decode(&render(&card, &fonts, Format::Png).unwrap());
                assert_eq!(img.dimensions(), size.dimensions(), "{what}");
                assert_not_blank(&img, &what);
            }
        }
    }
}

#[test]
fn each_accent_and_privacy_toggle_renders() {
    let fonts = Fonts::bundled();
    for (n, accent) in Accent::ALL.into_iter().enumerate() {
        let kind = CardKind::ALL[n];
        let style = CardStyle {
            kind,
            accent,
            hide_minutes: true,
            hide_note: true,
            nickname: Some("小林".into()),
            ..CardStyle::default()
        };
        let card = build(&common::sample(kind, Lang::ZhCn), &style, Lang::ZhCn, &fonts);
        assert!(card.svg.contains("小林"));
        // Hidden minutes: no duration anywhere, hidden note: no note text.
        for hidden in ["小时", " 分<", " 分钟<", "刷完"] {
            assert!(!card.svg.contains(hidden), "{kind:?} shows {hidden:?}");
        }
        assert_not_blank(
            &decode(&render(&card, &fonts, Format::Png).unwrap()),
            &format!("{accent:?}"),
        );
    }
}

#[test]
fn rendering_twice_gives_identical_pixels() {
    let fonts = Fonts::bundled();
    let style = CardStyle { kind: CardKind::Daily, ..CardStyle::default() };
    let card = build(&common::sample(CardKind::Daily, Lang::ZhCn), &style, Lang::ZhCn, &fonts);
    let again = build(&common::sample(CardKind::Daily, Lang::ZhCn), &style, Lang::ZhCn, &fonts);
    assert_eq!(card, again, "building is deterministic");
    let a = decode(&render(&card, &fonts, Format::Png).unwrap());
    let b = decode(&render(&card, &Fonts::bundled(), Format::Png).unwrap());
    assert!(a.as_raw() == b.as_raw(), "pixels differ between two renders");
}

#[test]
fn jpeg_output_decodes_as_rgb_jpeg() {
    let fonts = Fonts::bundled();
    let card: Card = build(
        &common::sample(CardKind::Streak, Lang::En),
        &CardStyle { size: CardSize::Square, ..CardStyle::default() },
        Lang::En,
        &fonts,
    );
    let jpeg = render(&card, &fonts, Format::Jpeg { quality: 92 }).unwrap();
    assert_eq!(image::guess_format(&jpeg).unwrap(), image::ImageFormat::Jpeg);
    let img = image::load_from_memory(&jpeg).unwrap();
    assert_eq!(img.color(), image::ColorType::Rgb8);
    assert_eq!((img.width(), img.height()), (1080, 1080));
}

#[test]
fn default_format_is_png_without_photo_and_jpeg_with_one() {
    let mut data = common::sample(CardKind::Daily, Lang::ZhCn);
    let style = CardStyle { kind: CardKind::Daily, ..CardStyle::default() };
    assert_eq!(default_format(&data, &style), Format::Png);
    data.photo = Some(common::photo_png(64, 48));
    assert_eq!(default_format(&data, &style), Format::Jpeg { quality: 92 });
    // The square daily card has no room for the photo, and other kinds never show it.
    assert_eq!(
        default_format(&data, &CardStyle { size: CardSize::Square, ..style.clone() }),
        Format::Png
    );
    assert_eq!(default_format(&data, &CardStyle { kind: CardKind::Streak, ..style }), Format::Png);
}
