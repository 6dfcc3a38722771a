//! Hostile input against a running daemon whose `--allow-uid` excludes the test's own uid, so
//! no request may write anything: afterwards the daemon still answers and the root is
//! byte-for-byte unchanged.

#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::{Read, Write};
use std::net::Shutdown;
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

use common::{Daemon, snapshot};
use daka_blockd::protocol::{ErrorCode, MAX_RESPONSE_FRAME, Response, read_frame, write_frame};
use serde_json::{Value, json};

/// xorshift64*: a seeded generator, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

fn connect(d: &Daemon) -> UnixStream {
    let s = UnixStream::connect(d.socket()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.set_write_timeout(Some(Duration::from_secs(10))).unwrap();
    s
}

fn roundtrip(s: &mut UnixStream, payload: &[u8]) -> Response {
    write_frame(s, payload).unwrap();
    let reply = read_frame(s, MAX_RESPONSE_FRAME).unwrap();
    serde_json::from_slice(&reply).unwrap()
}

fn error_code(r: &Response) -> ErrorCode {
    assert!(!r.ok, "{r:?}");
    r.error.as_ref().unwrap().code
}

/// Reads until the daemon closes the connection; fails if it does not within 10 s.
fn assert_closed(s: &mut UnixStream) -> Vec<u8> {
    let mut rest = Vec::new();
    match s.read_to_end(&mut rest) {
        Ok(_) => rest,
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => rest,
        Err(e) => panic!("connection not closed: {e}"),
    }
}

fn random_site(rng: &mut Rng) -> Value {
    let samples = [
        json!("bilibili.com"),
        json!("https://www.zhihu.com/hot"),
        json!("*.evil.com"),
        json!("127.0.0.1"),
        json!("a.com\n0.0.0.0 b.com"),
        json!(""),
        json!("中文.com"),
        json!("x".repeat(300)),
        json!(42),
        json!(null),
        json!(["nested"]),
    ];
    rng.pick(&samples).clone()
}

fn random_number(rng: &mut Rng) -> Value {
    let samples = [
        json!(0),
        json!(1),
        json!(60),
        json!(86_400),
        json!(86_401),
        json!(-5),
        json!(1.5),
        json!(u64::MAX),
        json!("60"),
        json!(null),
        json!(true),
    ];
    rng.pick(&samples).clone()
}

fn random_request(rng: &mut Rng) -> Value {
    let ops = ["status", "start", "extend", "add_sites", "stop", "reboot", "", "STATUS"];
    let mut obj = serde_json::Map::new();
    if rng.below(20) != 0 {
        let v = [json!(1), json!(1), json!(1), json!(2), json!("1"), json!(0)];
        obj.insert("v".into(), rng.pick(&v).clone());
    }
    if rng.below(20) != 0 {
        obj.insert("op".into(), json!(*rng.pick(&ops)));
    }
    if rng.below(2) == 0 {
        let n = rng.below(5);
        let sites: Vec<Value> = (0..n).map(|_| random_site(rng)).collect();
        let v = if rng.below(10) == 0 { json!("bilibili.com") } else { json!(sites) };
        obj.insert("sites".into(), v);
    }
    if rng.below(2) == 0 {
        obj.insert("duration_secs".into(), random_number(rng));
    }
    if rng.below(2) == 0 {
        let s = [json!(true), json!(false), json!("yes"), json!(1)];
        obj.insert("strict".into(), rng.pick(&s).clone());
    }
    if rng.below(10) == 0 {
        obj.insert("unexpected".into(), json!({"deep": [1, 2, 3]}));
    }
    Value::Object(obj)
}

#[test]
fn hostile_input_changes_nothing_and_the_daemon_keeps_answering() {
    let me = rustix::process::getuid().as_raw();
    let other = me.wrapping_add(1).to_string();
    let mut d = Daemon::start(&["--allow-uid", &other]);
    let before = snapshot(&d.root());
    let mut rng = Rng(0x00da_ca11_5eed);

    // A client that starts a frame and then goes silent is cut off after the deadline, while
    // everyone else is served meanwhile.
    let mut slow = connect(&d);
    let slow_client = std::thread::spawn(move || {
        let since = Instant::now();
        slow.write_all(&[0, 0]).unwrap();
        let _ = assert_closed(&mut slow);
        since.elapsed()
    });

    // Random bytes, then hang up.
    for _ in 0..200 {
        let mut s = connect(&d);
        let n = rng.below(300) as usize;
        let _ = s.write_all(&rng.bytes(n));
        let _ = s.shutdown(Shutdown::Write);
        let _ = assert_closed(&mut s);
    }

    // Truncated frames.
    for bytes in [&b"\0"[..], b"\0\0\0", b"\0\0\0\x10{\"v\":1", b"\0\0\0\x05"] {
        let mut s = connect(&d);
        s.write_all(bytes).unwrap();
        s.shutdown(Shutdown::Write).unwrap();
        assert_eq!(assert_closed(&mut s), b"", "no reply to a truncated frame");
    }

    // A header claiming 4 GiB: refused without reading (or allocating) the body.
    let mut s = connect(&d);
    s.write_all(&[0xff, 0xff, 0xff, 0xff]).unwrap();
    let reply = read_frame(&mut s, MAX_RESPONSE_FRAME).unwrap();
    let r: Response = serde_json::from_slice(&reply).unwrap();
    assert_eq!(error_code(&r), ErrorCode::FrameTooLarge);
    assert_closed(&mut s);

    // A real 1 MiB frame: refused the same way; the rest of it is never read.
    let mut s = connect(&d);
    let mut frame = (1u32 << 20).to_be_bytes().to_vec();
    frame.extend(std::iter::repeat_n(b'a', 1 << 20));
    let _ = s.write_all(&frame); // the daemon may hang up while we are still writing
    let reply = read_frame(&mut s, MAX_RESPONSE_FRAME).unwrap();
    let r: Response = serde_json::from_slice(&reply).unwrap();
    assert_eq!(error_code(&r), ErrorCode::FrameTooLarge);

    // Broken requests in well-formed frames get an error and the connection stays usable.
    let mut s = connect(&d);
    for (payload, code) in [
        (&b"\xff\xfe\xfd"[..], ErrorCode::BadRequest),
        (b"{not json", ErrorCode::BadRequest),
        (b"", ErrorCode::BadRequest),
        (b"[]", ErrorCode::BadRequest),
        (b"null", ErrorCode::BadRequest),
        (br#"{"v":1}"#, ErrorCode::BadRequest),
        (br#"{"v":1,"op":7}"#, ErrorCode::BadRequest),
        (br#"{"v":99,"op":"status"}"#, ErrorCode::UnsupportedVersion),
        (br#"{"v":1,"op":"format_disk"}"#, ErrorCode::UnknownOp),
        (
            br#"{"v":1,"op":"start","sites":"a.com","duration_secs":60,"strict":true}"#,
            ErrorCode::BadRequest,
        ),
        (
            br#"{"v":1,"op":"start","sites":["a.com"],"duration_secs":"60","strict":true}"#,
            ErrorCode::BadRequest,
        ),
        (br#"{"v":1,"op":"extend","duration_secs":-1}"#, ErrorCode::BadRequest),
        (br#"{"v":1,"op":"extend","duration_secs":1e3}"#, ErrorCode::BadRequest),
    ] {
        let r = roundtrip(&mut s, payload);
        assert_eq!(error_code(&r), code, "{}", String::from_utf8_lossy(payload));
    }
    // A valid request from a uid that is not allowed: forbidden, nothing written.
    let start =
        br#"{"v":1,"op":"start","sites":["bilibili.com"],"duration_secs":60,"strict":true}"#;
    assert_eq!(error_code(&roundtrip(&mut s, start)), ErrorCode::Forbidden);
    let client_err = d.client().start(&["bilibili.com".into()], 60, false).unwrap_err();
    assert!(matches!(
        client_err,
        daka_blockd::ClientError::Refused { code: ErrorCode::Forbidden, .. }
    ));

    // 10,000 random requests of roughly the right shape over a few connections.
    let mut s = connect(&d);
    for i in 0..10_000 {
        if i % 2_500 == 0 {
            s = connect(&d);
        }
        let request = random_request(&mut rng);
        let r = roundtrip(&mut s, &serde_json::to_vec(&request).unwrap());
        let is_status =
            request.get("v") == Some(&json!(1)) && request.get("op") == Some(&json!("status"));
        assert_eq!(r.ok, is_status, "{request} → {r:?}");
        if let Some(status) = &r.status {
            assert!(!status.active);
        }
    }

    // The silent client was cut off after about 5 s.
    let waited = slow_client.join().unwrap();
    assert!(waited >= Duration::from_secs(4) && waited < Duration::from_secs(9), "{waited:?}");

    d.assert_alive();
    let st = d.client().status().unwrap();
    assert!(!st.active);
    assert_eq!(snapshot(&d.root()), before, "the root changed:\n{}", d.log());
}
