//! Punch-in photos: stored once and never changed, seen by a group only while shared there and
//! listed by a live punch-in, and swept once nothing lists them.

use daka_wire::{Record, ShareSettings};
use uuid::Uuid;

use super::{day, group, mutation, punch_body, push, t0, user};
use crate::*;

fn jpeg(fill: u8) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
    bytes.extend(std::iter::repeat_n(fill, 64));
    bytes.extend([0xFF, 0xD9]);
    bytes
}

fn photo(id: Uuid, owner: Uuid, bytes: Vec<u8>, max_per_owner: u32) -> NewPhoto {
    NewPhoto { id, owner, sha256: format!("sha-of-{}", bytes[4]), bytes, now: t0(), max_per_owner }
}

pub(super) async fn photos_are_stored_once_and_never_change<D: ServerDb>(db: D) {
    let (alice, _) = user(&db, "alice").await;
    let (bob, _) = user(&db, "bob").await;
    let p = Uuid::now_v7();
    assert_eq!(db.put_photo(photo(p, alice, jpeg(1), 2)).await.unwrap(), PhotoPut::Stored);
    // A retry whose answer was lost.
    assert_eq!(db.put_photo(photo(p, alice, jpeg(1), 2)).await.unwrap(), PhotoPut::AlreadyStored);
    // Other bytes under the same id, by the owner or by anyone else: refused.
    let err = db.put_photo(photo(p, alice, jpeg(2), 2)).await.unwrap_err();
    assert!(matches!(err, DbError::PhotoTaken), "{err:?}");
    let err = db.put_photo(photo(p, bob, jpeg(1), 2)).await.unwrap_err();
    assert!(matches!(err, DbError::PhotoTaken), "{err:?}");
    // The quota counts the owner's photos only, and a retry at the quota still succeeds.
    assert_eq!(
        db.put_photo(photo(Uuid::now_v7(), alice, jpeg(3), 2)).await.unwrap(),
        PhotoPut::Stored
    );
    let err = db.put_photo(photo(Uuid::now_v7(), alice, jpeg(4), 2)).await.unwrap_err();
    assert!(matches!(err, DbError::QuotaExceeded), "{err:?}");
    assert_eq!(db.put_photo(photo(p, alice, jpeg(1), 2)).await.unwrap(), PhotoPut::AlreadyStored);
    assert_eq!(
        db.put_photo(photo(Uuid::now_v7(), bob, jpeg(4), 2)).await.unwrap(),
        PhotoPut::Stored
    );
}

pub(super) async fn a_group_sees_a_photo_only_while_shared_and_listed<D: ServerDb>(db: D) {
    let (alice, a) = user(&db, "alice").await;
    let (bob, _) = user(&db, "bob").await;
    let g = group(&db, alice, ShareSettings::default()).await;
    let elsewhere =
        group(&db, bob, ShareSettings { photos: true, ..ShareSettings::default() }).await;
    let (listed, unlisted, missing) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    for (id, fill) in [(listed, 1), (unlisted, 2)] {
        db.put_photo(photo(id, alice, jpeg(fill), 100)).await.unwrap();
    }
    let punch_in = Uuid::now_v7();
    let mut body = punch_body("2026-12-06", 60, "");
    body.photos = vec![listed, missing];
    push(&db, &a, &[mutation(1, 1, Record::PunchIn { id: punch_in, body: Some(body) })])
        .await
        .unwrap();

    // Photos are off by default.
    assert_eq!(db.group_photo(g, listed).await.unwrap(), None);
    let on = ShareSettings { photos: true, ..ShareSettings::default() };
    db.set_share(g, alice, on, t0()).await.unwrap();
    assert_eq!(db.group_photo(g, listed).await.unwrap(), Some(jpeg(1)));
    // Uploaded but listed by no punch-in; listed but never uploaded; a group alice is not in.
    assert_eq!(db.group_photo(g, unlisted).await.unwrap(), None);
    assert_eq!(db.group_photo(g, missing).await.unwrap(), None);
    assert_eq!(db.group_photo(elsewhere, listed).await.unwrap(), None);
    // The board lists what is stored, not what is still on its way.
    let data = db.board_data(g, day("2026-12-06")).await.unwrap();
    assert_eq!(data.stored_photos, vec![listed]);
    assert!(db.board_data(g, day("2026-12-05")).await.unwrap().stored_photos.is_empty());

    // Turning sharing off, then deleting the punch-in, each hide it again.
    db.set_share(g, alice, ShareSettings::default(), t0()).await.unwrap();
    assert_eq!(db.group_photo(g, listed).await.unwrap(), None);
    db.set_share(g, alice, on, t0()).await.unwrap();
    push(&db, &a, &[mutation(2, 2, Record::PunchIn { id: punch_in, body: None })]).await.unwrap();
    assert_eq!(db.group_photo(g, listed).await.unwrap(), None);
    assert!(db.board_data(g, day("2026-12-06")).await.unwrap().stored_photos.is_empty());
}

pub(super) async fn compaction_sweeps_photos_nothing_lists<D: ServerDb>(db: D) {
    let (alice, a) = user(&db, "alice").await;
    let (kept, dropped) = (Uuid::now_v7(), Uuid::now_v7());
    db.put_photo(photo(kept, alice, jpeg(1), 100)).await.unwrap();
    db.put_photo(photo(dropped, alice, jpeg(2), 100)).await.unwrap();
    let mut body = punch_body("2026-12-06", 60, "");
    body.photos = vec![kept];
    push(&db, &a, &[mutation(1, 1, Record::PunchIn { id: Uuid::now_v7(), body: Some(body) })])
        .await
        .unwrap();
    // Uploaded just now: too recent to sweep (its punch-in may still be on its way).
    db.compact(t0()).await.unwrap();
    assert_eq!(
        db.put_photo(photo(dropped, alice, jpeg(2), 100)).await.unwrap(),
        PhotoPut::AlreadyStored
    );
    db.compact(t0() + chrono::Duration::days(1)).await.unwrap();
    assert_eq!(
        db.put_photo(photo(kept, alice, jpeg(1), 100)).await.unwrap(),
        PhotoPut::AlreadyStored
    );
    // Gone: the same id can be uploaded afresh.
    assert_eq!(db.put_photo(photo(dropped, alice, jpeg(2), 100)).await.unwrap(), PhotoPut::Stored);
}
