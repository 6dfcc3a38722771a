//! The records cache: everything Today and the statistics are computed from, kept between
//! calls until the next write.
//!
//! Reading a 10-year history takes ~100 ms (sqlx hands SQLite rows over a channel); the views
//! must answer in a few. Daka is the only writer of its file (one instance per data folder), and
//! every write goes through [`WriteTx`], which bumps a generation number after it commits.
//! A reader notes the generation before it reads and files what it read under that number;
//! an entry is served only while its number is current. So a read that overlapped a commit is
//! never served after it, and a write never has to know which views it affects.

use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use daka_core::records::Records;
use sqlx::{Sqlite, Transaction};

use crate::error::Result;

#[derive(Debug, Default)]
pub(crate) struct RecordsCache {
    generation: AtomicU64,
    slot: Mutex<Option<(u64, Arc<Records>)>>,
}

impl RecordsCache {
    /// The generation to file a read under; take it *before* reading.
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// The cached records, if nothing was written since they were read.
    pub(crate) fn get(&self) -> Option<Arc<Records>> {
        let slot = self.slot.lock().unwrap_or_else(PoisonError::into_inner);
        match &*slot {
            Some((g, records)) if *g == self.generation() => Some(Arc::clone(records)),
            _ => None,
        }
    }

    pub(crate) fn put(&self, generation: u64, records: Arc<Records>) {
        if generation == self.generation() {
            *self.slot.lock().unwrap_or_else(PoisonError::into_inner) = Some((generation, records));
        }
    }

    fn written(&self) -> u64 {
        let generation = self.generation.fetch_add(1, Ordering::AcqRel) + 1;
        *self.slot.lock().unwrap_or_else(PoisonError::into_inner) = None;
        generation
    }
}

/// A write transaction (`BEGIN IMMEDIATE`). Committing it invalidates the records cache.
pub(crate) struct WriteTx {
    tx: Transaction<'static, Sqlite>,
    cache: Arc<RecordsCache>,
}

impl WriteTx {
    pub(crate) fn new(tx: Transaction<'static, Sqlite>, cache: Arc<RecordsCache>) -> Self {
        Self { tx, cache }
    }

    /// Commits; returns the generation the data now has, under which the caller may file the
    /// records as they stand after this write.
    pub(crate) async fn commit(self) -> Result<u64> {
        let result = self.tx.commit().await;
        // Even a failed COMMIT may have written (SQLite can report an error after the data is
        // durable); forgetting the cache costs one read, serving a stale one would be a bug.
        let generation = self.cache.written();
        result?;
        Ok(generation)
    }
}

impl WriteTx {
    /// Commits a write to tables the records are not read from (the timetable), keeping the
    /// cache: dragging a block in the week grid must not cost Today a 100 ms re-read. Only for
    /// writes that touch none of the tables in `records::read_records`.
    pub(crate) async fn commit_outside_records(self) -> Result<()> {
        self.tx.commit().await?;
        Ok(())
    }
}

impl Deref for WriteTx {
    type Target = Transaction<'static, Sqlite>;

    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}
