//! Errors of the local store.

use std::path::PathBuf;

use daka_core::validation::ValidationErrors;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("cannot use {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file was written by a newer Daka (it has migrations this build does not know).
    /// Opening it could lose data, so it is refused.
    #[error(
        "the database was created by a newer version of Daka (schema {found}, this build knows up to {known})"
    )]
    NewerSchema { found: i64, known: i64 },
    /// A stored value does not parse. Something outside Daka edited the file.
    #[error("stored data is damaged: {what}")]
    Corrupt { what: String },
    #[error("first-start setup has not been completed")]
    NotOnboarded,
    #[error("first-start setup has already been completed")]
    AlreadyOnboarded,
    /// Reading or writing an export archive failed.
    #[error("export archive: {0}")]
    Archive(#[from] daka_archive::ArchiveError),
    /// An archive's content does not fit: a damaged value or reference.
    #[error("import: record {record} ({kind}): {detail}")]
    ImportRecord { record: usize, kind: String, detail: String },
    /// Restoring replaces everything and is only allowed into a profile without data.
    #[error("restore needs an empty profile")]
    RestoreNeedsEmptyProfile,
    /// The write conflicts with stored data (e.g. an id that no longer exists).
    #[error("invalid input: {0}")]
    Invalid(ValidationErrors),
}

impl StoreError {
    pub(crate) fn corrupt(what: impl Into<String>) -> Self {
        StoreError::Corrupt { what: what.into() }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        StoreError::Io { path: path.into(), source }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
