#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

//! Golden tests: the SVG text of a fixed sample must match `tests/golden/*.svg` exactly, and the
//! rendered pixels must match `tests/golden/*.png` within a small tolerance (max channel
//! difference ≤ 2 on all but 0.1 % of the pixels). Bundled fonts only.
//!
//! After an intended change, regenerate with `DAKA_UPDATE_GOLDEN=1 cargo test -p daka-card
//! --test golden` and review the diff (the SVGs are text; open the PNGs). On a pixel mismatch
//! the test writes the actual picture and a diff image (changed pixels in red) to a temp folder
//! and names them.

mod common;

use std::path::PathBuf;

use daka_card::{Accent, CardKind, CardSize, CardStyle, CardTheme, Fonts, Format, build, render};
use daka_core::lang::Lang;

struct Case {
    name: &'static str,
    kind: CardKind,
    size: CardSize,
    theme: CardTheme,
    accent: Accent,
    lang: Lang,
    /// Also compared as pixels (the committed PNG set is kept small).
    png: bool,
}

const fn case(
    name: &'static str,
    kind: CardKind,
    size: CardSize,
    theme: CardTheme,
    accent: Accent,
    lang: Lang,
    png: bool,
) -> Case {
    Case { name, kind, size, theme, accent, lang, png }
}

use Accent::*;
use CardKind::*;
use CardSize::*;
use CardTheme::*;

const CASES: &[Case] = &[
    case("streak-portrait-light-zh", Streak, Portrait, Light, Green, Lang::ZhCn, true),
    case("daily-portrait-light-zh", Daily, Portrait, Light, Orange, Lang::ZhCn, true),
    case("weekly-portrait-light-zh", Weekly, Portrait, Light, Blue, Lang::ZhCn, true),
    case("countdown-portrait-light-zh", Countdown, Portrait, Light, Rose, Lang::ZhCn, true),
    case("streak-portrait-dark-en", Streak, Portrait, Dark, Green, Lang::En, true),
    case("daily-square-light-en", Daily, Square, Light, Blue, Lang::En, true),
    case("weekly-story-dark-zh", Weekly, Story, Dark, Orange, Lang::ZhCn, true),
    case("streak-portrait-light-en", Streak, Portrait, Light, Green, Lang::En, false),
    case("daily-portrait-light-en", Daily, Portrait, Light, Orange, Lang::En, false),
    case("weekly-portrait-light-en", Weekly, Portrait, Light, Blue, Lang::En, false),
    case("countdown-portrait-light-en", Countdown, Portrait, Light, Rose, Lang::En, false),
];

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn updating() -> bool {
    std::env::var("DAKA_UPDATE_GOLDEN").is_ok_and(|v| v == "1")
}

fn build_case(c: &Case, fonts: &Fonts) -> daka_card::Card {
    let style = CardStyle {
        kind: c.kind,
        size: c.size,
        theme: c.theme,
        accent: c.accent,
        ..CardStyle::default()
    };
    build(&common::sample(c.kind, c.lang), &style, c.lang, fonts)
}

#[test]
fn svg_matches_golden() {
    let fonts = Fonts::bundled();
    let mut failures = Vec::new();
    for c in CASES {
        let svg = build_case(c, &fonts).svg;
        let path = golden_dir().join(format!("{}.svg", c.name));
        if updating() {
            std::fs::write(&path, &svg).unwrap();
            continue;
        }
        let Ok(expected) = std::fs::read_to_string(&path) else {
            failures.push(format!("{}: no reference at {}", c.name, path.display()));
            continue;
        };
        if expected != svg {
            let line =
                expected.lines().zip(svg.lines()).position(|(a, b)| a != b).map_or(0, |i| i + 1);
            failures.push(format!(
                "{} differs from {} (first at line {line})",
                c.name,
                path.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}\nDAKA_UPDATE_GOLDEN=1 rewrites them.", failures.join("\n"));
}

/// The same pixels, compressed as well as `image` can: the app's export favours speed (fast
/// deflate), but a committed reference should be small.
fn compact_png(png: &[u8]) -> Vec<u8> {
    use image::ImageEncoder;
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    let rgb = image::load_from_memory(png).unwrap().into_rgb8();
    let mut out = Vec::new();
    PngEncoder::new_with_quality(&mut out, CompressionType::Best, FilterType::Adaptive)
        .write_image(&rgb, rgb.width(), rgb.height(), image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}

#[test]
fn pixels_match_golden() {
    let fonts = Fonts::bundled();
    let out_dir = std::env::temp_dir().join("daka-card-golden");
    let mut failures = Vec::new();
    for c in CASES.iter().filter(|c| c.png) {
        let png = render(&build_case(c, &fonts), &fonts, Format::Png).unwrap();
        let path = golden_dir().join(format!("{}.png", c.name));
        if updating() {
            std::fs::write(&path, compact_png(&png)).unwrap();
            continue;
        }
        let actual = image::load_from_memory(&png).unwrap().into_rgba8();
        let Ok(expected) = image::open(&path) else {
            failures.push(format!("{}: no reference at {}", c.name, path.display()));
            continue;
        };
        let expected = expected.into_rgba8();
        if expected.dimensions() != actual.dimensions() {
            failures.push(format!(
                "{}: size {:?} vs {:?}",
                c.name,
                actual.dimensions(),
                expected.dimensions()
            ));
            continue;
        }
        let mut diff = image::RgbaImage::new(actual.width(), actual.height());
        let mut off = 0usize;
        for ((a, e), d) in actual.pixels().zip(expected.pixels()).zip(diff.pixels_mut()) {
            let delta = a.0.iter().zip(e.0).map(|(x, y)| x.abs_diff(y)).max().unwrap_or(0);
            if delta > 2 {
                off += 1;
                *d = image::Rgba([255, 0, 0, 255]);
            } else {
                let g = (u16::from(e[0]) + u16::from(e[1]) + u16::from(e[2])) / 6 + 128;
                *d = image::Rgba([g as u8, g as u8, g as u8, 255]);
            }
        }
        let total = actual.pixels().len();
        if off * 1000 > total {
            std::fs::create_dir_all(&out_dir).unwrap();
            let diff_path = out_dir.join(format!("{}-diff.png", c.name));
            let actual_path = out_dir.join(format!("{}-actual.png", c.name));
            diff.save(&diff_path).unwrap();
            std::fs::write(&actual_path, &png).unwrap();
            failures.push(format!(
                "{}: {off} of {total} pixels differ by more than 2; diff {}, actual {}",
                c.name,
                diff_path.display(),
                actual_path.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}\nDAKA_UPDATE_GOLDEN=1 rewrites them.", failures.join("\n"));
}
