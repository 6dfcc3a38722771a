#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;

use proptest::prelude::*;

use super::*;

fn sites(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// One line's content (no '\n'), biased towards what real hosts files and other tools contain.
fn line() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"127.0.0.1 localhost".to_vec()),
        Just(b"::1 localhost ip6-localhost".to_vec()),
        Just(b"# BEGIN SelfControl".to_vec()),
        Just(b"# END SelfControl".to_vec()),
        Just(b"# DO NOT EDIT innernet BEGIN".to_vec()),
        Just(b"# BEGIN DAKA BLOCKER".to_vec()),
        Just(b"#BEGIN DAKA BLOCK".to_vec()),
        Just(b"".to_vec()),
        Just("# 本地开发 中文注释".as_bytes().to_vec()),
        Just(b"\xef\xbb\xbf127.0.0.1 bom".to_vec()),
        "[ -~\t]{0,40}".prop_map(String::into_bytes),
        prop::collection::vec(any::<u8>().prop_filter("no LF", |b| *b != b'\n'), 0..30),
    ]
}

/// A file without Daka markers: BOM or not, LF/CRLF/CR endings mixed, last line unterminated
/// or not.
fn file() -> impl Strategy<Value = Vec<u8>> {
    let ending = prop_oneof![Just(&b"\n"[..]), Just(&b"\r\n"[..]), Just(&b"\r\n"[..])];
    (
        any::<bool>(),
        prop::collection::vec((line(), ending), 0..12),
        any::<bool>(),
        prop::option::of(line()),
    )
        .prop_map(|(bom, lines, mostly_crlf, last)| {
            let mut out = Vec::new();
            if bom {
                out.extend_from_slice(b"\xef\xbb\xbf");
            }
            for (l, e) in lines {
                out.extend_from_slice(&l);
                out.extend_from_slice(if mostly_crlf { e } else { b"\n" });
            }
            if let Some(l) = last {
                out.extend_from_slice(&l);
            }
            out
        })
        .prop_filter("no Daka markers", |f| !has_section(f))
}

fn site_list() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec("(www\\.|m\\.)?[a-z][a-z0-9-]{0,8}[a-z0-9]\\.(com|cn|tv)", 0..6)
}

proptest! {
    #[test]
    fn remove_undoes_apply(x in file(), s in site_list()) {
        let applied = apply(&x, &s).unwrap();
        prop_assert_eq!(&remove(&applied).unwrap(), &x);
        prop_assert!(applied.starts_with(&x));
        prop_assert_eq!(has_section(&applied), !s.is_empty());
    }

    #[test]
    fn apply_is_idempotent(x in file(), s in site_list(), t in site_list()) {
        let once = apply(&x, &s).unwrap();
        prop_assert_eq!(&apply(&once, &s).unwrap(), &once);
        // Re-applying with another list replaces the section.
        prop_assert_eq!(apply(&once, &t).unwrap(), apply(&x, &t).unwrap());
    }

    #[test]
    fn broken_sections_are_refused(x in file(), s in site_list(), which in 0..4_usize) {
        prop_assume!(!s.is_empty());
        let applied = apply(&x, &s).unwrap();
        let eol: &[u8] = if x.ends_with(b"\r\n") { b"\r\n" } else { b"\n" };
        let broken = match which {
            0 => [&x[..], b"\n", BEGIN.as_bytes(), eol].concat(),
            1 => [&x[..], b"\n", END.as_bytes(), eol].concat(),
            2 => [&applied[..], BEGIN.as_bytes(), eol].concat(),
            _ => [END.as_bytes(), b"\n", &applied[..]].concat(),
        };
        prop_assert_eq!(remove(&broken), Err(HostsError::BrokenSection));
        prop_assert_eq!(apply(&broken, &s), Err(HostsError::BrokenSection));
    }
}

#[test]
fn golden_section() {
    let out = apply(b"127.0.0.1 localhost\n", &sites(&["https://www.bilibili.com/x"])).unwrap();
    let expected = format!(
        "127.0.0.1 localhost\n{BEGIN}\n{COMMENT_ZH}\n{COMMENT_EN}\n\
         0.0.0.0 bilibili.com\n:: bilibili.com\n0.0.0.0 www.bilibili.com\n:: www.bilibili.com\n\
         0.0.0.0 m.bilibili.com\n:: m.bilibili.com\n{END}\n"
    );
    assert_eq!(String::from_utf8(out).unwrap(), expected);
}

#[test]
fn crlf_and_missing_newline_are_kept() {
    let x = b"\xef\xbb\xbf127.0.0.1 localhost\r\n10.0.0.1 nas";
    let out = apply(x, &sites(&["zhihu.com", "zhihu.com"])).unwrap();
    let text = String::from_utf8_lossy(&out);
    assert!(text.contains(&format!("nas\r\n{BEGIN}{ADDED_NEWLINE}\r\n")));
    assert!(text.ends_with(&format!(":: m.zhihu.com\r\n{END}\r\n")));
    assert!(!text.replace("\r\n", "").contains('\n'));
    assert_eq!(text.matches("0.0.0.0 zhihu.com").count(), 1);
    assert_eq!(remove(&out).unwrap(), x);
}

#[test]
fn other_tools_sections_are_untouched() {
    let x = b"# BEGIN SelfControl\n0.0.0.0 a.com\n# END SelfControl\n";
    let out = apply(x, &sites(&["b.com"])).unwrap();
    assert!(out.starts_with(x));
    assert_eq!(remove(&out).unwrap(), x);
    assert_eq!(remove(x).unwrap(), x);
}

#[test]
fn lines_added_after_the_section_survive() {
    let applied = apply(b"1.2.3.4 nas", &sites(&["b.com"])).unwrap();
    let edited = [&applied[..], b"5.6.7.8 printer\n"].concat();
    // The added newline stays: without it "nas" and "printer" would merge into one line.
    assert_eq!(remove(&edited).unwrap(), b"1.2.3.4 nas\n5.6.7.8 printer\n");
}

#[test]
fn indented_and_annotated_markers_are_found() {
    let x = b"a\n  # BEGIN DAKA BLOCK  \n0.0.0.0 x.com\n\t# END DAKA BLOCK (by hand)\nb\n";
    assert_eq!(remove(x).unwrap(), b"a\nb\n");
}

#[test]
fn no_sites_means_no_section() {
    let with = apply(b"a\n", &sites(&["b.com"])).unwrap();
    assert_eq!(apply(&with, &[]).unwrap(), b"a\n");
    assert_eq!(apply(b"", &[]).unwrap(), b"");
}

#[test]
fn bad_sites_cannot_be_injected() {
    let evil = sites(&["ok.com", "evil.com\n127.0.0.1 bank.com"]);
    assert_eq!(
        apply(b"", &evil),
        Err(HostsError::InvalidSite { index: 1, error: BlocklistError::ControlCharacters })
    );
    assert!(!HostsError::BrokenSection.message(Lang::ZhCn).is_empty());
    assert!(HostsError::BrokenSection.message(Lang::En).contains(BEGIN));
}

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

#[cfg(unix)]
#[test]
fn write_atomic_replaces_and_keeps_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let hosts = dir.path().join("hosts");
    fs::write(&hosts, b"127.0.0.1 localhost\n").unwrap();
    fs::set_permissions(&hosts, fs::Permissions::from_mode(0o640)).unwrap();
    let new = apply(&fs::read(&hosts).unwrap(), &sites(&["bilibili.com"])).unwrap();
    write_atomic(&hosts, &new).unwrap();
    assert_eq!(fs::read(&hosts).unwrap(), new);
    assert_eq!(mode(&hosts), 0o640);
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "no temp file left");
}

#[test]
fn crash_before_rename_leaves_the_original() {
    let dir = tempfile::tempdir().unwrap();
    let hosts = dir.path().join("hosts");
    let original = b"127.0.0.1 localhost\r\n\xff\xfe odd bytes".to_vec();
    fs::write(&hosts, &original).unwrap();
    let new = apply(&original, &sites(&["douyin.com"])).unwrap();
    let crash = |stage| match stage {
        Stage::TempWritten => {
            // The temp file is complete and synced, next to the original, under another name.
            let temps: Vec<_> = fs::read_dir(dir.path())
                .unwrap()
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .filter(|n| n != "hosts")
                .collect();
            assert_eq!(temps.len(), 1);
            assert!(temps[0].starts_with(".hosts") && temps[0].contains(TEMP_MARKER));
            Err(std::io::Error::other("simulated crash"))
        }
        Stage::Renamed => panic!("must not get here"),
    };
    assert!(write_atomic_with(&hosts, &new, crash).is_err());
    assert_eq!(fs::read(&hosts).unwrap(), original);
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "temp file cleaned up");
}

#[test]
fn crash_after_rename_has_the_new_file() {
    let dir = tempfile::tempdir().unwrap();
    let hosts = dir.path().join("hosts");
    fs::write(&hosts, b"a\n").unwrap();
    let fail_late = |stage| match stage {
        Stage::TempWritten => Ok(()),
        Stage::Renamed => Err(std::io::Error::other("simulated crash")),
    };
    assert!(write_atomic_with(&hosts, b"b\n", fail_late).is_err());
    assert_eq!(fs::read(&hosts).unwrap(), b"b\n");
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn a_leftover_temp_is_harmless_and_removable() {
    let dir = tempfile::tempdir().unwrap();
    let hosts = dir.path().join("hosts");
    fs::write(&hosts, b"a\n").unwrap();
    // What a real crash (power loss) between write and rename leaves behind.
    let leftover = dir.path().join(format!(".hosts{TEMP_MARKER}999.0"));
    fs::write(&leftover, b"half a fi").unwrap();
    let other = dir.path().join("hosts.allow");
    fs::write(&other, b"keep").unwrap();
    write_atomic(&hosts, b"b\n").unwrap();
    assert_eq!(fs::read(&hosts).unwrap(), b"b\n");
    assert_eq!(remove_leftover_temps(&hosts).unwrap(), 1);
    assert!(!leftover.exists());
    assert_eq!(fs::read(&other).unwrap(), b"keep");
    assert_eq!(remove_leftover_temps(&hosts).unwrap(), 0);
}

#[cfg(unix)]
#[test]
fn a_symlinked_hosts_file_stays_a_symlink() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real-hosts");
    let link = dir.path().join("hosts");
    fs::write(&real, b"a\n").unwrap();
    std::os::unix::fs::symlink(&real, &link).unwrap();
    write_atomic(&link, b"b\n").unwrap();
    assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert_eq!(fs::read(&real).unwrap(), b"b\n");
}

#[test]
fn write_atomic_creates_a_missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let hosts = dir.path().join("hosts");
    write_atomic(&hosts, b"x\n").unwrap();
    assert_eq!(fs::read(&hosts).unwrap(), b"x\n");
}
