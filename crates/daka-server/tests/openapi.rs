//! The committed OpenAPI document (crates/daka-server/openapi.json) is what the code generates.
//! After changing the API, regenerate it with `DAKA_BLESS=1 cargo test -p daka-server --test openapi`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[test]
fn the_committed_openapi_document_matches_the_code() {
    let generated = daka_server::api::openapi().to_pretty_json().unwrap() + "\n";
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json");
    if std::env::var_os("DAKA_BLESS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi.json is out of date: run `DAKA_BLESS=1 cargo test -p daka-server --test openapi` and commit it"
    );
}

#[test]
fn every_operation_says_what_access_it_needs() {
    let doc = serde_json::to_value(daka_server::api::openapi()).unwrap();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let tag = op["tags"][0].as_str().unwrap_or_default();
            assert!(
                ["public", "device", "member", "admin", "owner"].contains(&tag),
                "{method} {path}: tag {tag:?}"
            );
            let secured = op.get("security").is_some();
            assert_eq!(secured, tag != "public", "{method} {path}: security must match the tag");
        }
    }
}
