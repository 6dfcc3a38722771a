//! Punch-in photos: picked (unattached), saved with a punch-in, reordered and removed on edit,
//! refused when foreign or too many, gone with a deleted punch-in, and swept from disk.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::Duration;
use common::{at, invalid_fields, onboarded};
use daka_core::punch_in::{MinutesInput, PunchInInput};
use daka_core::validation::Invalid;
use daka_photos::{Limits, ingest, photo_path};
use daka_store::Store;
use tempfile::TempDir;

async fn pick(store: &Store, src: &TempDir, n: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for i in 0..n {
        let path = src.path().join(format!("IMG_{i}.png"));
        image::RgbImage::from_pixel(64 + i as u32, 48, image::Rgb([200, 90, 40]))
            .save(&path)
            .unwrap();
        let photo = ingest(&path, store.data_dir(), Limits::default()).unwrap();
        ids.push(
            store.add_photo(&photo, at("2026-11-22T20:00:00+08:00")).await.unwrap().to_string(),
        );
    }
    ids
}

fn input(store_subject: &str, photos: Vec<String>) -> PunchInInput {
    PunchInInput {
        id: None,
        date: "2026-11-22".into(),
        repair: false,
        minutes: vec![MinutesInput { subject_id: store_subject.into(), minutes: Some(60.0) }],
        goals_done: vec![],
        note: String::new(),
        mood: None,
        photos,
    }
}

fn evening() -> chrono::DateTime<chrono::Utc> {
    at("2026-11-22T20:05:00+08:00")
}

#[tokio::test]
async fn photos_follow_their_punch_in() {
    let (dir, store) = onboarded().await;
    let src = TempDir::new().unwrap();
    let subject = store.profile().await.unwrap().subjects[0].id.to_string();
    let ids = pick(&store, &src, 3).await;

    let saved = store.save_punch_in(&input(&subject, ids.clone()), evening()).await.unwrap();
    let records = store.records().await.unwrap();
    let photos = records.journal.photos_of(saved.id);
    let got: Vec<String> = photos.iter().map(|p| p.id.to_string()).collect();
    assert_eq!(got, ids);
    assert_eq!((photos[1].width, photos[1].height, photos[1].position), (65, 48, 1));
    assert!(store.photo_thumbnail(&ids[0]).await.unwrap().starts_with("data:image/jpeg;base64,"));

    // Edit: the third first, the second dropped.
    let edit = PunchInInput {
        id: Some(saved.id.to_string()),
        photos: vec![ids[2].clone(), ids[0].clone()],
        ..input(&subject, vec![])
    };
    store.save_punch_in(&edit, evening()).await.unwrap();
    let records = store.records().await.unwrap();
    let got: Vec<String> =
        records.journal.photos_of(saved.id).iter().map(|p| p.id.to_string()).collect();
    assert_eq!(got, [ids[2].clone(), ids[0].clone()]);
    assert!(store.photo_thumbnail(&ids[1]).await.is_err(), "a removed photo is gone");

    // Another punch-in cannot take this one's photos.
    let err = store.save_punch_in(&input(&subject, vec![ids[0].clone()]), evening()).await;
    assert_eq!(
        invalid_fields(err.unwrap_err()),
        [("photos.0".to_owned(), Invalid::UnknownId { value: ids[0].clone() })]
    );

    // Deleting the punch-in removes its photos; the next start sweeps the files.
    let file_of_first = {
        let mut conn = sqlx_conn(&dir).await;
        let name: String =
            sqlx::query_scalar("SELECT file_name FROM punch_in_photos WHERE id = ?1")
                .bind(&ids[0])
                .fetch_one(&mut conn)
                .await
                .unwrap();
        name
    };
    assert!(photo_path(dir.path(), &file_of_first).unwrap().exists());
    store.delete_punch_in(&saved.id.to_string(), evening()).await.unwrap();
    assert!(store.records().await.unwrap().journal.photos.is_empty());
    let removed = store.prune_photos(evening()).await.unwrap();
    assert_eq!(removed, 6, "three originals and three thumbnails");
    assert!(!photo_path(dir.path(), &file_of_first).unwrap().exists());
}

#[tokio::test]
async fn photos_are_refused_when_unknown_or_too_many_and_nothing_changes() {
    let (dir, store) = onboarded().await;
    let src = TempDir::new().unwrap();
    let subject = store.profile().await.unwrap().subjects[0].id.to_string();
    let ids = pick(&store, &src, 10).await;

    let err = store.save_punch_in(&input(&subject, ids.clone()), evening()).await.unwrap_err();
    assert!(invalid_fields(err).contains(&("photos".into(), Invalid::TooManyPhotos { max: 9 })));

    let made_up = "0192f0c1-0000-7000-8000-000000000000".to_owned();
    let err =
        store.save_punch_in(&input(&subject, vec![made_up.clone()]), evening()).await.unwrap_err();
    assert_eq!(
        invalid_fields(err),
        [("photos.0".to_owned(), Invalid::UnknownId { value: made_up })]
    );
    let err = store
        .save_punch_in(&input(&subject, vec!["../../etc/passwd".into()]), evening())
        .await
        .unwrap_err();
    assert!(matches!(invalid_fields(err)[0].1, Invalid::UnknownId { .. }));
    assert_eq!(common::count(&dir, "SELECT count(*) FROM punch_ins").await, 0);
    assert_eq!(
        common::count(&dir, "SELECT count(*) FROM punch_in_photos WHERE punch_in_id IS NOT NULL")
            .await,
        0
    );

    // A photo-only punch-in is a punch-in.
    let only_photo = PunchInInput { minutes: vec![], ..input(&subject, vec![ids[0].clone()]) };
    store.save_punch_in(&only_photo, evening()).await.unwrap();

    // Picked but never saved: kept for a day, then forgotten with their files.
    assert_eq!(store.prune_photos(evening()).await.unwrap(), 0);
    let removed = store.prune_photos(evening() + Duration::hours(25)).await.unwrap();
    assert_eq!(removed, 18, "nine unsaved photos and their thumbnails");
    assert_eq!(common::count(&dir, "SELECT count(*) FROM punch_in_photos").await, 1);
}

async fn sqlx_conn(dir: &TempDir) -> sqlx::SqliteConnection {
    use sqlx::Connection;
    let url = format!("sqlite://{}", dir.path().join("daka.sqlite3").display());
    sqlx::SqliteConnection::connect(&url).await.unwrap()
}

#[tokio::test]
async fn photos_travel_in_the_export_and_come_back_on_restore() {
    let (dir, store) = onboarded().await;
    let src = TempDir::new().unwrap();
    let subject = store.profile().await.unwrap().subjects[0].id.to_string();
    let ids = pick(&store, &src, 2).await;
    let saved = store.save_punch_in(&input(&subject, ids.clone()), evening()).await.unwrap();
    let zip = src.path().join("export.zip");
    store.export_to(&zip, evening(), "test").await.unwrap();

    let fresh = TempDir::new().unwrap();
    let restored = Store::open(fresh.path(), evening()).await.unwrap();
    restored.import_from(&zip, daka_store::ImportMode::Restore, evening(), &|_| {}).await.unwrap();
    let got = restored.records().await.unwrap().journal.photos_of(saved.id);
    let want = store.records().await.unwrap().journal.photos_of(saved.id);
    assert_eq!(got, want);
    for id in &ids {
        assert!(restored.photo_thumbnail(id).await.unwrap().starts_with("data:image/jpeg"));
    }
    // The originals byte for byte.
    let mut conn = sqlx_conn(&dir).await;
    let names: Vec<String> = sqlx::query_scalar("SELECT file_name FROM punch_in_photos")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    for name in names {
        let a = std::fs::read(photo_path(dir.path(), &name).unwrap()).unwrap();
        let b = std::fs::read(photo_path(fresh.path(), &name).unwrap()).unwrap();
        assert_eq!(a, b);
    }
    // Nothing is swept: every file is referenced.
    assert_eq!(restored.prune_photos(evening()).await.unwrap(), 0);
}

#[tokio::test]
async fn an_export_whose_photo_file_is_missing_changes_nothing() {
    let (_dir, store) = onboarded().await;
    let src = TempDir::new().unwrap();
    let subject = store.profile().await.unwrap().subjects[0].id.to_string();
    let ids = pick(&store, &src, 1).await;
    store.save_punch_in(&input(&subject, ids), evening()).await.unwrap();
    let zip = src.path().join("export.zip");
    store.export_to(&zip, evening(), "test").await.unwrap();

    // Rebuild the ZIP without its photos/ members.
    let cut = src.path().join("cut.zip");
    {
        let mut from = zip::ZipArchive::new(std::fs::File::open(&zip).unwrap()).unwrap();
        let mut to = zip::ZipWriter::new(std::fs::File::create(&cut).unwrap());
        for i in 0..from.len() {
            let entry = from.by_index(i).unwrap();
            if !entry.name().unwrap().starts_with("photos/") {
                to.raw_copy_file(entry).unwrap();
            }
        }
        to.finish().unwrap();
    }
    let fresh = TempDir::new().unwrap();
    let restored = Store::open(fresh.path(), evening()).await.unwrap();
    let err = restored
        .import_from(&cut, daka_store::ImportMode::Restore, evening(), &|_| {})
        .await
        .unwrap_err();
    assert!(err.to_string().contains("missing"), "{err}");
    assert!(matches!(restored.records().await, Err(daka_store::StoreError::NotOnboarded)));
}

#[tokio::test]
async fn a_photo_record_naming_a_file_outside_the_photos_folder_is_refused() {
    let (_dir, store) = onboarded().await;
    let src = TempDir::new().unwrap();
    let subject = store.profile().await.unwrap().subjects[0].id.to_string();
    let ids = pick(&store, &src, 1).await;
    store.save_punch_in(&input(&subject, ids), evening()).await.unwrap();
    let zip = src.path().join("export.zip");
    store.export_to(&zip, evening(), "test").await.unwrap();

    for hostile in ["../../daka.sqlite3", "/etc/passwd", "x.jpg", ""] {
        let mut records =
            daka_archive::read_archive(&zip, daka_archive::Limits::default()).unwrap();
        for r in &mut records {
            if let daka_archive::Record::PunchInPhoto { file_name, .. } = r {
                *file_name = hostile.into();
            }
        }
        let bad = src.path().join("bad.jsonl");
        let lines: Vec<String> =
            records.iter().map(|r| serde_json::to_string(r).unwrap()).collect();
        std::fs::write(&bad, lines.join("\n")).unwrap();
        let fresh = TempDir::new().unwrap();
        let target = Store::open(fresh.path(), evening()).await.unwrap();
        let err = target
            .import_from(&bad, daka_store::ImportMode::Restore, evening(), &|_| {})
            .await
            .unwrap_err();
        assert!(err.to_string().contains("file name"), "{hostile}: {err}");
        assert!(matches!(target.records().await, Err(daka_store::StoreError::NotOnboarded)));
        assert!(!fresh.path().join("photos").exists(), "{hostile}: nothing copied");
    }
}
