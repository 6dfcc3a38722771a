use super::*;

const OWNER: u32 = 1000;
const OTHER: u32 = 1001;
const H: u64 = 3_600_000;

fn at(boot_ms: u64, wall_ms: i64) -> Now {
    Now { boot_ms, wall_ms }
}

fn sites(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

fn start(list: &[&str], secs: u64, strict: bool) -> Op {
    Op::Start { sites: sites(list), duration_secs: secs, strict }
}

/// A block started by OWNER at boot 10 s / wall 1,000,000 s for `secs`.
fn started(secs: u64, strict: bool) -> Block {
    match decide(None, &Access::anyone(), OWNER, &start(&["bilibili.com"], secs, strict), t0()) {
        Ok(Outcome::Started(b)) => b,
        other => panic!("{other:?}"),
    }
}

fn t0() -> Now {
    at(10_000, 1_000_000_000)
}

fn changed(outcome: Result<Outcome, Refusal>) -> Block {
    match outcome {
        Ok(Outcome::Changed(b)) => b,
        other => panic!("expected a change, got {other:?}"),
    }
}

#[test]
fn start_creates_a_block_owned_by_the_caller() {
    let op = start(&["https://www.Bilibili.com/video", "zhihu.com", "bilibili.com"], 60, true);
    let Ok(Outcome::Started(b)) = decide(None, &Access::anyone(), OWNER, &op, t0()) else {
        panic!()
    };
    assert_eq!(b.sites, sites(&["bilibili.com", "zhihu.com"]));
    assert!(b.strict);
    assert_eq!(b.owner_uid, OWNER);
    assert_eq!(b.end_boot_ms, 70_000);
    assert_eq!(b.end_wall_ms, 1_000_060_000);
    assert_eq!(b.remaining_ms(t0()), 60_000);
}

#[test]
fn bad_requests_are_refused_with_a_reason() {
    let a = Access::anyone();
    let refuse = |op: Op| decide(None, &a, OWNER, &op, t0()).unwrap_err();
    assert_eq!(
        refuse(start(&["a.com"], 0, false)),
        Refusal::InvalidDuration { max: MAX_BLOCK_SECS }
    );
    assert_eq!(
        refuse(start(&["a.com"], u64::from(MAX_BLOCK_SECS) + 1, false)),
        Refusal::InvalidDuration { max: MAX_BLOCK_SECS }
    );
    assert_eq!(refuse(start(&[], 60, false)), Refusal::NoSites);
    assert!(matches!(
        refuse(start(&["a.com", "ok.com", "*.bad.com"], 60, false)),
        Refusal::InvalidSite { index: 2, error: BlocklistError::Wildcard }
    ));
    assert!(matches!(
        refuse(start(&["a.com\n0.0.0.0 evil"], 60, false)),
        Refusal::InvalidSite { index: 0, .. }
    ));
    let many: Vec<String> = (0..=MAX_ENTRIES).map(|i| format!("s{i}.com")).collect();
    let op = Op::Start { sites: many, duration_secs: 60, strict: false };
    assert_eq!(refuse(op), Refusal::TooManySites { max: MAX_ENTRIES });
    assert_eq!(refuse(Op::Extend { duration_secs: 60 }), Refusal::NotActive);
    assert_eq!(refuse(Op::AddSites { sites: sites(&["a.com"]) }), Refusal::NotActive);
    // Exactly 24 h is allowed; 1 s is allowed.
    assert!(decide(None, &a, OWNER, &start(&["a.com"], 86_400, false), t0()).is_ok());
    assert!(decide(None, &a, OWNER, &start(&["a.com"], 1, false), t0()).is_ok());
}

#[test]
fn disallowed_uids_may_only_ask_for_status() {
    let access = Access::only([OWNER]);
    let block = started(600, false);
    for op in [
        start(&["a.com"], 60, false),
        Op::Extend { duration_secs: 60 },
        Op::AddSites { sites: sites(&["a.com"]) },
        Op::Stop,
    ] {
        assert_eq!(decide(Some(&block), &access, OTHER, &op, t0()), Err(Refusal::Forbidden));
        assert_eq!(
            decide(None, &access, 0, &op, t0()),
            Err(Refusal::Forbidden),
            "root is not implied"
        );
    }
    assert_eq!(decide(Some(&block), &access, OTHER, &Op::Status, t0()), Ok(Outcome::Unchanged));
    assert!(Access::anyone().allows(12345));
}

#[test]
fn only_the_owner_or_root_may_change_an_active_block() {
    let block = started(600, false);
    let a = Access::anyone();
    for op in [
        start(&["a.com"], 60, false),
        Op::Extend { duration_secs: 60 },
        Op::AddSites { sites: sites(&["a.com"]) },
        Op::Stop,
    ] {
        assert_eq!(decide(Some(&block), &a, OTHER, &op, t0()), Err(Refusal::Forbidden), "{op:?}");
        assert!(decide(Some(&block), &a, 0, &op, t0()).is_ok(), "root: {op:?}");
        assert!(decide(Some(&block), &a, OWNER, &op, t0()).is_ok(), "owner: {op:?}");
    }
}

#[test]
fn start_on_an_active_block_only_tightens_it() {
    let block = started(600, true);
    let a = Access::anyone();
    // Shorter, not strict, same site: nothing changes.
    let op = start(&["bilibili.com"], 10, false);
    assert_eq!(decide(Some(&block), &a, OWNER, &op, t0()), Ok(Outcome::Unchanged));
    // A new site with a shorter duration: the site is added, the end stays, strict stays on.
    let next = changed(decide(Some(&block), &a, OWNER, &start(&["zhihu.com"], 10, false), t0()));
    assert_eq!(next.sites, sites(&["bilibili.com", "zhihu.com"]));
    assert_eq!(next.end_boot_ms, block.end_boot_ms);
    assert!(next.strict);
    // Longer: the end moves later.
    let next = changed(decide(Some(&block), &a, OWNER, &start(&["bilibili.com"], 900, true), t0()));
    assert_eq!(next.end_boot_ms, 10_000 + 900_000);
    assert_eq!(next.end_wall_ms, block.end_wall_ms + 300_000);
    // A non-strict block can be made strict.
    let loose = started(600, false);
    let next = changed(decide(Some(&loose), &a, OWNER, &start(&["bilibili.com"], 1, true), t0()));
    assert!(next.strict);
    assert_eq!(next.end_boot_ms, loose.end_boot_ms);
}

#[test]
fn extend_is_capped_at_24_hours_from_now() {
    let block = started(3600, true);
    let a = Access::anyone();
    let ext = |b: &Block, secs: u64, now: Now| {
        decide(Some(b), &a, OWNER, &Op::Extend { duration_secs: secs }, now)
    };
    let next = changed(ext(&block, 600, t0()));
    assert_eq!(next.end_boot_ms, block.end_boot_ms + 600_000);
    // 1 h + 24 h would pass the cap: the end is exactly 24 h from now.
    let capped = changed(ext(&block, 86_400, t0()));
    assert_eq!(capped.end_boot_ms, t0().boot_ms + 24 * H);
    assert_eq!(capped.remaining_ms(t0()), 24 * H);
    // At the cap, extending again changes nothing.
    assert_eq!(ext(&capped, 86_400, t0()), Ok(Outcome::Unchanged));
    // An hour later one more hour fits.
    let later = at(t0().boot_ms + H, t0().wall_ms + 3_600_000);
    let next = changed(ext(&capped, 86_400, later));
    assert_eq!(next.end_boot_ms, later.boot_ms + 24 * H);
    // Repeated requests never get past 24 h from the last one.
    let mut b = block;
    for _ in 0..100 {
        if let Ok(Outcome::Changed(n)) = ext(&b, 86_400, t0()) {
            b = n;
        }
    }
    assert_eq!(b.remaining_ms(t0()), 24 * H);
}

#[test]
fn add_sites_only_adds() {
    let block = started(600, false);
    let a = Access::anyone();
    let add =
        |list: &[&str]| decide(Some(&block), &a, OWNER, &Op::AddSites { sites: sites(list) }, t0());
    let next = changed(add(&["zhihu.com", "www.bilibili.com"]));
    assert_eq!(next.sites, sites(&["bilibili.com", "zhihu.com"]));
    assert_eq!(next.end_boot_ms, block.end_boot_ms);
    assert_eq!(add(&["m.bilibili.com"]), Ok(Outcome::Unchanged));
    assert!(matches!(add(&["zhihu.com", "127.0.0.1"]), Err(Refusal::InvalidSite { index: 1, .. })));
}

#[test]
fn stop_is_refused_in_strict_mode_even_for_root() {
    let strict = started(600, true);
    let a = Access::anyone();
    assert_eq!(decide(Some(&strict), &a, OWNER, &Op::Stop, t0()), Err(Refusal::Strict));
    assert_eq!(decide(Some(&strict), &a, 0, &Op::Stop, t0()), Err(Refusal::Strict));
    assert_eq!(decide(Some(&strict), &a, OTHER, &Op::Stop, t0()), Err(Refusal::Forbidden));
    let loose = started(600, false);
    assert_eq!(decide(Some(&loose), &a, OWNER, &Op::Stop, t0()), Ok(Outcome::Stopped));
    assert_eq!(decide(Some(&loose), &a, 0, &Op::Stop, t0()), Ok(Outcome::Stopped));
    assert_eq!(decide(None, &a, OWNER, &Op::Stop, t0()), Ok(Outcome::Unchanged));
}

#[test]
fn wall_clock_jumps_never_shorten_a_block() {
    let block = started(3600, true);
    let a = Access::anyone();
    for jump in [2 * 3_600_000, -2 * 3_600_000, 365 * 24 * 3_600_000] {
        // Half an hour of boot time passes while the wall clock jumps.
        let now = at(t0().boot_ms + H / 2, t0().wall_ms + jump);
        assert!(block.is_active(now));
        assert_eq!(block.remaining_ms(now), H / 2);
        assert_eq!(decide(Some(&block), &a, OWNER, &Op::Stop, now), Err(Refusal::Strict));
        // Extending after a jump moves the wall end by the extension only.
        let next = changed(decide(Some(&block), &a, OWNER, &Op::Extend { duration_secs: 60 }, now));
        assert_eq!(next.end_wall_ms, block.end_wall_ms + 60_000);
    }
    // Only boot time ends it.
    let end = at(block.end_boot_ms, t0().wall_ms - 10 * 3_600_000);
    assert!(!block.is_active(end));
}

#[test]
fn an_expired_block_counts_as_none() {
    let block = started(60, true);
    let a = Access::anyone();
    let after = at(block.end_boot_ms, 0);
    assert_eq!(decide(Some(&block), &a, OTHER, &Op::Stop, after), Ok(Outcome::Unchanged));
    assert_eq!(
        decide(Some(&block), &a, OTHER, &Op::Extend { duration_secs: 5 }, after),
        Err(Refusal::NotActive)
    );
    let Ok(Outcome::Started(b)) =
        decide(Some(&block), &a, OTHER, &start(&["a.com"], 5, false), after)
    else {
        panic!()
    };
    assert_eq!(b.owner_uid, OTHER);
}

#[test]
fn refusals_carry_structured_details() {
    let e = WireError::from(Refusal::InvalidSite { index: 3, error: BlocklistError::IpAddress });
    assert_eq!(e.code, ErrorCode::InvalidSite);
    assert_eq!(e.detail.index, Some(3));
    assert_eq!(e.detail.site_error, Some(BlocklistError::IpAddress));
    let e = WireError::from(Refusal::InvalidDuration { max: MAX_BLOCK_SECS });
    assert_eq!(e.detail.max, Some(86_400));
    assert_eq!(WireError::from(Refusal::Strict).code, ErrorCode::Strict);
}
