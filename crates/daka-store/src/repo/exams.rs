//! `exams`: the exams the user prepares for.

use chrono::NaiveDate;
use daka_core::ids::ExamId;
use daka_core::profile::Exam;
use sqlx::SqliteConnection;

use super::Stamp;
use crate::error::{Result, StoreError};

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    name: String,
    exam_date: String,
}

impl Row {
    fn into_exam(self) -> Result<Exam> {
        let bad = |what: &str| StoreError::corrupt(format!("exam {}: {what}", self.id));
        Ok(Exam {
            id: self.id.parse::<ExamId>().map_err(|_| bad("id"))?,
            date: self.exam_date.parse::<NaiveDate>().map_err(|_| bad("date"))?,
            name: self.name,
        })
    }
}

/// Live exams, by date.
pub(crate) async fn list(conn: &mut SqliteConnection) -> Result<Vec<Exam>> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, name, exam_date FROM exams WHERE deleted_utc IS NULL ORDER BY exam_date, id",
    )
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(Row::into_exam).collect()
}

pub(crate) async fn insert(conn: &mut SqliteConnection, exam: &Exam, stamp: &Stamp) -> Result<()> {
    sqlx::query(
        "INSERT INTO exams (id, name, exam_date, created_utc, updated_utc, version, device_id)
         VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6)",
    )
    .bind(exam.id.to_string())
    .bind(&exam.name)
    .bind(exam.date.to_string())
    .bind(stamp.now_millis)
    .bind(stamp.version)
    .bind(stamp.device_id.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

pub(crate) async fn update(conn: &mut SqliteConnection, exam: &Exam, stamp: &Stamp) -> Result<()> {
    let done = sqlx::query(
        "UPDATE exams SET name = ?2, exam_date = ?3, updated_utc = ?4, version = ?5, device_id = ?6
         WHERE id = ?1 AND deleted_utc IS NULL",
    )
    .bind(exam.id.to_string())
    .bind(&exam.name)
    .bind(exam.date.to_string())
    .bind(stamp.now_millis)
    .bind(stamp.version)
    .bind(stamp.device_id.to_string())
    .execute(conn)
    .await?;
    if done.rows_affected() == 1 { Ok(()) } else { Err(StoreError::Db(sqlx::Error::RowNotFound)) }
}
