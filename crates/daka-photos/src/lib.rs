//! Punch-in photos: a picture the user chose is checked, copied into the data folder and given a
//! thumbnail, before any database row refers to it.
//!
//! Layout under the data folder:
//!
//! ```text
//! photos/<id>.<ext>         the original bytes, unchanged (the user's photo is theirs)
//! photos/thumbs/<id>.jpg    at most 480 px on the long side, EXIF orientation applied
//! ```
//!
//! Hostile files are refused before they cost much: the size is checked before reading, the
//! format is sniffed from the bytes (not the name), the dimensions are read from the header and
//! refused above [`Limits::max_pixels`] before decoding, and the decoder runs with an allocation
//! limit. Files are written to a temporary name and renamed, so a crash never leaves a half photo
//! under a real name; [`sweep`] removes leftovers that no row refers to.

use std::collections::HashSet;
use std::fs;
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use base64::Engine;
use daka_core::lang::Lang;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};

#[cfg(test)]
mod tests;

/// At most this many photos per punch-in.
pub const MAX_PHOTOS_PER_PUNCH_IN: usize = 9;
/// The thumbnail's long side, in pixels (sharp at 160 CSS px on a 3× screen).
pub const THUMB_SIDE: u32 = 480;

/// What a photo may be.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_bytes: u64,
    pub max_pixels: u64,
    /// Memory the decoder may allocate.
    pub max_alloc: u64,
}

impl Default for Limits {
    fn default() -> Self {
        // A 50 MP phone photo is ~20 MB as JPEG; 100 MP leaves room for panoramas.
        Self { max_bytes: 40 << 20, max_pixels: 100_000_000, max_alloc: 512 << 20 }
    }
}

/// A photo copied into the data folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ingested {
    /// A new UUIDv7, also the stem of both file names.
    pub id: String,
    /// Under `photos/`.
    pub file_name: String,
    /// Under `photos/thumbs/`.
    pub thumb_name: String,
    /// As displayed (after EXIF orientation).
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
    /// The name it had on the user's disk, for their reference.
    pub original_name: String,
}

#[derive(Debug, thiserror::Error)]
pub enum PhotoError {
    #[error("{name}: not an image")]
    NotAnImage { name: String },
    #[error("{name}: {format} is not supported")]
    Unsupported { name: String, format: String },
    #[error("{name}: {bytes} bytes is too large")]
    TooLarge { name: String, bytes: u64 },
    #[error("{name}: {width}×{height} has too many pixels")]
    TooManyPixels { name: String, width: u32, height: u32 },
    #[error("{name}: decoding needs more memory than allowed")]
    OverLimits { name: String },
    #[error("{name}: damaged image: {detail}")]
    Damaged { name: String, detail: String },
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

impl PhotoError {
    fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io { path: path.to_owned(), source }
    }

    /// What to tell the user, in their language.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (Self::NotAnImage { name }, Lang::ZhCn) => {
                format!("“{name}”不是图片。请选择 JPEG、PNG、WebP、GIF 或 BMP 格式的照片。")
            }
            (Self::NotAnImage { name }, Lang::En) => {
                format!("“{name}” is not a picture. Choose a JPEG, PNG, WebP, GIF or BMP photo.")
            }
            (Self::Unsupported { name, format }, Lang::ZhCn) => {
                format!("暂不支持 {format} 格式的“{name}”。请先在相册里导出为 JPEG 再添加。")
            }
            (Self::Unsupported { name, format }, Lang::En) => format!(
                "“{name}” is {format}, which Daka cannot read yet. Export it as JPEG first."
            ),
            (Self::TooLarge { name, bytes }, Lang::ZhCn) => format!(
                "“{name}”太大（{:.0} MB），单张照片最大 40 MB。",
                *bytes as f64 / 1_048_576.0
            ),
            (Self::TooLarge { name, bytes }, Lang::En) => format!(
                "“{name}” is too large ({:.0} MB); a photo may be at most 40 MB.",
                *bytes as f64 / 1_048_576.0
            ),
            (Self::TooManyPixels { name, width, height }, Lang::ZhCn) => {
                format!("“{name}”尺寸过大（{width}×{height}），单张照片最多 1 亿像素。")
            }
            (Self::TooManyPixels { name, width, height }, Lang::En) => format!(
                "“{name}” is too big ({width}×{height}); a photo may have at most 100 megapixels."
            ),
            (Self::OverLimits { name }, Lang::ZhCn) => {
                format!("“{name}”太大，打开它需要的内存超出了限制。请换一张小一些的照片。")
            }
            (Self::OverLimits { name }, Lang::En) => {
                format!("“{name}” needs too much memory to open. Choose a smaller photo.")
            }
            (Self::Damaged { name, .. }, Lang::ZhCn) => {
                format!("“{name}”已损坏，无法读取。")
            }
            (Self::Damaged { name, .. }, Lang::En) => {
                format!("“{name}” is damaged and cannot be read.")
            }
            (Self::Io { .. }, Lang::ZhCn) => "无法读取或保存这张照片，请检查文件是否还在。".into(),
            (Self::Io { .. }, Lang::En) => {
                "The photo could not be read or saved. Check that the file is still there.".into()
            }
        }
    }
}

pub fn photos_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("photos")
}

fn thumbs_dir(data_dir: &Path) -> PathBuf {
    photos_dir(data_dir).join("thumbs")
}

/// Checks `source` and copies it into `data_dir` with a thumbnail.
pub fn ingest(source: &Path, data_dir: &Path, limits: Limits) -> Result<Ingested, PhotoError> {
    let name = source.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let size = fs::metadata(source).map_err(|e| PhotoError::io(source, e))?.len();
    if size > limits.max_bytes {
        return Err(PhotoError::TooLarge { name, bytes: size });
    }
    let bytes = fs::read(source).map_err(|e| PhotoError::io(source, e))?;
    let format = sniff(&bytes, &name)?;
    let (jpeg, width, height) = thumbnail_jpeg(&bytes, format, &name, limits)?;

    let id = uuid::Uuid::now_v7().to_string();
    let ext = format.extensions_str().first().copied().unwrap_or("img");
    let file_name = format!("{id}.{ext}");
    let thumb_name = format!("{id}.jpg");
    let thumb_path = thumbs_dir(data_dir).join(&thumb_name);
    let photo_path = photos_dir(data_dir).join(&file_name);
    write_atomic(&thumb_path, &jpeg)?;
    if let Err(e) = write_atomic(&photo_path, &bytes) {
        let _ = fs::remove_file(&thumb_path);
        return Err(e);
    }
    Ok(Ingested {
        id,
        file_name,
        thumb_name,
        width,
        height,
        bytes: size,
        original_name: name.chars().take(200).collect(),
    })
}

/// Makes the thumbnail (`thumbs/<thumb_name>`) of a photo already in the photos folder, as an
/// import needs: the export carries the originals only.
pub fn make_thumbnail(
    data_dir: &Path,
    file_name: &str,
    thumb_name: &str,
    limits: Limits,
) -> Result<(), PhotoError> {
    let path = photo_path(data_dir, file_name)?;
    let bytes = fs::read(&path).map_err(|e| PhotoError::io(&path, e))?;
    let format = sniff(&bytes, file_name)?;
    let (jpeg, _, _) = thumbnail_jpeg(&bytes, format, file_name, limits)?;
    write_atomic(&thumbs_dir(data_dir).join(safe_name(thumb_name)?), &jpeg)
}

/// Decodes (within the limits) and returns the thumbnail JPEG and the displayed size.
fn thumbnail_jpeg(
    bytes: &[u8],
    format: ImageFormat,
    name: &str,
    limits: Limits,
) -> Result<(Vec<u8>, u32, u32), PhotoError> {
    let name = name.to_owned();
    let damaged = |e: image::ImageError| match e {
        image::ImageError::Limits(_) => PhotoError::OverLimits { name: name.clone() },
        other => PhotoError::Damaged { name: name.clone(), detail: other.to_string() },
    };

    let reader = || {
        let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
        let mut l = image::Limits::default();
        l.max_alloc = Some(limits.max_alloc);
        reader.limits(l);
        reader
    };
    let (width, height) = reader().into_dimensions().map_err(damaged)?;
    if u64::from(width) * u64::from(height) > limits.max_pixels {
        return Err(PhotoError::TooManyPixels { name, width, height });
    }
    let mut decoder = reader().into_decoder().map_err(damaged)?;
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(damaged)?;
    image.apply_orientation(orientation);
    let (width, height) = (image.width(), image.height());
    let thumb = image.thumbnail(THUMB_SIDE, THUMB_SIDE).into_rgb8();
    drop(image);
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85)
        .encode_image(&thumb)
        .map_err(damaged)?;

    Ok((jpeg, width, height))
}

/// The format from the bytes; HEIC/AVIF (iPhone) named so the user knows what to do.
fn sniff(bytes: &[u8], name: &str) -> Result<ImageFormat, PhotoError> {
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        let brand = String::from_utf8_lossy(&bytes[8..12]).to_ascii_lowercase();
        if ["heic", "heix", "mif1", "msf1", "hevc", "avif"].contains(&brand.as_str()) {
            let format = if brand == "avif" { "AVIF" } else { "HEIC" };
            return Err(PhotoError::Unsupported { name: name.into(), format: format.into() });
        }
    }
    match image::guess_format(bytes) {
        Ok(
            f @ (ImageFormat::Jpeg
            | ImageFormat::Png
            | ImageFormat::WebP
            | ImageFormat::Gif
            | ImageFormat::Bmp),
        ) => Ok(f),
        Ok(other) => Err(PhotoError::Unsupported {
            name: name.into(),
            format: format!("{other:?}").to_uppercase(),
        }),
        Err(_) => Err(PhotoError::NotAnImage { name: name.into() }),
    }
}

fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), PhotoError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|e| PhotoError::io(dir, e))?;
    let tmp = dir.join(format!(
        ".{}.partial",
        path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()
    ));
    let result = (|| {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        PhotoError::io(path, e)
    })
}

/// The thumbnail as a `data:` URL for the webview (its CSP allows `data:` images).
pub fn thumbnail_data_url(data_dir: &Path, thumb_name: &str) -> Result<String, PhotoError> {
    Ok(jpeg_data_url(&thumbnail_bytes(data_dir, thumb_name)?))
}

/// JPEG bytes as a `data:` URL (a thumbnail, or a group member's photo from the server).
pub fn jpeg_data_url(bytes: &[u8]) -> String {
    format!("data:image/jpeg;base64,{}", base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// The thumbnail's JPEG bytes: what a group sees of a photo (never the original).
pub fn thumbnail_bytes(data_dir: &Path, thumb_name: &str) -> Result<Vec<u8>, PhotoError> {
    let path = thumbs_dir(data_dir).join(safe_name(thumb_name)?);
    fs::read(&path).map_err(|e| PhotoError::io(&path, e))
}

/// The original photo's path, for copying into an export.
pub fn photo_path(data_dir: &Path, file_name: &str) -> Result<PathBuf, PhotoError> {
    Ok(photos_dir(data_dir).join(safe_name(file_name)?))
}

/// File names come from the database; still, never let one climb out of the photos folder.
fn safe_name(name: &str) -> Result<&str, PhotoError> {
    let ok = !name.is_empty()
        && !name.starts_with('.')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    if ok { Ok(name) } else { Err(PhotoError::NotAnImage { name: name.into() }) }
}

/// Deletes photo files (and leftover temporary files) that `keep` does not name. Returns how
/// many were removed. Run at start, after the database says which files are still wanted.
pub fn sweep(data_dir: &Path, keep: &HashSet<String>) -> usize {
    let mut removed = 0;
    for dir in [photos_dir(data_dir), thumbs_dir(data_dir)] {
        let Ok(entries) = fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let is_file = entry.file_type().is_ok_and(|t| t.is_file());
            if is_file && !keep.contains(&name) && fs::remove_file(entry.path()).is_ok() {
                removed += 1;
            }
        }
    }
    removed
}
