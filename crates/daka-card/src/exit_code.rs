//! The emergency-exit code of a strict focus session, drawn as a picture.
//!
//! Why a picture: the code is friction (LeechBlock's "type a long random code"), and text in
//! the page could be selected and pasted. Drawn here, it must be read and typed by hand. Four
//! groups of eight symbols on two lines, spaced for reading; a few thin strokes across make
//! copying with OCR a little less convenient without hurting a human reader.

use base64::Engine;

use crate::{Card, CardError, Fonts, Format, render};

/// Width and height of the picture in pixels (drawn at 2× for sharp text on HiDPI).
pub const EXIT_CODE_SIZE: (u32, u32) = (960, 300);

/// The picture of `code` (only `[0-9A-Z]` is drawn; anything else is left out).
pub fn exit_code_card(code: &str, dark: bool) -> Card {
    let clean: String = code.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    let (w, h) = EXIT_CODE_SIZE;
    let (bg, fg, stroke) =
        if dark { ("#1f2421", "#f2f5f3", "#5d6b63") } else { ("#f6f8f7", "#17201b", "#b5c2bb") };
    let groups: Vec<String> =
        clean.as_bytes().chunks(8).map(|c| String::from_utf8_lossy(c).into_owned()).collect();
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}"><rect width="{w}" height="{h}" rx="24" fill="{bg}"/>"#
    );
    for (i, pair) in groups.chunks(2).enumerate() {
        let y = 124 + i * 96;
        let line = pair.join("  ");
        svg.push_str(&format!(
            r#"<text x="{}" y="{y}" font-size="50" font-weight="700" letter-spacing="4" text-anchor="middle" fill="{fg}" xml:space="preserve">{line}</text>"#,
            w / 2
        ));
    }
    // Deterministic strokes derived from the code, so the same code draws the same picture.
    let mut seed: u32 =
        clean.bytes().fold(2166136261, |h, b| (h ^ u32::from(b)).wrapping_mul(16777619));
    for _ in 0..5 {
        seed = seed.wrapping_mul(1664525).wrapping_add(1013904223);
        let y1 = 40 + seed % 220;
        seed = seed.wrapping_mul(1664525).wrapping_add(1013904223);
        let y2 = 40 + seed % 220;
        svg.push_str(&format!(
            r#"<path d="M 20 {y1} C 320 {y2}, 640 {y1}, 940 {y2}" stroke="{stroke}" stroke-width="3" fill="none"/>"#
        ));
    }
    svg.push_str("</svg>");
    Card { svg, width: w, height: h, warnings: Vec::new() }
}

/// The picture as a `data:image/png;base64,…` URL for an `<img>`.
pub fn exit_code_data_url(code: &str, dark: bool, fonts: &Fonts) -> Result<String, CardError> {
    let png = render(&exit_code_card(code, dark), fonts, Format::Png)?;
    Ok(format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(png)))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn the_code_renders_as_a_png_and_the_text_is_not_in_it_as_text() {
        let card = exit_code_card("ABCD2345EFGH6789JKLMNPQRSTUVWXYZ", false);
        assert!(card.svg.contains("ABCD2345  EFGH6789"));
        let png = render(&card, &Fonts::bundled(), Format::Png).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let img = image::load_from_memory(&png).unwrap();
        assert_eq!((img.width(), img.height()), EXIT_CODE_SIZE);
        // Not blank: the glyphs drew dark pixels on the light background.
        let dark = img.to_luma8().pixels().filter(|p| p.0[0] < 80).count();
        assert!(dark > 5_000, "{dark} dark pixels");
    }

    #[test]
    fn the_widest_code_fits_inside_the_picture() {
        // W and M are the widest symbols: no ink may touch the left or right edge.
        let card = exit_code_card(&"WM".repeat(16), false);
        let png = render(&card, &Fonts::bundled(), Format::Png).unwrap();
        let img = image::load_from_memory(&png).unwrap().to_luma8();
        let (w, h) = img.dimensions();
        // (Rows inside the rounded corners, which are transparent.)
        for y in 30..h - 30 {
            for x in (0..12).chain(w - 12..w) {
                assert!(img.get_pixel(x, y).0[0] > 150, "ink at the edge ({x}, {y})");
            }
        }
    }

    #[test]
    fn markup_cannot_be_injected() {
        let card = exit_code_card("<script>&\"", true);
        assert!(!card.svg.contains("<script>"));
    }
}
