//! Card timing, for comparing with a headless browser.
//!
//! ```text
//! cargo run --release -p daka-card --example card_bench [N]          # N renders per kind (default 30)
//! cargo run --release -p daka-card --example card_bench oneshot OUT.png
//! cargo run --release -p daka-card --example card_bench svg OUT.svg      # the same card's SVG
//! ```
//!
//! The first mode builds and renders each kind at 1080×1440 N times in one process (after a
//! warm-up) and prints p50/p95 of building the SVG, of rendering + PNG encoding, and of the two
//! together. `oneshot` loads the fonts, builds the streak card, renders it, writes it and exits:
//! time the whole process (`/usr/bin/time -v`) against `chromium --headless --screenshot`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout, clippy::print_stderr)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use daka_card::{CardKind, CardStyle, Fonts, Format, build, render};
use daka_core::lang::Lang;

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("svg") {
        // The same streak card as SVG, for the headless-browser side of `make bench`.
        let out = args.get(1).expect("card_bench svg OUT.svg");
        let fonts = Fonts::bundled();
        let data = common::sample(CardKind::Streak, Lang::ZhCn);
        std::fs::write(out, build(&data, &CardStyle::default(), Lang::ZhCn, &fonts).svg).unwrap();
        return;
    }
    if args.first().map(String::as_str) == Some("oneshot") {
        let out = args.get(1).expect("card_bench oneshot OUT.png");
        let fonts = Fonts::bundled();
        let data = common::sample(CardKind::Streak, Lang::ZhCn);
        let card = build(&data, &CardStyle::default(), Lang::ZhCn, &fonts);
        std::fs::write(out, render(&card, &fonts, Format::Png).unwrap()).unwrap();
        return;
    }
    let n: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(30);

    let t = Instant::now();
    let fonts = Fonts::bundled();
    println!("fonts: {:.1} ms (parse the bundled subsets)", t.elapsed().as_secs_f64() * 1000.0);
    println!("{n} renders per kind, 1080×1440, PNG (RGB, fast compression)");
    println!(
        "{:<10} {:>14} {:>16} {:>14} {:>9}",
        "kind", "build p50/p95", "render p50/p95", "total p50/p95", "PNG KB"
    );
    for kind in CardKind::ALL {
        let data = common::sample(kind, Lang::ZhCn);
        let style = CardStyle { kind, ..CardStyle::default() };
        // Warm-up (first-use allocations, page faults on the font data).
        let png = render(&build(&data, &style, Lang::ZhCn, &fonts), &fonts, Format::Png).unwrap();
        let (mut builds, mut renders, mut totals) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..n {
            let t0 = Instant::now();
            let card = build(&data, &style, Lang::ZhCn, &fonts);
            let t1 = Instant::now();
            let bytes = render(&card, &fonts, Format::Png).unwrap();
            let t2 = Instant::now();
            std::hint::black_box(bytes);
            builds.push(t1 - t0);
            renders.push(t2 - t1);
            totals.push(t2 - t0);
        }
        for v in [&mut builds, &mut renders, &mut totals] {
            v.sort();
        }
        println!(
            "{:<10} {:>6.2} / {:>5.2} {:>7.1} / {:>6.1} {:>6.1} / {:>5.1} {:>9}",
            format!("{kind:?}"),
            percentile(&builds, 0.5),
            percentile(&builds, 0.95),
            percentile(&renders, 0.5),
            percentile(&renders, 0.95),
            percentile(&totals, 0.5),
            percentile(&totals, 0.95),
            png.len() / 1024
        );
    }
    // JPEG, as used when the card carries a photo.
    let mut data = common::sample(CardKind::Daily, Lang::ZhCn);
    data.photo = Some(common::photo_png(3000, 2000));
    let style = CardStyle { kind: CardKind::Daily, ..CardStyle::default() };
    let mut times = Vec::new();
    let mut size = 0;
    for _ in 0..n.min(10) {
        let t0 = Instant::now();
        let card = build(&data, &style, Lang::ZhCn, &fonts);
        let jpeg = render(&card, &fonts, Format::Jpeg { quality: 92 }).unwrap();
        times.push(t0.elapsed());
        size = jpeg.len();
    }
    times.sort();
    println!(
        "daily + 6 MP photo, JPEG q92: p50 {:.1} ms, p95 {:.1} ms (photo decode + downscale included), {} KB",
        percentile(&times, 0.5),
        percentile(&times, 0.95),
        size / 1024
    );
}
