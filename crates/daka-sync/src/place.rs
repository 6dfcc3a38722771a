//! Where this installation lives: the fingerprint that tells a data folder copied to another
//! computer (or moved) from the one that connected, and the name the device list shows.

use std::path::Path;

/// The machine's id (systemd's `/etc/machine-id`, else D-Bus's) and the data folder's absolute
/// path, hashed. Not a secret — it only has to change when either does.
pub fn place_fingerprint(data_dir: &Path) -> String {
    let machine = ["/etc/machine-id", "/var/lib/dbus/machine-id"]
        .iter()
        .find_map(|p| std::fs::read_to_string(p).ok().filter(|s| !s.trim().is_empty()))
        .unwrap_or_default();
    let dir = std::fs::canonicalize(data_dir).unwrap_or_else(|_| data_dir.to_path_buf());
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in machine
        .trim()
        .as_bytes()
        .iter()
        .chain([0u8].iter())
        .chain(dir.as_os_str().as_encoded_bytes())
    {
        h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// What this computer is called in the account's device list: its host name, or a plain
/// description when it has none.
pub fn this_device_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().chars().filter(|c| !c.is_control()).take(48).collect::<String>())
        .filter(|h| !h.is_empty());
    match host {
        Some(h) => format!("Daka · {h}"),
        None => format!("Daka · {}", std::env::consts::OS),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fingerprint_follows_the_folder() {
        let a = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        let b = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(place_fingerprint(a.path()), place_fingerprint(a.path()));
        assert_ne!(place_fingerprint(a.path()), place_fingerprint(b.path()));
        assert!(this_device_name().starts_with("Daka · "));
    }
}
