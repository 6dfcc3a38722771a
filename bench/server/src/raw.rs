//! The limit: the same rows inserted by a raw sqlx loop in one process, one transaction per
//! row (as each push is one), with the server's durability settings — no HTTP, no checks, no
//! fan-out.

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::Utc;
use sqlx::Connection;
use uuid::Uuid;

const BODY: &str = r#"{"date":"2026-12-07","created_utc":"2026-12-07T01:00:00Z","tz":"Asia/Shanghai","minutes":[{"subject_id":"0190a0a0-0000-7000-8000-000000000000","minutes":45}],"note":"真题一套","mood":null}"#;

pub(crate) async fn sqlite(path: &Path, seconds: u64) -> f64 {
    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full);
    let mut conn = sqlx::SqliteConnection::connect_with(&options).await.unwrap();
    sqlx::query("CREATE TABLE records (id BLOB PRIMARY KEY, author BLOB, version INTEGER, date TEXT, body TEXT, received_at INTEGER)")
        .execute(&mut conn)
        .await
        .unwrap();
    let until = Instant::now() + Duration::from_secs(seconds);
    let (started, mut rows) = (Instant::now(), 0u64);
    let author = Uuid::now_v7();
    while Instant::now() < until {
        sqlx::query("INSERT INTO records VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
            .bind(Uuid::now_v7())
            .bind(author)
            .bind(Utc::now().timestamp_millis() << 16)
            .bind("2026-12-07")
            .bind(BODY)
            .bind(Utc::now().timestamp_millis())
            .execute(&mut conn)
            .await
            .unwrap();
        rows += 1;
    }
    rows as f64 / started.elapsed().as_secs_f64()
}

pub(crate) async fn postgres(url: &str, seconds: u64) -> f64 {
    let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
    // A logged table like the server's (a TEMP table skips the WAL and would flatter the limit).
    sqlx::query("DROP TABLE IF EXISTS raw_records").execute(&mut conn).await.unwrap();
    sqlx::query("CREATE TABLE raw_records (id uuid PRIMARY KEY, author uuid, version BIGINT, date DATE, body TEXT, received_at BIGINT)")
        .execute(&mut conn)
        .await
        .unwrap();
    let until = Instant::now() + Duration::from_secs(seconds);
    let (started, mut rows) = (Instant::now(), 0u64);
    let author = Uuid::now_v7();
    while Instant::now() < until {
        sqlx::query("INSERT INTO raw_records VALUES ($1, $2, $3, $4::date, $5, $6)")
            .bind(Uuid::now_v7())
            .bind(author)
            .bind(Utc::now().timestamp_millis() << 16)
            .bind("2026-12-07")
            .bind(BODY)
            .bind(Utc::now().timestamp_millis())
            .execute(&mut conn)
            .await
            .unwrap();
        rows += 1;
    }
    rows as f64 / started.elapsed().as_secs_f64()
}
