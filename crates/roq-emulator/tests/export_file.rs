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
