//! Punch-in photos: rows for files `daka-photos` has already copied into the data folder.

use chrono::{DateTime, Duration, Utc};
use daka_core::ids::PhotoId;
use daka_core::validation::Invalid;
use daka_photos::Ingested;

use crate::error::{Result, StoreError};
use crate::repo::{photos, to_millis};
use crate::store::Store;

/// How long a photo picked in a form that was never saved is kept (a form left open overnight
/// still saves).
const UNATTACHED_FOR: Duration = Duration::hours(24);

impl Store {
    /// Records a photo just copied in; it belongs to no punch-in until one is saved with it.
    pub async fn add_photo(&self, photo: &Ingested, now: DateTime<Utc>) -> Result<PhotoId> {
        let id = photo.id.parse::<PhotoId>().map_err(|_| StoreError::corrupt("photo id"))?;
        let mut tx = self.begin_write().await?;
        let stamp = self.stamp(&mut tx, now).await?;
        photos::insert_unattached(&mut tx, photo, &stamp).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A live photo's thumbnail as a `data:` URL.
    pub async fn photo_thumbnail(&self, id: &str) -> Result<String> {
        let unknown = || {
            StoreError::Invalid(daka_core::validation::ValidationErrors::single(
                "id",
                Invalid::UnknownId { value: id.to_owned() },
            ))
        };
        let pid = id.parse::<PhotoId>().map_err(|_| unknown())?;
        let mut conn = self.pool().acquire().await?;
        let name = photos::thumb_name(&mut conn, pid).await?.ok_or_else(unknown)?;
        daka_photos::thumbnail_data_url(self.data_dir(), &name)
            .map_err(|e| StoreError::corrupt(format!("thumbnail of {id}: {e}")))
    }

    /// A live photo's thumbnail bytes, to upload for a group that shares photos; `None` when
    /// the row or the file is gone (the punch-in is pushed without it).
    pub async fn photo_upload(&self, id: uuid::Uuid) -> Result<Option<Vec<u8>>> {
        let mut conn = self.pool().acquire().await?;
        let Some(name) = photos::thumb_name(&mut conn, PhotoId::from_uuid(id)).await? else {
            return Ok(None);
        };
        let data_dir = self.data_dir().to_owned();
        tokio::task::spawn_blocking(move || daka_photos::thumbnail_bytes(&data_dir, &name).ok())
            .await
            .map_err(|e| StoreError::corrupt(format!("reading a thumbnail failed: {e}")))
    }

    /// A live photo's original file, for a share card; `None` when the row or the file is gone.
    pub async fn photo_file(&self, id: PhotoId) -> Result<Option<std::path::PathBuf>> {
        let mut conn = self.pool().acquire().await?;
        let Some(name) = photos::file_name(&mut conn, id).await? else { return Ok(None) };
        Ok(daka_photos::photo_path(self.data_dir(), &name).ok().filter(|p| p.is_file()))
    }

    /// Forgets photos picked more than a day ago in a form that was never saved, and deletes
    /// files no live row needs (photos of deleted punch-ins, leftovers of an interrupted copy).
    /// Returns how many files were removed.
    pub async fn prune_photos(&self, now: DateTime<Utc>) -> Result<usize> {
        let mut tx = self.begin_write().await?;
        let keep = photos::prune(&mut tx, to_millis(now - UNATTACHED_FOR)).await?;
        tx.commit().await?;
        let data_dir = self.data_dir().to_owned();
        let keep = keep.into_iter().collect();
        tokio::task::spawn_blocking(move || daka_photos::sweep(&data_dir, &keep))
            .await
            .map_err(|e| StoreError::corrupt(format!("photo sweep failed: {e}")))
    }
}
