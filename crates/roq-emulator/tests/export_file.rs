//! `exportOnExit`'s file: written whole through a temporary file of its own (never through a
//! name another user could have planted), with no temporary file left after a failure.

use std::fs;
use std::path::{Path, PathBuf};

use roq_emulator::{Emulator, EmulatorOptions};

async fn exporting_to(path: &Path) -> Emulator {
  Emulator::start(EmulatorOptions {
    export_on_exit: Some(path.to_owned()),
    ..EmulatorOptions::default()
  })
  .await
  .unwrap()
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
  let mut names: Vec<String> = fs::read_dir(dir)
    .unwrap()
    .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
    .collect();
  names.sort();
  names
}

fn is_snapshot(path: &Path) -> bool {
  let text = fs::read_to_string(path).unwrap();
  let value: serde_json::Value = serde_json::from_str(&text).unwrap();
  value["version"] == 1
}

#[cfg(unix)]
#[tokio::test]
async fn a_link_planted_where_the_snapshot_used_to_be_written_is_left_alone() {
  use std::os::unix::fs::symlink;
  let dir = tempfile::tempdir().unwrap();
  let target = dir.path().join("snapshot.json");
  let victim = dir.path().join("victim.txt");
  fs::write(&victim, "precious").unwrap();
  // Every name the old code would have written through: `<target>.partial`.
  let planted = dir.path().join("snapshot.json.partial");
  symlink(&victim, &planted).unwrap();

  let emulator = exporting_to(&target).await;
  emulator.stop().await.unwrap();

  assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
  assert_eq!(fs::read_link(&planted).unwrap(), victim);
  assert!(fs::symlink_metadata(&target).unwrap().is_file());
  assert!(is_snapshot(&target));
  assert_eq!(
    names(dir.path()),
    ["snapshot.json", "snapshot.json.partial", "victim.txt"]
  );
}

#[cfg(unix)]
#[tokio::test]
async fn a_link_at_the_target_is_replaced_as_mv_replaces_it_and_what_it_points_to_is_unchanged() {
  use std::os::unix::fs::symlink;
  let dir = tempfile::tempdir().unwrap();
  let target = dir.path().join("snapshot.json");
  let pointed = dir.path().join("elsewhere.txt");
  fs::write(&pointed, "kept").unwrap();
  symlink(&pointed, &target).unwrap();

  let emulator = exporting_to(&target).await;
  emulator.stop().await.unwrap();

  assert_eq!(fs::read_to_string(&pointed).unwrap(), "kept");
  assert!(fs::symlink_metadata(&target).unwrap().is_file());
  assert!(is_snapshot(&target));
}

#[tokio::test]
async fn a_write_that_fails_leaves_no_temporary_file() {
  let dir = tempfile::tempdir().unwrap();
  let target = dir.path().join("snapshot.json");
  let emulator = exporting_to(&target).await;
  // After the start's checks: the target has become a folder, which no file can be renamed over.
  fs::create_dir(&target).unwrap();

  let error = emulator.stop().await.unwrap_err();
  assert_eq!(error.path, target);
  assert_eq!(names(dir.path()), ["snapshot.json"]);
  assert!(names(&target).is_empty());
}

#[cfg(unix)]
#[tokio::test]
async fn a_new_file_is_made_as_the_users_files_are_and_an_existing_one_keeps_its_mode() {
  use std::os::unix::fs::PermissionsExt as _;
  let mode = |path: &PathBuf| fs::metadata(path).unwrap().permissions().mode() & 0o7777;
  let dir = tempfile::tempdir().unwrap();
  // What the umask makes of a file anyone creates (0666 asked for, as `>` and editors do).
  let usual = dir.path().join("usual.txt");
  fs::write(&usual, "").unwrap();

  let fresh = dir.path().join("fresh.json");
  exporting_to(&fresh).await.stop().await.unwrap();
  assert_eq!(mode(&fresh), mode(&usual));

  let private = dir.path().join("private.json");
  fs::write(&private, "{}").unwrap();
  fs::set_permissions(&private, fs::Permissions::from_mode(0o600)).unwrap();
  exporting_to(&private).await.stop().await.unwrap();
  assert_eq!(mode(&private), 0o600);
  assert!(is_snapshot(&private));
}

/// Starts an emulator with `options`; the message of its refusal.
async fn refusal(options: EmulatorOptions) -> String {
  match Emulator::start(options).await {
    Ok(emulator) => {
      emulator.stop().await.ok();
      panic!("it started")
    }
    Err(error) => error.to_string(),
  }
}

fn export_to(path: &Path) -> EmulatorOptions {
  EmulatorOptions {
    export_on_exit: Some(path.to_owned()),
    ..EmulatorOptions::default()
  }
}

#[tokio::test]
async fn a_target_in_a_folder_that_does_not_exist_or_that_is_a_folder_is_refused_at_start() {
  let dir = tempfile::tempdir().unwrap();
  let missing = dir.path().join("missing");
  let in_missing = missing.join("snapshot.json");
  assert_eq!(
    refusal(export_to(&in_missing)).await,
    format!(
      "exportOnExit: {}: the folder {} does not exist; create it, or pass a file in a folder that exists",
      in_missing.display(),
      missing.display()
    )
  );
  assert_eq!(
    refusal(export_to(dir.path())).await,
    format!(
      "exportOnExit: {}: is a folder; pass a file to write the snapshot to, e.g. {}",
      dir.path().display(),
      dir.path().join("snapshot.json").display()
    )
  );
  assert_eq!(
    refusal(export_to(Path::new(""))).await,
    "exportOnExit: must not be empty; pass the file to write the snapshot to, e.g. snapshot.json"
  );
  assert_eq!(names(dir.path()), Vec::<String>::new());
}

/// A folder no one may make a file in, root included (a read-only folder does not stop root).
#[cfg(target_os = "linux")]
#[tokio::test]
async fn a_target_in_a_folder_no_file_can_be_made_in_is_refused_at_start() {
  let target = Path::new("/sys/snapshot.json");
  let message = refusal(export_to(target)).await;
  assert!(
    message.starts_with("exportOnExit: /sys/snapshot.json: no file can be made in the folder /sys ("),
    "{message}"
  );
  assert!(
    message.ends_with("); pass a file in a folder you can write to"),
    "{message}"
  );
}

#[tokio::test]
async fn the_store_or_a_file_sqlite_keeps_beside_it_is_refused_at_start_however_it_is_named() {
  let dir = tempfile::tempdir().unwrap();
  let db = dir.path().join("platform.db");
  let options = |target: PathBuf| EmulatorOptions {
    db_path: Some(db.clone()),
    export_on_exit: Some(target),
    ..EmulatorOptions::default()
  };
  let said = |target: &Path, which: &str| {
    format!(
      "exportOnExit: {}: is {which} (dbPath {}), which the snapshot would replace; pass another file, e.g. snapshot.json",
      target.display(),
      db.display()
    )
  };
  // The store before it exists (the start makes it), and after.
  assert_eq!(refusal(options(db.clone())).await, said(&db, "the store"));
  assert!(db.exists());
  assert_eq!(refusal(options(db.clone())).await, said(&db, "the store"));
  let spelt = dir.path().join(".").join("platform.db");
  assert_eq!(refusal(options(spelt.clone())).await, said(&spelt, "the store"));
  for (suffix, which) in [
    ("-wal", "the store's write-ahead log"),
    ("-shm", "the store's shared memory"),
    ("-journal", "the store's journal"),
  ] {
    let beside = dir.path().join(format!("platform.db{suffix}"));
    assert_eq!(refusal(options(beside.clone())).await, said(&beside, which));
  }
  #[cfg(unix)]
  {
    // Through a link to the store, or to its folder.
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&db, &link).unwrap();
    assert_eq!(refusal(options(link.clone())).await, said(&link, "the store"));
    let folder = dir.path().join("folder");
    std::os::unix::fs::symlink(dir.path(), &folder).unwrap();
    let through = folder.join("platform.db-wal");
    assert_eq!(
      refusal(options(through.clone())).await,
      said(&through, "the store's write-ahead log")
    );
  }
  // The store is intact: it opens, and a snapshot beside it is fine.
  let beside = dir.path().join("snapshot.json");
  let emulator = Emulator::start(options(beside.clone())).await.unwrap();
  emulator.stop().await.unwrap();
  assert!(is_snapshot(&beside));
}

#[tokio::test]
async fn the_file_imported_from_may_be_the_one_exported_to() {
  let dir = tempfile::tempdir().unwrap();
  let seed = dir.path().join("seed.json");
  fs::write(
    &seed,
    r#"{ "version": 1, "invites": [{ "tenantId": "acme", "email": "ada@example.com", "createdByUserId": "owner" }] }"#,
  )
  .unwrap();
  let emulator = Emulator::start(EmulatorOptions {
    import_from: Some(roq_emulator::ImportFrom::Path(seed.clone())),
    export_on_exit: Some(seed.clone()),
    ..EmulatorOptions::default()
  })
  .await
  .unwrap();
  emulator.stop().await.unwrap();
  let written: serde_json::Value = serde_json::from_str(&fs::read_to_string(&seed).unwrap()).unwrap();
  assert_eq!(written["invites"][0]["email"], "ada@example.com");
}
