//! The snapshot's file: written as careful tools write a file, whole or not at all, and never
//! through a name someone else could have planted beside it.

use std::io::{self, Write as _};
use std::path::Path;

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
  builder.tempfile_in(folder)
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
