//! Snapshots: the emulator's data as one JSON file that a team can commit, review and start
//! from (`emulator.export()`, `GET /__emulator/export`, `--export-on-exit`; `--import`,
//! `importFrom`), as Firebase's `--import`/`--export-on-exit` and Supabase's `seed.sql` do.
//!
//! The format (`format.rs`) is typed serde structs, read straight from the text after one pass
//! over it (`duplicate_keys.rs`), then checked as untrusted input (`checks.rs`); `export.rs` and
//! `import.rs` move it out of and into the store, `file.rs` writes it whole or not at all. Here:
//! the snapshot of a running emulator, within the size an import reads, made off the server's
//! workers.

mod checks;
mod duplicate_keys;
mod export;
mod file;
pub(crate) mod format;
mod import;

use std::path::PathBuf;
use std::sync::Arc;

use crate::platform::Platform;
use crate::problem::Problem;

use export::export;
pub(crate) use file::check_target;
use format::{MAX_SNAPSHOT_BYTES, Snapshot, limit_in_words, to_text};
pub(crate) use import::import;

impl Platform {
  /// The data as a snapshot, at the emulator clock's now, read from a copy of the store (so that
  /// the store's lock is held only while the copy is taken); refused if its text would be more
  /// than [`MAX_SNAPSHOT_BYTES`], which no import would read. Every export goes through here.
  pub fn snapshot(&self) -> Result<Snapshot, Problem> {
    self.snapshot_of_at_most(MAX_SNAPSHOT_BYTES)
  }

  /// The snapshot, if its text is at most `most` bytes.
  fn snapshot_of_at_most(&self, most: usize) -> Result<Snapshot, Problem> {
    let snapshot = export(self, self.clock.now_ms())?;
    if !text_fits(&snapshot, most) {
      return Err(Problem::Conflict(format!(
        "The snapshot would be more than {}, the largest one an import reads (MAX_SNAPSHOT_BYTES), so it is not written; remove what you do not need (POST /__emulator/reset with a tenantId, or emulator.reset({{ tenantId }})) and export again",
        if most == MAX_SNAPSHOT_BYTES {
          limit_in_words()
        } else {
          format!("{most} bytes")
        }
      )));
    }
    Ok(snapshot)
  }
}

/// Whether [`to_text`]'s text of `snapshot` is at most `most` bytes: counted without being
/// written, and no further than just past `most`.
fn text_fits(snapshot: &Snapshot, most: usize) -> bool {
  struct Counter {
    // Room left for the text, its final newline counted.
    left: usize,
  }
  impl std::io::Write for Counter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
      self.left = self
        .left
        .checked_sub(bytes.len())
        .ok_or_else(|| std::io::Error::other("past the limit"))?;
      Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
      Ok(())
    }
  }
  let Some(left) = most.checked_sub(1) else {
    return false;
  };
  serde_json::to_writer_pretty(&mut Counter { left }, snapshot).is_ok()
}

/// The snapshot's file text: what `GET /__emulator/export` answers, `emulator.export()` resolves
/// to and the export at stop writes. Made on tokio's blocking threads, as is [`write_file`]: a
/// large store takes a second or more to read and write out, which must not hold a worker of
/// the server (or of the addon's runtime) and the requests waiting on it.
pub(crate) async fn text(platform: Arc<Platform>) -> Result<String, Problem> {
  off_the_workers(move || platform.snapshot().map(|snapshot| to_text(&snapshot)))
    .await
    .and_then(|made| made)
}

/// Writes the snapshot to `path` whole or not at all (see [`file::write`]), so that a stop cut
/// short never leaves half a snapshot where the last one was.
pub(crate) async fn write_file(platform: Arc<Platform>, path: PathBuf) -> std::io::Result<()> {
  let failed = |problem: Problem| std::io::Error::other(problem.message().to_owned());
  off_the_workers(move || file::write(&path, &to_text(&platform.snapshot().map_err(failed)?)))
    .await
    .map_err(failed)?
}

async fn off_the_workers<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, Problem> {
  tokio::task::spawn_blocking(work)
    .await
    .map_err(|failed| Problem::Internal(format!("the export failed: {failed}")))
}

#[cfg(test)]
mod export_tests;
#[cfg(test)]
mod round_trip_tests;
#[cfg(test)]
mod tests;
