//! Daka's export archive: a ZIP holding
//!
//! * `daka.jsonl` — every stored row, one JSON object per line, for lossless re-import;
//! * `csv/*.csv` — the same data as tables for spreadsheets (UTF-8 with a BOM so Excel opens the
//!   Chinese text correctly), plus a daily summary;
//! * `README.txt` — what is in it, in Chinese and English.
//!
//! Reading is defensive: archives come from outside. Sizes are bounded before anything is
//! decompressed into memory (zip bombs), every line is bounded, and errors name the line.
//! Writing is atomic: a temporary file next to the target, renamed into place when complete.

#![forbid(unsafe_code)]

mod record;

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, Write};
use std::path::{Path, PathBuf};

use daka_core::lang::Lang;
pub use record::{FORMAT, FORMAT_VERSION, MinutesRow, Record, RowMeta};
use zip::write::SimpleFileOptions;

/// The JSON Lines member of the ZIP.
pub const JSONL_NAME: &str = "daka.jsonl";

/// Bounds on what an import will read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The archive file itself.
    pub max_file_bytes: u64,
    /// `daka.jsonl` once decompressed.
    pub max_jsonl_bytes: u64,
    /// One line of `daka.jsonl`.
    pub max_line_bytes: usize,
    pub max_records: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_file_bytes: 512 << 20,
            max_jsonl_bytes: 256 << 20,
            max_line_bytes: 64 << 10,
            max_records: 5_000_000,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("cannot read or write {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("not a Daka export: {detail}")]
    NotAnExport { detail: String },
    #[error("{what} is larger than {limit} bytes")]
    TooLarge { what: String, limit: u64 },
    #[error("line {line}: {detail}")]
    BadLine { line: usize, detail: String },
    #[error("made by a newer Daka (format {found}, this build reads up to {FORMAT_VERSION})")]
    NewerFormat { found: u32 },
    #[error("the archive ends early: {detail}")]
    Truncated { detail: String },
}

impl ArchiveError {
    /// What the user reads, in their language.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (ArchiveError::Io { path, .. }, Lang::ZhCn) => {
                format!("无法读写文件 {}，请检查文件是否存在、是否有权限。", path.display())
            }
            (ArchiveError::Io { path, .. }, Lang::En) => {
                format!(
                    "Cannot read or write {}; check that it exists and you may access it.",
                    path.display()
                )
            }
            (ArchiveError::NotAnExport { .. }, Lang::ZhCn) => {
                "这不是 Daka 导出的文件，请选择“导出数据”生成的 .zip 文件。".into()
            }
            (ArchiveError::NotAnExport { .. }, Lang::En) => {
                "This is not a Daka export; choose a .zip made by “Export data”.".into()
            }
            (ArchiveError::TooLarge { what, .. }, Lang::ZhCn) => {
                format!("文件太大（{what}），不像是 Daka 的导出，没有导入任何内容。")
            }
            (ArchiveError::TooLarge { what, .. }, Lang::En) => {
                format!("The file is too large ({what}) to be a Daka export; nothing was imported.")
            }
            (ArchiveError::BadLine { line, detail }, Lang::ZhCn) => {
                format!("导出文件第 {line} 行有问题（{detail}），没有导入任何内容。")
            }
            (ArchiveError::BadLine { line, detail }, Lang::En) => {
                format!("Line {line} of the export is damaged ({detail}); nothing was imported.")
            }
            (ArchiveError::NewerFormat { .. }, Lang::ZhCn) => {
                "这个文件来自更新版本的 Daka，请先升级 Daka 再导入。".into()
            }
            (ArchiveError::NewerFormat { .. }, Lang::En) => {
                "This file comes from a newer Daka; update Daka before importing it.".into()
            }
            (ArchiveError::Truncated { .. }, Lang::ZhCn) => {
                "文件不完整（可能没有下载或复制完），没有导入任何内容。".into()
            }
            (ArchiveError::Truncated { .. }, Lang::En) => {
                "The file is incomplete (perhaps not fully copied); nothing was imported.".into()
            }
        }
    }

    fn io(path: &Path, source: std::io::Error) -> Self {
        ArchiveError::Io { path: path.to_owned(), source }
    }
}

/// A table for `csv/<name>.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub name: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(name: &str, header: &[&str]) -> Self {
        Self {
            name: name.to_owned(),
            header: header.iter().map(|h| (*h).to_owned()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<String>) {
        self.rows.push(row);
    }

    fn to_csv(&self) -> Result<Vec<u8>, csv::Error> {
        // A BOM so spreadsheet programs read the UTF-8 (Chinese) text correctly.
        let mut out = b"\xEF\xBB\xBF".to_vec();
        {
            let mut w = csv::Writer::from_writer(&mut out);
            w.write_record(&self.header)?;
            for r in &self.rows {
                w.write_record(r)?;
            }
            w.flush()?;
        }
        Ok(out)
    }
}

const README: &str = "Daka 导出 / Daka export

daka.jsonl   全部数据，每行一条 JSON，用于在 Daka 里导入和恢复（不要手工修改）。
             All data, one JSON object per line, for importing into Daka (do not edit by hand).
csv/         同样的数据做成表格，可以用 Excel、WPS 或 Numbers 打开。
             The same data as tables for spreadsheets.
  daily_summary.csv  每个学习日：状态、学习分钟、打卡次数、连续天数、坚持度
                     Each study day: status, minutes, punch-ins, streak, strength.
  focus_sessions.csv 每次专注：开始和结束时间（当地时间）、科目、方式、计划和实际分钟、结果、拦截的应用
                     Each focus session: local start and end, subject, mode, minutes, outcome,
                     blocked apps.

时间是 UTC 毫秒或带时区的 ISO 8601；日期是学习日（按一天的开始时间划分）。
Instants are UTC milliseconds or ISO 8601 with offset; dates are study days.
";

/// Where photo files go inside the ZIP.
pub const PHOTOS_PREFIX: &str = "photos/";

/// A file copied into the archive as it is (photos are already compressed).
#[derive(Debug, Clone)]
pub struct ArchiveFile {
    /// The name inside the ZIP, e.g. `photos/<id>.jpg`.
    pub name: String,
    pub path: PathBuf,
}

/// Writes the archive to `path` atomically (temporary file + rename).
pub fn write_archive(
    path: &Path,
    records: &[Record],
    tables: &[Table],
    files: &[ArchiveFile],
) -> Result<(), ArchiveError> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("daka-export.zip");
    let tmp = dir.join(format!(".{file_name}.partial"));
    let result = (|| -> Result<(), ArchiveError> {
        let file = File::create(&tmp).map_err(|e| ArchiveError::io(&tmp, e))?;
        let mut zip = zip::ZipWriter::new(file);
        let options =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        let io = |e: std::io::Error| ArchiveError::io(&tmp, e);
        let zerr = |e: zip::result::ZipError| ArchiveError::io(&tmp, std::io::Error::other(e));
        zip.start_file("README.txt", options).map_err(zerr)?;
        zip.write_all(README.as_bytes()).map_err(io)?;
        zip.start_file(JSONL_NAME, options).map_err(zerr)?;
        for r in records {
            let line = serde_json::to_string(r).map_err(|e| io(std::io::Error::other(e)))?;
            zip.write_all(line.as_bytes()).map_err(io)?;
            zip.write_all(b"\n").map_err(io)?;
        }
        for t in tables {
            zip.start_file(format!("csv/{}.csv", t.name), options).map_err(zerr)?;
            zip.write_all(&t.to_csv().map_err(|e| io(std::io::Error::other(e)))?).map_err(io)?;
        }
        let stored =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        for f in files {
            let mut source = File::open(&f.path).map_err(|e| ArchiveError::io(&f.path, e))?;
            zip.start_file(f.name.as_str(), stored).map_err(zerr)?;
            std::io::copy(&mut source, &mut zip).map_err(|e| ArchiveError::io(&f.path, e))?;
        }
        let file = zip.finish().map_err(zerr)?;
        file.sync_all().map_err(io)?;
        Ok(())
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, path).map_err(|e| ArchiveError::io(path, e))
}

/// Copies `names` (under [`PHOTOS_PREFIX`] in the ZIP) into `dest`, each written to a temporary
/// name and renamed. A name missing from the archive, or longer than `max_bytes`, is an error;
/// files already copied stay (nothing refers to them until the import commits, and the next
/// start sweeps unreferenced photo files).
pub fn extract_photos(
    path: &Path,
    names: &[String],
    dest: &Path,
    max_bytes: u64,
) -> Result<(), ArchiveError> {
    if names.is_empty() {
        return Ok(());
    }
    let file = File::open(path).map_err(|e| ArchiveError::io(path, e))?;
    let mut zip = zip::ZipArchive::new(BufReader::new(file)).map_err(|e| zip_error(&e))?;
    std::fs::create_dir_all(dest).map_err(|e| ArchiveError::io(dest, e))?;
    for name in names {
        let mut entry = zip.by_name(&format!("{PHOTOS_PREFIX}{name}")).map_err(|e| match e {
            zip::result::ZipError::FileNotFound => {
                ArchiveError::Truncated { detail: format!("the photo {name} is missing") }
            }
            other => zip_error(&other),
        })?;
        if entry.size() > max_bytes {
            return Err(ArchiveError::TooLarge { what: name.clone(), limit: max_bytes });
        }
        let target = dest.join(name);
        let tmp = dest.join(format!(".{name}.partial"));
        let copied = (|| {
            let mut out = File::create(&tmp)?;
            let n = std::io::copy(&mut (&mut entry).take(max_bytes + 1), &mut out)?;
            if n > max_bytes {
                return Err(std::io::Error::other("photo larger than its limit"));
            }
            out.sync_all()?;
            std::fs::rename(&tmp, &target)
        })();
        if let Err(e) = copied {
            let _ = std::fs::remove_file(&tmp);
            return Err(ArchiveError::io(&target, e));
        }
    }
    Ok(())
}

/// Reads the records of an archive (a Daka ZIP, or a bare `daka.jsonl`), checking the header.
pub fn read_archive(path: &Path, limits: Limits) -> Result<Vec<Record>, ArchiveError> {
    let file = File::open(path).map_err(|e| ArchiveError::io(path, e))?;
    let size = file.metadata().map_err(|e| ArchiveError::io(path, e))?.len();
    if size > limits.max_file_bytes {
        return Err(ArchiveError::TooLarge {
            what: "the file".into(),
            limit: limits.max_file_bytes,
        });
    }
    let mut reader = BufReader::new(file);
    let mut magic = [0u8; 4];
    let n = read_up_to(&mut reader, &mut magic).map_err(|e| ArchiveError::io(path, e))?;
    reader.rewind().map_err(|e| ArchiveError::io(path, e))?;
    if n == 4 && magic == *b"PK\x03\x04" {
        let mut zip = zip::ZipArchive::new(reader).map_err(|e| zip_error(&e))?;
        let entry = zip.by_name(JSONL_NAME).map_err(|e| match e {
            zip::result::ZipError::FileNotFound => {
                ArchiveError::NotAnExport { detail: format!("no {JSONL_NAME} inside") }
            }
            other => zip_error(&other),
        })?;
        // The declared size can lie; the reader below is bounded regardless.
        if entry.size() > limits.max_jsonl_bytes {
            return Err(ArchiveError::TooLarge {
                what: JSONL_NAME.into(),
                limit: limits.max_jsonl_bytes,
            });
        }
        parse_lines(BufReader::new(entry.take(limits.max_jsonl_bytes + 1)), limits)
    } else {
        parse_lines(reader.take(limits.max_jsonl_bytes + 1), limits)
    }
}

fn zip_error(e: &zip::result::ZipError) -> ArchiveError {
    match e {
        zip::result::ZipError::Io(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            ArchiveError::Truncated { detail: e.to_string() }
        }
        _ => ArchiveError::NotAnExport { detail: e.to_string() },
    }
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// Parses JSON Lines with bounded lines and a bounded total (the reader is `take(limit + 1)`).
fn parse_lines(mut reader: impl BufRead, limits: Limits) -> Result<Vec<Record>, ArchiveError> {
    let mut records = Vec::new();
    let mut total: u64 = 0;
    let mut buf = Vec::new();
    let mut line_no = 0usize;
    loop {
        buf.clear();
        let read = (&mut reader)
            .take(limits.max_line_bytes as u64 + 1)
            .read_until(b'\n', &mut buf)
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::UnexpectedEof
                    || e.to_string().contains("corrupt")
                {
                    ArchiveError::Truncated { detail: e.to_string() }
                } else {
                    ArchiveError::BadLine { line: line_no + 1, detail: e.to_string() }
                }
            })?;
        if read == 0 {
            break;
        }
        line_no += 1;
        total += read as u64;
        if total > limits.max_jsonl_bytes {
            return Err(ArchiveError::TooLarge {
                what: JSONL_NAME.into(),
                limit: limits.max_jsonl_bytes,
            });
        }
        // Until a header has been read, a line that is not one means the user picked some
        // other file (a photo, a text file): say that, not "line 1 is damaged".
        let bad = |detail: String| {
            if records.is_empty() {
                ArchiveError::NotAnExport { detail: format!("line {line_no}: {detail}") }
            } else {
                ArchiveError::BadLine { line: line_no, detail }
            }
        };
        if buf.len() > limits.max_line_bytes {
            return Err(bad("line too long".into()));
        }
        let text = std::str::from_utf8(&buf).map_err(|_| bad("not UTF-8".into()))?.trim();
        if text.is_empty() {
            continue;
        }
        let record: Record = serde_json::from_str(text).map_err(|e| {
            if e.is_eof() && !records.is_empty() {
                ArchiveError::Truncated { detail: format!("line {line_no}: {e}") }
            } else {
                bad(e.to_string())
            }
        })?;
        if records.is_empty() {
            match &record {
                Record::Header { format, version, .. } if format == FORMAT => {
                    if *version > FORMAT_VERSION {
                        return Err(ArchiveError::NewerFormat { found: *version });
                    }
                }
                _ => {
                    return Err(ArchiveError::NotAnExport {
                        detail: "the first line is not a Daka header".into(),
                    });
                }
            }
        } else if matches!(record, Record::Header { .. }) {
            return Err(ArchiveError::BadLine { line: line_no, detail: "a second header".into() });
        }
        records.push(record);
        if records.len() > limits.max_records {
            return Err(ArchiveError::TooLarge {
                what: "the number of records".into(),
                limit: limits.max_records as u64,
            });
        }
    }
    if records.is_empty() {
        return Err(ArchiveError::NotAnExport { detail: "empty".into() });
    }
    Ok(records)
}

#[cfg(test)]
mod tests;
