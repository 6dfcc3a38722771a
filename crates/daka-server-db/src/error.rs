use thiserror::Error;

/// What a storage call can fail with. Everything but `Database` is an expected answer the
/// server maps to a 4xx; `Database` is a 5xx and is logged (without secrets: queries bind
/// hashes, never tokens or passwords).
#[derive(Debug, Error)]
pub enum DbError {
    #[error("username taken")]
    UsernameTaken,
    #[error("not found")]
    NotFound,
    #[error("invite invalid")]
    InviteInvalid,
    #[error("the owner cannot leave their group")]
    OwnerCannotLeave,
    #[error("not allowed")]
    Forbidden,
    #[error("sequence gap: expected {expected}")]
    SequenceGap { expected: i64 },
    #[error("the photo id holds another picture")]
    PhotoTaken,
    #[error("photo quota reached")]
    QuotaExceeded,
    #[error("cursor older than the retained feed")]
    CursorExpired,
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("database: {0}")]
    Database(String),
}
