use super::*;

use image::{Rgb, RgbImage};
use tempfile::TempDir;

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(width, height, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80).encode_image(&img).unwrap();
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for b in bytes {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// A PNG whose header claims `width`×`height`: what a decompression bomb looks like up front.
fn png_header(width: u32, height: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend(width.to_be_bytes());
    ihdr.extend(height.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    out.extend(13u32.to_be_bytes());
    out.extend(&ihdr);
    out.extend(crc32(&ihdr).to_be_bytes());
    // An empty IDAT: the decoder reads up to the first image data before it reports the size.
    out.extend(0u32.to_be_bytes());
    out.extend(b"IDAT");
    out.extend(crc32(b"IDAT").to_be_bytes());
    out
}

fn file(dir: &TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.path().join(name);
    fs::write(&path, bytes).unwrap();
    path
}

fn stored_files(data: &TempDir) -> usize {
    let count = |d: PathBuf| {
        fs::read_dir(d).map_or(0, |e| e.flatten().filter(|e| e.path().is_file()).count())
    };
    count(photos_dir(data.path())) + count(thumbs_dir(data.path()))
}

#[test]
fn a_photo_is_copied_unchanged_with_a_small_thumbnail() {
    let (src, data) = (TempDir::new().unwrap(), TempDir::new().unwrap());
    let bytes = jpeg(1600, 1200);
    let got = ingest(&file(&src, "IMG_0001.JPG", &bytes), data.path(), Limits::default()).unwrap();
    assert_eq!((got.width, got.height), (1600, 1200));
    assert_eq!(got.original_name, "IMG_0001.JPG");
    assert!(got.file_name.ends_with(".jpg"));
    assert_eq!(fs::read(photo_path(data.path(), &got.file_name).unwrap()).unwrap(), bytes);
    let thumb = image::open(thumbs_dir(data.path()).join(&got.thumb_name)).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (480, 360));
    let url = thumbnail_data_url(data.path(), &got.thumb_name).unwrap();
    assert!(url.starts_with("data:image/jpeg;base64,/9j/"));
}

#[test]
fn the_format_comes_from_the_bytes_not_the_name() {
    let (src, data) = (TempDir::new().unwrap(), TempDir::new().unwrap());
    let mut png = Vec::new();
    RgbImage::new(10, 20).write_to(&mut Cursor::new(&mut png), ImageFormat::Png).unwrap();
    let got =
        ingest(&file(&src, "really-a-png.jpg", &png), data.path(), Limits::default()).unwrap();
    assert!(got.file_name.ends_with(".png"));
    assert_eq!((got.width, got.height), (10, 20));
}

#[test]
fn hostile_files_are_refused_and_leave_nothing_behind() {
    let (src, data) = (TempDir::new().unwrap(), TempDir::new().unwrap());
    let limits = Limits::default();
    let not_image = file(&src, "notes.jpg", "这不是图片".as_bytes());
    assert!(matches!(ingest(&not_image, data.path(), limits), Err(PhotoError::NotAnImage { .. })));

    let heic = file(&src, "IMG_1234.HEIC", b"\0\0\0\x18ftypheic\0\0\0\0mif1heic");
    let err = ingest(&heic, data.path(), limits).unwrap_err();
    assert!(err.message(Lang::ZhCn).contains("HEIC"), "{err}");

    let bomb = file(&src, "huge.png", &png_header(20_000, 20_000));
    let err = ingest(&bomb, data.path(), limits).unwrap_err();
    assert!(
        matches!(err, PhotoError::TooManyPixels { width: 20_000, height: 20_000, .. }),
        "{err}"
    );
    assert_eq!(
        err.message(Lang::ZhCn),
        "“huge.png”尺寸过大（20000×20000），单张照片最多 1 亿像素。"
    );

    // A photo cut short anywhere: a clear error, or (the JPEG decoder is lenient, as browsers
    // are) the picture with its missing part grey. Never a panic, never a wrong size.
    let whole = jpeg(800, 600);
    for keep in [2, 20, 200, whole.len() / 3, whole.len() - 2] {
        let cut = file(&src, &format!("cut-{keep}.jpg"), &whole[..keep]);
        match ingest(&cut, data.path(), limits) {
            Ok(got) => {
                assert_eq!((got.width, got.height), (800, 600));
                sweep(data.path(), &HashSet::new());
            }
            Err(PhotoError::Damaged { .. } | PhotoError::NotAnImage { .. }) => {}
            Err(other) => panic!("cut at {keep}: {other}"),
        }
    }

    let big = file(&src, "big.jpg", &jpeg(64, 64));
    let tiny = Limits { max_bytes: 100, ..limits };
    assert!(matches!(ingest(&big, data.path(), tiny), Err(PhotoError::TooLarge { .. })));

    let header_only = file(&src, "header.png", &png_header(4000, 3000));
    assert!(matches!(ingest(&header_only, data.path(), limits), Err(PhotoError::Damaged { .. })));

    let missing = src.path().join("gone.jpg");
    assert!(matches!(ingest(&missing, data.path(), limits), Err(PhotoError::Io { .. })));

    assert_eq!(stored_files(&data), 0);
}

#[test]
fn names_from_the_database_cannot_leave_the_photos_folder() {
    let data = TempDir::new().unwrap();
    assert!(photo_path(data.path(), "../daka.sqlite3").is_err());
    assert!(photo_path(data.path(), "/etc/passwd").is_err());
    assert!(thumbnail_data_url(data.path(), "..").is_err());
}

#[test]
fn the_sweep_keeps_only_what_is_named() {
    let (src, data) = (TempDir::new().unwrap(), TempDir::new().unwrap());
    let a = ingest(&file(&src, "a.jpg", &jpeg(40, 40)), data.path(), Limits::default()).unwrap();
    let b = ingest(&file(&src, "b.jpg", &jpeg(40, 40)), data.path(), Limits::default()).unwrap();
    fs::write(photos_dir(data.path()).join(".x.jpg.partial"), b"half").unwrap();
    let keep: HashSet<String> = [a.file_name.clone(), a.thumb_name.clone()].into();
    assert_eq!(sweep(data.path(), &keep), 3);
    assert!(photo_path(data.path(), &a.file_name).unwrap().exists());
    assert!(!photo_path(data.path(), &b.file_name).unwrap().exists());
}
