//! The snapshot's file: checked when the emulator starts (`exportOnExit`), so that a session is
//! not lost at its end, and written as careful tools write a file, whole or not at all, and never
//! through a name someone else could have planted beside it.

use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use tempfile::{Builder, NamedTempFile};

/// Writes `text` to `path` whole or not at all: into a temporary file made in the target's folder
/// exclusively (`O_CREAT | O_EXCL` with a random name, so that no file or link another user put
/// there is opened, let alone followed), flushed to disk, then renamed over the target. The
/// rename replaces the target's name: a symlink there is replaced, not followed, as `mv` does.
/// On any failure the temporary file is removed.
pub(crate) fn write(path: &Path, text: &str) -> io::Result<()> {
  let folder = folder_of(path);
  let mut file = temporary_in(folder)?;
  file.write_all(text.as_bytes())?;
  keep_mode(path, &file)?;
  file.as_file().sync_all()?;
  file.persist(path).map_err(|failed| failed.error)?;
  sync_folder(folder);
  Ok(())
}

/// Checks where the snapshot is to be written, when the emulator starts: the target is not a
/// folder, its folder exists and a file can be made there (one is made and removed), and it is
/// not the store (`store`: its path and the name of its option, `dbPath` or `--db`) nor one of
/// the files SQLite keeps beside it. Gives the absolute path to write at stop (the process may
/// change its folder meanwhile); the error says what is wrong and what to do, for the caller to
/// put the option's name in front.
pub(crate) fn check_target(path: &Path, store: Option<(&Path, &str)>) -> Result<PathBuf, String> {
  if path.as_os_str().is_empty() {
    return Err("must not be empty; pass the file to write the snapshot to, e.g. snapshot.json".to_owned());
  }
  let given = path.display();
  let absolute = std::path::absolute(path).map_err(|e| format!("{given}: {e}"))?;
  if fs::metadata(&absolute).is_ok_and(|found| found.is_dir()) {
    return Err(format!(
      "{given}: is a folder; pass a file to write the snapshot to, e.g. {}",
      path.join("snapshot.json").display()
    ));
  }
  let folder = folder_of(&absolute);
  let shown = folder_of(path).display();
  match fs::metadata(folder) {
    Ok(found) if found.is_dir() => {}
    Ok(_) => return Err(format!("{given}: {shown} is not a folder")),
    Err(e) if e.kind() == io::ErrorKind::NotFound => {
      return Err(format!(
        "{given}: the folder {shown} does not exist; create it, or pass a file in a folder that exists"
      ));
    }
    Err(e) => return Err(format!("{given}: the folder {shown} cannot be used ({e})")),
  }
  // Made and removed (when dropped): the write at stop makes its file the same way.
  temporary_in(folder).map_err(|e| {
    format!("{given}: no file can be made in the folder {shown} ({e}); pass a file in a folder you can write to")
  })?;
  if let Some((store, option)) = store
    && let Some(which) = store_file(&absolute, store)
  {
    return Err(format!(
      "{given}: is {which} ({option} {}), which the snapshot would replace; pass another file, e.g. snapshot.json",
      store.display()
    ));
  }
  Ok(absolute)
}

/// Which of the store's files `target` is, if any: the database, or the journal, write-ahead log
/// or shared memory SQLite keeps beside it. By name, with the folders resolved (a file that does
/// not exist yet has a name too), and by identity where both exist.
fn store_file(target: &Path, store: &Path) -> Option<&'static str> {
  let targets = names_of(target);
  let stores = names_of(store);
  let files = [
    ("", "the store"),
    ("-journal", "the store's journal"),
    ("-wal", "the store's write-ahead log"),
    ("-shm", "the store's shared memory"),
  ];
  files.into_iter().find_map(|(suffix, which)| {
    stores
      .iter()
      .any(|store| {
        let mut file = store.clone().into_os_string();
        file.push(suffix);
        let file = PathBuf::from(file);
        targets.contains(&file) || same_file::is_same_file(target, &file).unwrap_or(false)
      })
      .then_some(which)
  })
}

/// The names `path` is known by: as a rename sees it (its folder resolved, its own name as
/// given, which may be a link), and as SQLite opens it (every link followed), if it exists.
fn names_of(path: &Path) -> Vec<PathBuf> {
  let mut names = Vec::new();
  if let Ok(absolute) = std::path::absolute(path) {
    let resolved = match (fs::canonicalize(folder_of(&absolute)), absolute.file_name()) {
      (Ok(folder), Some(name)) => folder.join(name),
      _ => absolute,
    };
    names.push(resolved);
  }
  if let Ok(real) = fs::canonicalize(path) {
    names.push(real);
  }
  names
}

/// The folder a file of `path` is made in: its parent, or the current folder for a bare name.
pub(crate) fn folder_of(path: &Path) -> &Path {
  match path.parent() {
    Some(parent) if !parent.as_os_str().is_empty() => parent,
    _ => Path::new("."),
  }
}

/// A new, empty file in `folder`, removed when dropped unless persisted. A snapshot is meant
/// for a repository, to be read by the team's tools: it is made as any file the user creates,
/// 0666 less the umask (0644 as a rule), not with the temporary file's usual 0600.
pub(crate) fn temporary_in(folder: &Path) -> io::Result<NamedTempFile> {
  let mut builder = Builder::new();
  builder.prefix(".roq-snapshot-").suffix(".tmp");
  #[cfg(unix)]
  {
    use std::os::unix::fs::PermissionsExt as _;
    builder.permissions(std::fs::Permissions::from_mode(0o666));
  }
  // The system's error alone: tempfile adds the random name, of a file that was never made.
  builder
    .tempfile_in(folder)
    .map_err(|error| error.raw_os_error().map_or(error, io::Error::from_raw_os_error))
}

/// An existing file's mode is kept: whoever made the snapshot 0600 (or 0664 for a group) meant
/// it. Only a regular file's, not a link's target's: the link itself is what is replaced.
fn keep_mode(path: &Path, file: &NamedTempFile) -> io::Result<()> {
  #[cfg(unix)]
  if let Ok(existing) = std::fs::symlink_metadata(path)
    && existing.is_file()
  {
    file.as_file().set_permissions(existing.permissions())?;
  }
  #[cfg(not(unix))]
  let _ = (path, file);
  Ok(())
}

/// Makes the rename itself durable. Best effort: the file is in place by now, and some file
/// systems refuse to sync a folder.
fn sync_folder(folder: &Path) {
  #[cfg(unix)]
  if let Ok(folder) = std::fs::File::open(folder) {
    let _ = folder.sync_all();
  }
  #[cfg(not(unix))]
  let _ = folder;
}
