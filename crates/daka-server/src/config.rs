//! Flags and environment. Every flag has an environment twin (`DAKA_…`, and the usual
//! `DATABASE_URL`), so a systemd unit or a container sets them the same way.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;

use crate::Settings;

/// Daka's group server (打卡小组服务器): accounts, study groups, punch-in sync and the board.
///
/// Runs on one SQLite file by default; point DATABASE_URL at PostgreSQL (postgres://…) to run
/// several processes behind a load balancer. Put it behind a TLS reverse proxy (README).
#[derive(Debug, Parser)]
#[command(name = "daka-server", version)]
pub struct Config {
    /// Address to listen on (监听地址).
    #[arg(long, env = "DAKA_LISTEN", default_value = "127.0.0.1:8750")]
    pub listen: SocketAddr,
    /// The database (数据库): a SQLite path or sqlite:// URL, or postgres://user:pass@host/db.
    /// Default: daka-server.sqlite in the data directory.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
    /// Where the SQLite file lives when no database URL is given (数据目录).
    #[arg(long, env = "DAKA_DATA_DIR", default_value = "./daka-server-data")]
    pub data_dir: PathBuf,
    /// The URL members reach this server at, e.g. https://daka.example.com (used in invite links).
    #[arg(long, env = "DAKA_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Close sign-up: new accounts only with a group invite code (仅限邀请注册).
    #[arg(long, env = "DAKA_INVITE_ONLY")]
    pub invite_only: bool,
    /// Days of a new member's history shared with a group they join (加入时共享的天数).
    #[arg(long, env = "DAKA_SHARE_DAYS", default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..=400))]
    pub share_days: u32,
    /// Days deletions are kept in the feeds; apps offline longer download their groups again.
    #[arg(long, env = "DAKA_RETENTION_DAYS", default_value_t = 90, value_parser = clap::value_parser!(u32).range(7..=3650))]
    pub retention_days: u32,
    /// Punch-in photos one account may keep (每个账号可保存的照片数); each is a ≤ 512 KiB thumbnail.
    #[arg(long, env = "DAKA_MAX_PHOTOS", default_value_t = 4000, value_parser = clap::value_parser!(u32).range(0..=1_000_000))]
    pub max_photos: u32,
    /// Trust X-Forwarded-For from the reverse proxy for rate limits (only behind one).
    #[arg(long, env = "DAKA_TRUST_PROXY")]
    pub trust_proxy: bool,
    /// PostgreSQL pool size per process.
    #[arg(long, env = "DAKA_PG_MAX_CONNECTIONS", default_value_t = 10)]
    pub pg_max_connections: u32,
    /// Log filter, e.g. info, daka_server=debug (日志级别).
    #[arg(long, env = "DAKA_LOG", default_value = "info")]
    pub log: String,
}

impl Config {
    pub fn settings(&self) -> Settings {
        Settings {
            open_signup: !self.invite_only,
            public_url: self.public_url.as_ref().map(|u| u.trim_end_matches('/').to_owned()),
            share_days_on_join: self.share_days,
            retention_days: self.retention_days,
            trust_proxy: self.trust_proxy,
            max_photos_per_user: self.max_photos,
            limits: crate::limits::Limits::default(),
        }
    }

    /// Which backend the URL names.
    pub fn database(&self) -> Database {
        match self.database_url.as_deref() {
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Database::Postgres(url.to_owned())
            }
            Some(url) => {
                Database::Sqlite(PathBuf::from(url.strip_prefix("sqlite://").unwrap_or(url)))
            }
            None => Database::Sqlite(self.data_dir.join("daka-server.sqlite")),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    Sqlite(PathBuf),
    Postgres(String),
}
