use std::collections::BTreeMap;

use super::*;

const HOSTS: &[u8] = b"127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n# keep me\n";

/// Every file (with its bytes) and directory (None) below `root`.
pub(crate) fn snapshot(root: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path.strip_prefix(root).unwrap().to_path_buf();
            if path.is_dir() {
                out.insert(rel, None);
                stack.push(path);
            } else {
                out.insert(rel, Some(fs::read(&path).unwrap()));
            }
        }
    }
    out
}

fn setup() -> (tempfile::TempDir, Enforcer) {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("etc")).unwrap();
    fs::write(dir.path().join("etc/hosts"), HOSTS).unwrap();
    let enforcer = Enforcer::new(Paths::new(dir.path()), false);
    (dir, enforcer)
}

fn sites() -> Vec<String> {
    vec!["bilibili.com".into(), "zhihu.com".into()]
}

#[test]
fn apply_writes_every_layer_and_remove_takes_exactly_them_away() {
    let (dir, e) = setup();
    let before = snapshot(dir.path());
    assert!(e.firefox_free());
    let created = e.missing_dirs(true);
    assert_eq!(created.len(), 9, "{created:?}");
    let applied = e.apply(&sites(), true);
    assert!(applied.hosts_changed);
    assert_eq!(applied.dns_flushed, Some(false), "flushing is off in tests");
    let all_active = Layers {
        hosts: LayerState::Active,
        chromium: LayerState::Active,
        chrome: LayerState::Active,
        firefox: LayerState::Active,
    };
    assert_eq!(applied.layers, all_active);
    assert_eq!(applied.fingerprint, Some(e.fingerprint(true)), "what was written is recorded");

    let hosts = fs::read(e.paths().hosts()).unwrap();
    assert!(hosts.starts_with(HOSTS));
    assert!(String::from_utf8_lossy(&hosts).contains("0.0.0.0 www.bilibili.com"));
    for file in [e.paths().chromium_policy(), e.paths().chrome_policy(), e.paths().firefox_policy()]
    {
        let meta = fs::metadata(&file).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o644, "{}", file.display());
        let dir_mode = fs::metadata(file.parent().unwrap()).unwrap().permissions().mode();
        assert_eq!(dir_mode & 0o777, 0o755);
    }
    assert_eq!(fs::read(e.paths().chrome_policy()).unwrap(), policies::chromium_json(&sites()));

    // Applying again writes nothing.
    let stamps = e.fingerprint(true);
    let again = e.apply(&sites(), true);
    assert!(!again.hosts_changed);
    assert_eq!(again.dns_flushed, None);
    assert_eq!(e.fingerprint(true), stamps);
    assert_eq!(again.fingerprint, Some(stamps));

    assert!(e.remove(true, &created));
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn pre_existing_directories_and_foreign_policies_are_left_alone() {
    let (dir, e) = setup();
    let managed = dir.path().join("etc/chromium/policies/managed");
    fs::create_dir_all(&managed).unwrap();
    fs::write(managed.join("admin.json"), b"{\"HomepageLocation\":\"x\"}").unwrap();
    let ff = e.paths().firefox_policy();
    fs::create_dir_all(ff.parent().unwrap()).unwrap();
    let foreign = br#"{"policies":{"DisableTelemetry":true}}"#;
    fs::write(&ff, foreign).unwrap();
    let before = snapshot(dir.path());

    assert!(!e.firefox_free());
    let created = e.missing_dirs(false);
    assert!(created.iter().all(|d| !d.starts_with(dir.path().join("etc/chromium"))));
    let applied = e.apply(&sites(), false);
    assert_eq!(applied.layers.firefox, LayerState::Skipped);
    assert_eq!(applied.layers.chromium, LayerState::Active);
    assert_eq!(fs::read(&ff).unwrap(), foreign);
    assert!(managed.join("daka.json").exists());

    // Even told it owns Firefox's file, remove leaves a file that is not Daka's shape.
    assert!(e.remove(true, &created));
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn a_leftover_daka_firefox_policy_is_recognised_and_removed() {
    let (dir, e) = setup();
    let before = snapshot(dir.path());
    let created = e.missing_dirs(true);
    e.apply(&sites(), true);
    // The state is lost: the leftover is still recognised by its shape.
    assert!(e.firefox_free());
    assert!(e.remove(true, &[]));
    assert!(!e.paths().firefox_policy().exists());
    assert!(!e.paths().chromium_policy().exists());
    // Directories not recorded as created stay (they may have been the administrator's).
    assert!(e.paths().firefox_policy().parent().unwrap().is_dir());
    for d in created.iter().rev() {
        fs::remove_dir(d).unwrap();
    }
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn a_broken_section_fails_the_precheck_and_is_never_touched() {
    let (dir, e) = setup();
    let broken = [HOSTS, b"# BEGIN DAKA BLOCK\n0.0.0.0 x.com\n"].concat();
    fs::write(e.paths().hosts(), &broken).unwrap();
    assert!(matches!(e.precheck(), Err(LayerError::Hosts(HostsError::BrokenSection))));
    let applied = e.apply(&sites(), true);
    assert_eq!(applied.layers.hosts, LayerState::Off);
    // The broken file is recorded as seen: only a change to it (or the 15 s check) retries.
    assert_eq!(applied.fingerprint, Some(e.fingerprint(true)));
    assert!(!e.remove(true, &e.missing_dirs(true)));
    assert_eq!(fs::read(e.paths().hosts()).unwrap(), broken);
    drop(dir);
}

#[test]
fn a_missing_hosts_file_is_created_readable() {
    let (dir, e) = setup();
    fs::remove_file(e.paths().hosts()).unwrap();
    assert!(e.precheck().is_ok());
    e.apply(&sites(), false);
    let mode = fs::metadata(e.paths().hosts()).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o644);
    e.remove(false, &[]);
    assert_eq!(fs::read(e.paths().hosts()).unwrap(), b"");
    drop(dir);
}

#[test]
fn the_hosts_file_keeps_its_mode_and_edits_made_during_the_block() {
    let (dir, e) = setup();
    fs::set_permissions(e.paths().hosts(), fs::Permissions::from_mode(0o640)).unwrap();
    e.apply(&sites(), false);
    // The user adds a line above the section while the block runs.
    let current = fs::read(e.paths().hosts()).unwrap();
    fs::write(e.paths().hosts(), [b"10.0.0.1 nas\n".as_slice(), &current].concat()).unwrap();
    e.apply(&sites(), false);
    e.remove(false, &[]);
    assert_eq!(
        fs::read(e.paths().hosts()).unwrap(),
        [b"10.0.0.1 nas\n".as_slice(), HOSTS].concat()
    );
    let mode = fs::metadata(e.paths().hosts()).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o640);
    drop(dir);
}

#[test]
fn tampering_changes_the_fingerprint_and_apply_repairs_it() {
    let (dir, e) = setup();
    e.apply(&sites(), true);
    let fp = e.fingerprint(true);
    fs::write(e.paths().hosts(), HOSTS).unwrap();
    fs::remove_file(e.paths().chrome_policy()).unwrap();
    assert_ne!(e.fingerprint(true), fp);
    let repaired = e.apply(&sites(), true);
    assert!(repaired.hosts_changed);
    assert!(e.paths().chrome_policy().exists());
    assert!(fs::read(e.paths().hosts()).unwrap().len() > HOSTS.len());
    // Temp files left by a crash are cleaned up at removal.
    let temp = e.paths().hosts().with_file_name(".hosts.daka-tmp.1.1");
    fs::write(&temp, b"x").unwrap();
    e.remove(true, &[]);
    assert!(!temp.exists());
    drop(dir);
}

/// Renames a copy of `HOSTS` over `path`, as an editor saving it does.
fn replace_by_rename(path: &Path) -> io::Result<()> {
    let tmp = path.with_file_name("hosts.edit");
    fs::write(&tmp, HOSTS)?;
    fs::rename(&tmp, path)
}

fn with_section(current: &[u8]) -> Result<Vec<u8>, LayerError> {
    Ok(daka_focus::hosts::apply(current, &sites())?)
}

#[test]
fn a_replacement_right_after_the_write_is_repaired_and_not_taken_for_it() {
    let (dir, e) = setup();
    let path = e.paths().hosts();
    let mut writes = 0;
    // The replacement lands after our rename and before anything else looks at the file: the
    // moment a stamp taken after the write would have recorded it as ours.
    let settled = settle(&path, with_section, |p, bytes| {
        write_file(p, bytes)?;
        writes += 1;
        if writes == 1 { replace_by_rename(p) } else { Ok(()) }
    });
    assert_eq!(writes, 2, "the replacement was seen and repaired in the same pass");
    assert!(matches!(settled.result, Ok(true)), "{settled:?}");
    let now = fs::read(&path).unwrap();
    assert!(now.starts_with(HOSTS) && daka_focus::hosts::has_section(&now));
    assert_eq!(settled.seen, Some(stamp(&path)), "the stamp recorded is the repaired file's");
    drop(dir);
}

#[test]
fn a_file_replaced_after_every_write_is_left_unverified_for_the_next_tick() {
    let (dir, e) = setup();
    let path = e.paths().hosts();
    let mut writes = 0;
    let settled = settle(&path, with_section, |p, bytes| {
        write_file(p, bytes)?;
        writes += 1;
        replace_by_rename(p)
    });
    assert_eq!(writes, MAX_WRITES);
    assert!(matches!(settled.result, Ok(true)), "{settled:?}");
    assert_eq!(settled.seen, None, "nothing verified, so nothing to compare with");
    assert_eq!(fs::read(&path).unwrap(), HOSTS);
    drop(dir);
}

#[test]
fn a_file_already_as_wanted_is_stamped_without_a_write() {
    let (dir, e) = setup();
    let path = e.paths().hosts();
    let before = stamp(&path);
    let settled = settle(&path, |c| Ok::<_, io::Error>(c.to_vec()), |_, _| panic!("no write"));
    assert!(matches!(settled.result, Ok(false)), "{settled:?}");
    assert_eq!(settled.seen, Some(before));
    drop(dir);
}
