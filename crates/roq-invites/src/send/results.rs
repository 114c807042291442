//! What a send reports: what became of each entry, the invites the platform created as JSON, and
//! how far it has come.

use serde::Serialize;

use crate::types::{SentInvite, UserInviteError};

/// What became of one entry: an invite that stands for it, or why not.
pub type EntryResult = std::result::Result<SentInvite, UserInviteError>;

/// Invites the platform created, as JSON: an array per invite (the fields of `UserInvite` in
/// their declared order, then `index` and `outcome`), separated by commas: the inside of an
/// array. An array of arrays is about half the work of an array of objects for `JSON.parse`.
#[derive(Clone, Debug, Default)]
pub struct SentJson {
  pub json: String,
  pub count: usize,
}

impl SentJson {
  /// Where the next invite's array goes.
  pub(super) fn next(&mut self) -> &mut String {
    if self.count > 0 {
      self.json.push(',');
    }
    self.count += 1;
    &mut self.json
  }

  pub(super) fn append(&mut self, other: SentJson) {
    if self.count == 0 {
      *self = other;
    } else if other.count > 0 {
      self.json.push(',');
      self.json.push_str(&other.json);
      self.count += other.count;
    }
  }
}

/// How far a `sendUserInvites` has come, after each batch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(rename = "SendProgress"))]
pub struct Progress {
  pub completed: usize,
  pub total: usize,
  pub succeeded: usize,
  pub failed: usize,
}

impl Progress {
  pub(super) fn record<'a>(&mut self, results: impl Iterator<Item = &'a EntryResult>) {
    for result in results {
      self.completed += 1;
      match result {
        Ok(_) => self.succeeded += 1,
        Err(_) => self.failed += 1,
      }
    }
  }
}
