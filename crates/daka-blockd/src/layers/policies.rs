//! Browser enterprise policies: the layer that also covers DNS-over-HTTPS (which bypasses the
//! hosts file) and private windows.
//!
//! * Chromium and Chrome read every `*.json` in their `policies/managed` directory, so Daka's
//!   file is its own (`daka.json`) and never collides with an administrator's. It sets
//!   `URLBlocklist` (a bare host blocks it and its subdomains) to the first
//!   [`BROWSER_POLICY_LIMIT`] sites and `DnsOverHttpsMode: "off"`.
//! * Firefox reads exactly one `policies.json`. Daka writes it only if none is there (or the one
//!   there is Daka's own leftover), and records that it did in the state file; an
//!   administrator's file is never replaced or deleted and the layer reports `skipped`.
//!   `WebsiteFilter.Block` gets `*://*.site/*` and `*://site/*` per site, at most
//!   [`BROWSER_POLICY_LIMIT`] patterns in all, and `DNSOverHTTPS` is turned off and locked.

use daka_focus::blocklist::BROWSER_POLICY_LIMIT;
use serde_json::{Value, json};

/// The Chromium/Chrome policy file for `sites`.
pub(crate) fn chromium_json(sites: &[String]) -> Vec<u8> {
    let list: Vec<&String> = sites.iter().take(BROWSER_POLICY_LIMIT).collect();
    pretty(&json!({ "URLBlocklist": list, "DnsOverHttpsMode": "off" }))
}

/// The Firefox `policies.json` for `sites`.
pub(crate) fn firefox_json(sites: &[String]) -> Vec<u8> {
    let patterns: Vec<String> = sites
        .iter()
        .take(BROWSER_POLICY_LIMIT / 2)
        .flat_map(|s| [format!("*://*.{s}/*"), format!("*://{s}/*")])
        .collect();
    pretty(&json!({
        "policies": {
            "WebsiteFilter": { "Block": patterns },
            "DNSOverHTTPS": { "Enabled": false, "Locked": true },
        }
    }))
}

/// True if `bytes` has exactly the shape [`firefox_json`] writes: the two policies, nothing
/// else. Used to recognise Daka's own leftover when the state file is gone; anything an
/// administrator wrote (any other policy or setting) fails this test and is left alone.
pub(crate) fn is_daka_firefox(bytes: &[u8]) -> bool {
    let Ok(Value::Object(top)) = serde_json::from_slice::<Value>(bytes) else { return false };
    let Some(Value::Object(policies)) = top.get("policies") else { return false };
    if top.len() != 1 || policies.len() != 2 {
        return false;
    }
    let doh_ok = policies.get("DNSOverHTTPS") == Some(&json!({ "Enabled": false, "Locked": true }));
    let filter_ok = match policies.get("WebsiteFilter") {
        Some(Value::Object(f)) if f.len() == 1 => match f.get("Block") {
            Some(Value::Array(items)) => items
                .iter()
                .all(|p| p.as_str().is_some_and(|p| p.starts_with("*://") && p.ends_with("/*"))),
            _ => false,
        },
        _ => false,
    };
    doh_ok && filter_ok
}

fn pretty(value: &Value) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(value).unwrap_or_default();
    out.push(b'\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sites(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("s{i}.com")).collect()
    }

    #[test]
    fn chromium_policy_has_the_blocklist_and_doh_off() {
        let v: Value = serde_json::from_slice(&chromium_json(&["bilibili.com".into()])).unwrap();
        assert_eq!(v, json!({ "URLBlocklist": ["bilibili.com"], "DnsOverHttpsMode": "off" }));
        let v: Value = serde_json::from_slice(&chromium_json(&sites(1500))).unwrap();
        assert_eq!(v["URLBlocklist"].as_array().unwrap().len(), BROWSER_POLICY_LIMIT);
    }

    #[test]
    fn firefox_policy_has_both_patterns_and_locked_doh() {
        let bytes = firefox_json(&["bilibili.com".into()]);
        let v: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(
            v["policies"]["WebsiteFilter"]["Block"],
            json!(["*://*.bilibili.com/*", "*://bilibili.com/*"])
        );
        assert_eq!(v["policies"]["DNSOverHTTPS"], json!({ "Enabled": false, "Locked": true }));
        assert!(is_daka_firefox(&bytes));
        let v: Value = serde_json::from_slice(&firefox_json(&sites(1500))).unwrap();
        assert_eq!(
            v["policies"]["WebsiteFilter"]["Block"].as_array().unwrap().len(),
            BROWSER_POLICY_LIMIT
        );
    }

    #[test]
    fn an_administrators_firefox_policy_is_not_mistaken_for_daka() {
        for foreign in [
            &br#"{"policies":{"DisableTelemetry":true}}"#[..],
            br#"{"policies":{"WebsiteFilter":{"Block":["*://x.com/*"]},"DNSOverHTTPS":{"Enabled":false,"Locked":true},"DisableTelemetry":true}}"#,
            br#"{"policies":{"WebsiteFilter":{"Block":["*://x.com/*"],"Exceptions":[]},"DNSOverHTTPS":{"Enabled":false,"Locked":true}}}"#,
            br#"{"policies":{"WebsiteFilter":{"Block":["*://x.com/*"]},"DNSOverHTTPS":{"Enabled":true}}}"#,
            b"not json",
            b"",
        ] {
            assert!(!is_daka_firefox(foreign), "{}", String::from_utf8_lossy(foreign));
        }
    }
}
