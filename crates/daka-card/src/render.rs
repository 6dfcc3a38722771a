//! SVG → pixels → file: usvg parses (and shapes text with the given fonts), resvg rasterises
//! into a tiny-skia pixmap, `image` encodes.
//!
//! PNG is RGB with fast compression (≈ 200 KB for a card, a few ms); JPEG is `image`'s baseline
//! encoder, which writes 4:4:4 (no chroma subsampling), so coloured text keeps clean edges.

use image::ImageEncoder;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use resvg::tiny_skia::{Pixmap, Transform};
use resvg::usvg;

use crate::fonts::{FAMILY, fallback_selector};
use crate::{Card, Fonts, Format};

#[derive(Debug, thiserror::Error)]
pub enum CardError {
    /// The SVG did not parse: a bug in this crate (user text is escaped and cleaned).
    #[error("the card's SVG is invalid: {0}")]
    Svg(String),
    #[error("cannot allocate a {width}×{height} canvas")]
    Canvas { width: u32, height: u32 },
    #[error("encoding the card failed: {0}")]
    Encode(String),
}

/// Renders the card and encodes it as `format`.
pub fn render(card: &Card, fonts: &Fonts, format: Format) -> Result<Vec<u8>, CardError> {
    let rgba = rasterize(card, fonts)?;
    encode(&rgba, card.width, card.height, format)
}

/// The card's pixels as straight (not premultiplied) RGBA, row by row.
pub(crate) fn rasterize(card: &Card, fonts: &Fonts) -> Result<Vec<u8>, CardError> {
    let mut options = usvg::Options {
        font_family: FAMILY.to_owned(),
        fontdb: fonts.database(),
        font_resolver: usvg::FontResolver {
            select_font: usvg::FontResolver::default_font_selector(),
            select_fallback: fallback_selector(),
        },
        ..usvg::Options::default()
    };
    // Only `data:` URLs (made by this crate) are images; a path or URL never touches the disk.
    options.image_href_resolver = usvg::ImageHrefResolver {
        resolve_data: usvg::ImageHrefResolver::default_data_resolver(),
        resolve_string: Box::new(|_, _| None),
    };
    let tree =
        usvg::Tree::from_str(&card.svg, &options).map_err(|e| CardError::Svg(e.to_string()))?;
    let canvas = CardError::Canvas { width: card.width, height: card.height };
    let mut pixmap = Pixmap::new(card.width, card.height).ok_or(canvas)?;
    // Scale the SVG's own size onto the canvas (they are equal for cards built here).
    let size = tree.size();
    let transform = Transform::from_scale(
        card.width as f32 / size.width().max(1.0),
        card.height as f32 / size.height().max(1.0),
    );
    resvg::render(&tree, transform, &mut pixmap.as_mut());
    // tiny-skia stores premultiplied RGBA. A card is opaque (it paints its background), and an
    // opaque pixel is the same premultiplied or not: hand the buffer over as it is, and only
    // demultiply when some pixel is translucent.
    if pixmap.pixels().iter().all(|p| p.alpha() == 255) {
        return Ok(pixmap.take());
    }
    let mut rgba = Vec::with_capacity(pixmap.data().len());
    for pixel in pixmap.pixels() {
        let c = pixel.demultiply();
        rgba.extend_from_slice(&[c.red(), c.green(), c.blue(), c.alpha()]);
    }
    Ok(rgba)
}

fn encode(rgba: &[u8], width: u32, height: u32, format: Format) -> Result<Vec<u8>, CardError> {
    let err = |e: image::ImageError| CardError::Encode(e.to_string());
    let mut out = Vec::new();
    match format {
        Format::Png => {
            // Cards are opaque: RGB is a quarter less to compress. Fast compression (fdeflate)
            // takes ~4 ms instead of ~20 and gives ~200 KB instead of ~120 — platforms
            // re-encode anyway, and a clean lossless source is what matters (research §1).
            let opaque = rgba.chunks_exact(4).all(|p| p[3] == 255);
            let encoder =
                PngEncoder::new_with_quality(&mut out, CompressionType::Fast, FilterType::Adaptive);
            if opaque {
                let rgb: Vec<u8> = rgba.chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]).collect();
                encoder.write_image(&rgb, width, height, image::ExtendedColorType::Rgb8)
            } else {
                encoder.write_image(rgba, width, height, image::ExtendedColorType::Rgba8)
            }
            .map_err(err)?;
        }
        Format::Jpeg { quality } => {
            // The background is opaque; alpha is dropped (composited on white just in case).
            let rgb: Vec<u8> = rgba
                .chunks_exact(4)
                .flat_map(|p| {
                    let a = u16::from(p[3]);
                    let blend = |c: u8| ((u16::from(c) * a + 255 * (255 - a) + 127) / 255) as u8;
                    [blend(p[0]), blend(p[1]), blend(p[2])]
                })
                .collect();
            JpegEncoder::new_with_quality(&mut out, quality.clamp(1, 100))
                .write_image(&rgb, width, height, image::ExtendedColorType::Rgb8)
                .map_err(err)?;
        }
    }
    Ok(out)
}
