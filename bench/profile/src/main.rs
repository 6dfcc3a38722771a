//! `make bench`, data half: a 10-year profile imported into a real SQLite file, then the Today
//! and statistics commands (read + compute, exactly what the IPC commands do), all streaks and
//! strengths, a punch-in write, the timetable (a year's expansion, Today's plan), export and
//! import, each timed in-process.
//!
//!   daka-bench-profile run [RUNS]        print the figures (default 50 runs)
//!   daka-bench-profile generate OUT      write the profile as a Daka export (daka.jsonl)
//!
//! Figures are printed next to the goals, never asserted.

// A command-line report: printing is its job.
#![allow(clippy::print_stdout)]

mod generate;
mod timetable;

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use daka_core::punch_in::PunchInInput;
use daka_store::{ImportMode, Store};

type Error = Box<dyn std::error::Error>;

fn now() -> DateTime<Utc> {
    // The evening of the day after the last generated one: that day is open, the rest judged.
    DateTime::parse_from_rfc3339("2026-11-22T20:30:00+08:00")
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

fn write_profile(path: &Path) -> Result<usize, Error> {
    let records = generate::profile();
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    for r in &records {
        serde_json::to_writer(&mut out, r)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(records.len())
}

struct Figures(Vec<Duration>);

impl Figures {
    fn ms(&self, q: f64) -> f64 {
        let mut v: Vec<f64> = self.0.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
        v.sort_by(f64::total_cmp);
        let i = ((v.len() as f64 - 1.0) * q).round() as usize;
        v.get(i).copied().unwrap_or(f64::NAN)
    }
}

fn row(what: &str, f: &Figures, goal: &str) {
    println!("{what:<52} p50 {:>8.2} ms   p95 {:>8.2} ms   {goal}", f.ms(0.5), f.ms(0.95));
}

async fn time<T, F: Future<Output = Result<T, Error>>>(
    runs: usize,
    mut f: impl FnMut() -> F,
) -> Result<Figures, Error> {
    let mut out = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        f().await?;
        out.push(t.elapsed());
    }
    Ok(Figures(out))
}

async fn run(runs: usize) -> Result<(), Error> {
    let dir = tempfile::TempDir::new()?;
    let source = dir.path().join("profile.jsonl");
    let lines = write_profile(&source)?;
    // DAKA_BENCH_DATA keeps the database for a look with sqlite3 afterwards.
    let data = std::env::var_os("DAKA_BENCH_DATA")
        .map_or_else(|| dir.path().join("data"), std::path::PathBuf::from);
    let store = Store::open(&data, now()).await?;

    let t = Instant::now();
    let report = store.import_from(&source, ImportMode::Restore, now(), &|_| {}).await?;
    let import = t.elapsed();
    let records = store.records().await?;
    println!(
        "10-year profile: {} study days, {} punch-ins, {} goal entries, {} subjects, {} goals ({} lines, {:.1} MB JSONL)",
        generate::DAYS,
        records.journal.punch_ins.len(),
        records.journal.progress.len(),
        records.profile.subjects.len(),
        records.goals.len(),
        lines,
        std::fs::metadata(&source)?.len() as f64 / 1_048_576.0
    );
    println!("{} records imported\n", report.records);

    let today = time(runs, || async { Ok(store.records().await?.today(now())) }).await?;
    row("Today (records cached since the last write)", &today, "p95 ≤ 20 ms");
    let stats = time(runs, || async { Ok(store.records().await?.stats(now())) }).await?;
    row("Statistics (records cached)", &stats, "p95 ≤ 20 ms");
    let streaks = time(runs, || async {
        let daily = records.punch_in_report(now());
        let goals: u32 =
            records.goals.iter().map(|g| records.goal_report(g, now()).current_streak).sum();
        Ok((daily.current_streak, goals))
    })
    .await?;
    row(
        &format!("All streaks + strengths (1 + {} goals)", records.goals.len()),
        &streaks,
        "≤ 5 ms",
    );

    // A punch-in save files the records it leaves behind in the cache.
    let (mut writes, mut first_views) = (Vec::new(), Vec::new());
    for n in 0..runs.min(20) {
        let input = PunchInInput {
            id: None,
            date: "2026-11-22".into(),
            repair: false,
            minutes: vec![],
            goals_done: vec![],
            note: format!("bench {n}"),
            mood: None,
            photos: vec![],
        };
        let t = Instant::now();
        store.save_punch_in(&input, now()).await?;
        writes.push(t.elapsed());
        let t = Instant::now();
        store.records().await?.today(now());
        first_views.push(t.elapsed());
    }
    row("Punch-in save (validate against history + write)", &Figures(writes), "");
    row("Today right after a punch-in save", &Figures(first_views), "");

    // Other writes empty the cache: the next view reads the whole history again.
    let mut cold = Vec::new();
    for _ in 0..runs.min(20) {
        store.set_week_start(daka_core::schedule::WeekStart::Monday, now()).await?;
        let t = Instant::now();
        store.records().await?.today(now());
        cold.push(t.elapsed());
    }
    row("Today after another write (reads 10 years again)", &Figures(cold), "");

    println!();
    timetable::run(&store, runs, now()).await?;
    println!();

    let zip = dir.path().join("export.zip");
    let t = Instant::now();
    let summary = store.export_to(&zip, now(), "bench").await?;
    let export = t.elapsed();
    println!(
        "{:<52} {:>8.0} ms   ({:.1} MB ZIP, {} punch-ins; goal ≤ 1 s)",
        "Export (CSV + JSONL ZIP)",
        export.as_secs_f64() * 1000.0,
        summary.bytes as f64 / 1_048_576.0,
        summary.punch_ins
    );
    println!(
        "{:<52} {:>8.0} ms   (one transaction, into an empty profile)",
        "Import (restore the whole profile)",
        import.as_secs_f64() * 1000.0
    );
    let merge_store = store.clone();
    let t = Instant::now();
    merge_store.import_from(&zip, ImportMode::Merge, now(), &|_| {}).await?;
    println!(
        "{:<52} {:>8.0} ms   (every row compared, nothing changes)",
        "Import (merge the same export again)",
        t.elapsed().as_secs_f64() * 1000.0
    );
    store.close().await;
    Ok(())
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("generate") => {
            let out = args.get(1).ok_or("usage: daka-bench-profile generate OUT.jsonl")?;
            let lines = write_profile(Path::new(out))?;
            println!("{lines} records written to {out}");
            Ok(())
        }
        Some("run") | None => run(args.get(1).and_then(|r| r.parse().ok()).unwrap_or(50)).await,
        Some(other) => Err(format!("unknown command {other:?} (run, generate)").into()),
    }
}
