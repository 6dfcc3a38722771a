use std::io::Write;

use rstest::rstest;
use tempfile::TempDir;

use super::*;

fn meta() -> RowMeta {
    RowMeta { created_utc: 1, updated_utc: 2, version: 3, device_id: "d".into(), deleted_utc: None }
}

fn header() -> Record {
    Record::Header {
        format: FORMAT.into(),
        version: FORMAT_VERSION,
        exported_utc: 1_800_000_000_000,
        app_version: "0.1.0".into(),
        device_id: "d".into(),
    }
}

fn sample() -> Vec<Record> {
    vec![
        header(),
        Record::Subject {
            id: "s1".into(),
            name: "政治".into(),
            color: "#e5484d".into(),
            position: 0,
            meta: meta(),
        },
        Record::PunchIn {
            id: "p1".into(),
            logical_date: "2026-11-22".into(),
            kind: "live".into(),
            entered_on: "2026-11-22".into(),
            tz: "Asia/Shanghai".into(),
            utc_offset_min: 480,
            day_start_min: 240,
            note: "第一行\n第二行, \"引号\"".into(),
            mood: Some("good".into()),
            minutes: vec![MinutesRow { subject_id: "s1".into(), minutes: 90 }],
            meta: RowMeta { deleted_utc: Some(5), ..meta() },
        },
    ]
}

#[rstest]
fn an_archive_round_trips_and_holds_readable_tables() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("export.zip");
    let mut table = Table::new("subjects", &["id", "name"]);
    table.push(vec!["s1".into(), "政治, 一".into()]);
    write_archive(&path, &sample(), &[table], &[]).unwrap();
    assert_eq!(read_archive(&path, Limits::default()).unwrap(), sample());
    // No temporary file is left next to it.
    let names: Vec<_> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["export.zip"]);
    let mut zip = zip::ZipArchive::new(File::open(&path).unwrap()).unwrap();
    let mut csv = String::new();
    zip.by_name("csv/subjects.csv").unwrap().read_to_string(&mut csv).unwrap();
    assert_eq!(csv, "\u{feff}id,name\ns1,\"政治, 一\"\n");
    assert!(zip.by_name("README.txt").is_ok());
}

#[rstest]
fn a_bare_jsonl_file_is_accepted() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("daka.jsonl");
    let text: String = sample().iter().map(|r| serde_json::to_string(r).unwrap() + "\n").collect();
    std::fs::write(&path, text).unwrap();
    assert_eq!(read_archive(&path, Limits::default()).unwrap().len(), 3);
}

fn write_zip(path: &Path, entries: &[(&str, &[u8])]) {
    let mut zip = zip::ZipWriter::new(File::create(path).unwrap());
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        zip.start_file(*name, options).unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap();
}

#[rstest]
fn a_zip_bomb_is_stopped_at_the_limit() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("bomb.zip");
    let mut payload = serde_json::to_string(&header()).unwrap().into_bytes();
    payload.push(b'\n');
    payload.extend(std::iter::repeat_n(b' ', 20 << 20));
    write_zip(&path, &[(JSONL_NAME, &payload)]);
    assert!(std::fs::metadata(&path).unwrap().len() < 1 << 20, "it compresses to little");
    let limits = Limits { max_jsonl_bytes: 4 << 20, ..Limits::default() };
    let err = read_archive(&path, limits).unwrap_err();
    assert!(matches!(err, ArchiveError::TooLarge { .. } | ArchiveError::BadLine { .. }), "{err:?}");
}

#[rstest]
fn a_truncated_archive_is_reported_as_incomplete() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("export.zip");
    write_archive(&path, &sample(), &[], &[]).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let err = read_archive(&path, Limits::default()).unwrap_err();
    assert!(
        matches!(err, ArchiveError::Truncated { .. } | ArchiveError::NotAnExport { .. }),
        "{err:?}"
    );
}

#[rstest]
#[case::garbage(b"\x00\x01\x02 not a zip".as_slice())]
#[case::empty(b"".as_slice())]
#[case::no_header(b"{\"type\":\"subject\",\"id\":\"x\"}\n".as_slice())]
#[case::other_format(b"{\"type\":\"header\",\"format\":\"other\",\"version\":1,\"exported_utc\":0,\"app_version\":\"\",\"device_id\":\"\"}\n".as_slice())]
#[case::chinese_text("这不是压缩包\n第二行".as_bytes())]
#[case::json_array(b"[1, 2, 3]\n".as_slice())]
#[case::cut_json(b"{\"type\":\"hea".as_slice())]
#[case::latin1(b"caf\xe9\n".as_slice())]
fn files_that_are_not_exports_are_refused(#[case] content: &[u8]) {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("x");
    std::fs::write(&path, content).unwrap();
    let err = read_archive(&path, Limits::default()).unwrap_err();
    assert!(matches!(err, ArchiveError::NotAnExport { .. }), "{err:?}");
    assert_eq!(
        err.message(Lang::ZhCn),
        "这不是 Daka 导出的文件，请选择“导出数据”生成的 .zip 文件。"
    );
}

#[rstest]
fn a_zip_without_the_data_file_is_refused() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("x.zip");
    write_zip(&path, &[("photo.jpg", b"...")]);
    assert!(matches!(
        read_archive(&path, Limits::default()),
        Err(ArchiveError::NotAnExport { .. })
    ));
}

fn lines(records: &[&str]) -> String {
    let mut s = serde_json::to_string(&header()).unwrap();
    for r in records {
        s.push('\n');
        s.push_str(r);
    }
    s
}

#[rstest]
#[case::wrong_type(r##"{"type":"subject","id":"s","name":"x","color":"#000000","position":"first","created_utc":1,"updated_utc":1,"version":1,"device_id":"d"}"##, 2)]
#[case::unknown_type(r#"{"type":"spaceship","id":"x"}"#, 2)]
#[case::second_header(r#"{"type":"header","format":"daka-export","version":1,"exported_utc":0,"app_version":"","device_id":""}"#, 2)]
fn damaged_lines_are_named(#[case] line: &str, #[case] expected_line: usize) {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("daka.jsonl");
    std::fs::write(&path, lines(&[line])).unwrap();
    match read_archive(&path, Limits::default()).unwrap_err() {
        ArchiveError::BadLine { line, .. } => assert_eq!(line, expected_line),
        other => panic!("{other:?}"),
    }
}

#[rstest]
fn newer_formats_and_overlong_lines_are_refused() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("daka.jsonl");
    std::fs::write(&path, r#"{"type":"header","format":"daka-export","version":99,"exported_utc":0,"app_version":"","device_id":""}"#).unwrap();
    assert!(matches!(
        read_archive(&path, Limits::default()),
        Err(ArchiveError::NewerFormat { found: 99 })
    ));
    let long = format!(
        r#"{{"type":"setting","key":"k","value":"{}","updated_utc":0,"version":0,"device_id":""}}"#,
        "x".repeat(100_000)
    );
    std::fs::write(&path, lines(&[&long])).unwrap();
    assert!(matches!(
        read_archive(&path, Limits::default()),
        Err(ArchiveError::BadLine { line: 2, .. })
    ));
}

#[rstest]
fn timetable_records_round_trip_with_their_type_names() {
    let block = serde_json::json!([{
        "id": "0190aaaa-0000-7000-8000-000000000001",
        "start_min": 1170,
        "end_min": 1200,
        "kind": "exercise",
        "subject_id": null,
        "label": "散步",
        "color": null,
        "remind_before_min": null
    }]);
    let records = vec![
        header(),
        Record::TimetableTemplate {
            id: "t1".into(),
            name: "考研".into(),
            weekdays: vec![1, 2, 3, 4, 5, 6],
            blocks: block.clone(),
            position: 0,
            meta: meta(),
        },
        Record::TimetableOverride {
            logical_date: "2026-11-25".into(),
            skipped: serde_json::json!(["0190aaaa-0000-7000-8000-000000000002"]),
            changed: serde_json::json!([]),
            added: block,
            meta: RowMeta { deleted_utc: Some(7), ..meta() },
        },
    ];
    let kinds: Vec<_> = records.iter().map(Record::kind).collect();
    assert_eq!(kinds, ["header", "timetable_template", "timetable_override"]);
    for r in &records[1..] {
        let value = serde_json::to_value(r).unwrap();
        assert_eq!(value["type"], r.kind(), "the tag is the kind");
        assert_eq!(value["version"], 3, "row metadata is flattened");
    }
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("export.zip");
    write_archive(&path, &records, &[], &[]).unwrap();
    assert_eq!(read_archive(&path, Limits::default()).unwrap(), records);
}

#[rstest]
fn focus_session_records_round_trip_with_their_type_name() {
    let session =
        |id: &str, subject_id: Option<&str>, blocked: serde_json::Value| Record::FocusSession {
            id: id.into(),
            subject_id: subject_id.map(Into::into),
            mode: "pomodoro".into(),
            planned_min: 25,
            actual_sec: 25 * 60 + 59,
            outcome: "completed".into(),
            strict: true,
            started_utc: 1_795_000_000_000,
            ended_utc: 1_795_001_560_000,
            logical_date: "2026-11-22".into(),
            blocked,
            meta: meta(),
        };
    let records = vec![
        header(),
        session("f1", Some("s1"), serde_json::json!([])),
        session(
            "f2",
            None,
            serde_json::json!([{ "app": "bilibili", "count": 3 }, { "app": "steam", "count": 1 }]),
        ),
    ];
    let kinds: Vec<_> = records.iter().map(Record::kind).collect();
    assert_eq!(kinds, ["header", "focus_session", "focus_session"]);
    let value = serde_json::to_value(&records[2]).unwrap();
    assert_eq!(value["type"], "focus_session", "the tag is the kind");
    assert_eq!(value["version"], 3, "row metadata is flattened");
    assert_eq!(value["subject_id"], serde_json::Value::Null);
    assert_eq!(value["blocked"][0]["app"], "bilibili");

    let dir = TempDir::new().unwrap();
    let path = dir.path().join("export.zip");
    write_archive(&path, &records, &[], &[]).unwrap();
    assert_eq!(read_archive(&path, Limits::default()).unwrap(), records);
}
