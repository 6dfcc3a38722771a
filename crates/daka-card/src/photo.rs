//! The day's photo on a daily card: checked before decoding, decoded with limits, cropped to
//! the box it fills and downscaled to that box, then embedded as a JPEG `data:` URL.
//!
//! Why embed a re-encoded copy instead of the original bytes: the original may be 30 MB and
//! 50 MP, and resvg would decode all of it on every render. The copy is at most the box's
//! pixels (≈ 0.2–0.5 MP), so the SVG stays small enough to preview in the webview.

use std::io::Cursor;

use base64::Engine;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};

/// Refused before decoding: larger files and pictures are not worth the memory for a card.
pub(crate) const MAX_BYTES: usize = 30 * 1024 * 1024;
pub(crate) const MAX_PIXELS: u64 = 40_000_000;
/// What the decoder may allocate (a 40 MP RGBA image is 160 MB).
const MAX_ALLOC: u64 = 256 * 1024 * 1024;
/// Quality of the embedded copy (the card as a whole is exported at q92).
const EMBED_QUALITY: u8 = 90;

/// A cheap sniff: is this one of the formats a card accepts?
pub(crate) fn looks_like_image(bytes: &[u8]) -> bool {
    bytes.len() <= MAX_BYTES
        && matches!(
            image::guess_format(bytes),
            Ok(ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP)
        )
}

/// The photo cropped to `box_w`×`box_h`'s aspect ratio (centred) and scaled down to at most
/// that many pixels, as a `data:image/jpeg;base64,…` URL. `None` if it is not a usable image.
pub(crate) fn data_url(bytes: &[u8], box_w: u32, box_h: u32) -> Option<String> {
    if !looks_like_image(bytes) || box_w == 0 || box_h == 0 {
        return None;
    }
    let format = image::guess_format(bytes).ok()?;
    let reader = || {
        let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
        let mut limits = image::Limits::default();
        limits.max_alloc = Some(MAX_ALLOC);
        reader.limits(limits);
        reader
    };
    // The header's claim is checked before any pixel is decoded.
    let (w, h) = reader().into_dimensions().ok()?;
    if w == 0 || h == 0 || u64::from(w) * u64::from(h) > MAX_PIXELS {
        return None;
    }
    let mut decoder = reader().into_decoder().ok()?;
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).ok()?;
    image.apply_orientation(orientation);

    let (w, h) = (image.width(), image.height());
    // Crop to the box's aspect ratio around the centre (what xMidYMid slice would show).
    let box_ratio = f64::from(box_w) / f64::from(box_h);
    let (cw, ch) = if f64::from(w) / f64::from(h) > box_ratio {
        (((f64::from(h) * box_ratio).round() as u32).clamp(1, w), h)
    } else {
        (w, ((f64::from(w) / box_ratio).round() as u32).clamp(1, h))
    };
    let cropped = image.crop_imm((w - cw) / 2, (h - ch) / 2, cw, ch);
    drop(image);
    let fitted =
        if cw > box_w || ch > box_h { cropped.thumbnail_exact(box_w, box_h) } else { cropped };
    let rgb = fitted.into_rgb8();
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, EMBED_QUALITY)
        .encode_image(&rgb)
        .ok()?;
    Some(format!(
        "data:image/jpeg;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(jpeg)
    ))
}
