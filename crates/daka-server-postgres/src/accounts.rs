//! Users and devices.

use chrono::{DateTime, Utc};
use daka_server_db::{
    DbError, DeviceAuth, DeviceRow, NewDevice, NewUser, UserRow, from_millis, millis,
};
use sqlx::postgres::{PgPool, PgRow};
use sqlx::{Postgres, Row};
use uuid::Uuid;

use crate::{Tx, db, violates};

/// The named unique constraint on `users.username_key` (see the migration).
const USERNAME_KEY: &str = "users_username_key";

pub(crate) async fn create_user(
    tx: &mut Tx,
    user: NewUser,
    device: NewDevice,
) -> Result<UserRow, DbError> {
    let inserted = sqlx::query(
        "INSERT INTO users (id, username, username_key, password_hash, nickname, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(user.id)
    .bind(&user.username)
    .bind(user.username.to_lowercase())
    .bind(&user.password_hash)
    .bind(&user.nickname)
    .bind(millis(user.now))
    .execute(&mut **tx)
    .await;
    match inserted {
        Err(e) if violates(&e, USERNAME_KEY) => return Err(DbError::UsernameTaken),
        other => other.map_err(db)?,
    };
    insert_device(&mut **tx, &device).await?;
    Ok(UserRow {
        id: user.id,
        username: user.username,
        nickname: user.nickname,
        password_hash: user.password_hash,
        created_at: user.now,
    })
}

async fn insert_device<'e, E: sqlx::Executor<'e, Database = Postgres>>(
    ex: E,
    device: &NewDevice,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO devices (id, user_id, name, token_hash, created_at, last_seen_at)
         VALUES ($1, $2, $3, $4, $5, $5)",
    )
    .bind(device.id)
    .bind(device.user_id)
    .bind(&device.name)
    .bind(&device.token_hash)
    .bind(millis(device.now))
    .execute(ex)
    .await
    .map_err(db)?;
    Ok(())
}

/// Takes the user's row lock (step 2 of the lock order in lib.rs): pushes, joins and leaves of
/// one member serialize on it. `FOR NO KEY UPDATE` does not block the `FOR KEY SHARE` locks
/// that foreign-key checks take, so inserting rows that reference the user is not held up.
pub(crate) async fn lock_user(tx: &mut Tx, user: Uuid) -> Result<(), DbError> {
    sqlx::query("SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE")
        .bind(user)
        .execute(&mut **tx)
        .await
        .map_err(db)?;
    Ok(())
}

fn user_row(row: &PgRow) -> Result<UserRow, DbError> {
    Ok(UserRow {
        id: row.try_get("id").map_err(db)?,
        username: row.try_get("username").map_err(db)?,
        nickname: row.try_get("nickname").map_err(db)?,
        password_hash: row.try_get("password_hash").map_err(db)?,
        created_at: from_millis(row.try_get("created_at").map_err(db)?)?,
    })
}

pub(crate) async fn user_by_name(
    pool: &PgPool,
    username: &str,
) -> Result<Option<UserRow>, DbError> {
    let row = sqlx::query("SELECT * FROM users WHERE username_key = $1")
        .bind(username.to_lowercase())
        .fetch_optional(pool)
        .await
        .map_err(db)?;
    row.as_ref().map(user_row).transpose()
}

pub(crate) async fn user(pool: &PgPool, id: Uuid) -> Result<Option<UserRow>, DbError> {
    let row = sqlx::query("SELECT * FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await
        .map_err(db)?;
    row.as_ref().map(user_row).transpose()
}

pub(crate) async fn set_nickname(pool: &PgPool, user: Uuid, nickname: &str) -> Result<(), DbError> {
    sqlx::query("UPDATE users SET nickname = $1 WHERE id = $2")
        .bind(nickname)
        .bind(user)
        .execute(pool)
        .await
        .map_err(db)?;
    Ok(())
}

pub(crate) async fn create_device(pool: &PgPool, device: NewDevice) -> Result<(), DbError> {
    insert_device(pool, &device).await
}

pub(crate) async fn device_by_token(
    pool: &PgPool,
    token_hash: &str,
) -> Result<Option<DeviceAuth>, DbError> {
    let row = sqlx::query(
        "SELECT id, user_id, revoked_at, last_seen_at FROM devices WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(pool)
    .await
    .map_err(db)?;
    row.map(|row| {
        Ok(DeviceAuth {
            device_id: row.try_get("id").map_err(db)?,
            user_id: row.try_get("user_id").map_err(db)?,
            revoked: row.try_get::<Option<i64>, _>("revoked_at").map_err(db)?.is_some(),
            last_seen_at: from_millis(row.try_get("last_seen_at").map_err(db)?)?,
        })
    })
    .transpose()
}

pub(crate) async fn touch_device(
    pool: &PgPool,
    device: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    sqlx::query("UPDATE devices SET last_seen_at = greatest(last_seen_at, $1) WHERE id = $2")
        .bind(millis(now))
        .bind(device)
        .execute(pool)
        .await
        .map_err(db)?;
    Ok(())
}

pub(crate) async fn devices(pool: &PgPool, user: Uuid) -> Result<Vec<DeviceRow>, DbError> {
    let rows = sqlx::query(
        "SELECT id, name, created_at, last_seen_at, revoked_at FROM devices WHERE user_id = $1 ORDER BY created_at, id",
    )
    .bind(user)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.iter()
        .map(|row| {
            Ok(DeviceRow {
                id: row.try_get("id").map_err(db)?,
                name: row.try_get("name").map_err(db)?,
                created_at: from_millis(row.try_get("created_at").map_err(db)?)?,
                last_seen_at: from_millis(row.try_get("last_seen_at").map_err(db)?)?,
                revoked_at: row
                    .try_get::<Option<i64>, _>("revoked_at")
                    .map_err(db)?
                    .map(from_millis)
                    .transpose()?,
            })
        })
        .collect()
}

pub(crate) async fn revoke_device(
    pool: &PgPool,
    user: Uuid,
    device: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let done = sqlx::query(
        "UPDATE devices SET revoked_at = coalesce(revoked_at, $1) WHERE id = $2 AND user_id = $3",
    )
    .bind(millis(now))
    .bind(device)
    .bind(user)
    .execute(pool)
    .await
    .map_err(db)?;
    if done.rows_affected() == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}
