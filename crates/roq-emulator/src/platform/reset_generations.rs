//! Each reset is a generation (see `reset.rs`): the number a user token carries from its issue,
//! the floor a reset of every tenant sets, as the store's settings keep them, and the last few
//! resets with what they removed, which the dashboard's notice names by their generation.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Mutex, PoisonError};

use rusqlite::Connection;
use serde::Serialize;

/// What a reset empties.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResetScope {
  /// One tenant, by its id exactly.
  Tenant(String),
  /// Every tenant, and the fault queue.
  Every,
}

/// What a reset removed, by kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(rename = "ResetCounts"))]
pub struct Removed {
  pub invites: u64,
  pub mails: u64,
  pub users: u64,
  /// The steps of the invites' histories (each also a webhook event, when webhooks are
  /// configured).
  pub events: u64,
  /// The accept links that resends had replaced.
  pub replaced_tokens: u64,
  pub webhook_deliveries: u64,
  /// Queued faults: only a reset of every tenant removes them.
  pub faults: u64,
}

/// A reset that was carried out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Done {
  /// Its generation: the number of resets the store has seen, this one included.
  pub generation: i64,
  pub scope: ResetScope,
  pub removed: Removed,
}

/// The resets so far: the generation and the floor (as the store's settings keep them), and the
/// last few resets, which the dashboard's notice names by their generation.
pub struct Resets {
  generation: AtomicI64,
  floor: AtomicI64,
  recent: Mutex<VecDeque<Done>>,
}

/// The store's settings that keep the generation of the last reset, and of the last reset of
/// every tenant.
pub(crate) const GENERATION: &str = "resetGeneration";
pub(crate) const FLOOR: &str = "resetFloor";

/// How many resets the dashboard's notice can still name.
const RECENT: usize = 32;

impl Resets {
  /// The generation and floor a store has reached (0 for a store that was never reset).
  pub fn load(connection: &Connection) -> rusqlite::Result<Self> {
    let setting = |key: &str| -> rusqlite::Result<i64> {
      connection.query_row(
        "SELECT coalesce((SELECT CAST(value AS INTEGER) FROM settings WHERE key = ?1), 0)",
        [key],
        |row| row.get(0),
      )
    };
    Ok(Self {
      generation: AtomicI64::new(setting(GENERATION)?),
      floor: AtomicI64::new(setting(FLOOR)?),
      recent: Mutex::new(VecDeque::new()),
    })
  }

  /// The generation a user token issued now carries. Read it under the store's lock, in the
  /// same unit of work that finds or registers the user, so that no reset falls between.
  pub fn generation(&self) -> i64 {
    self.generation.load(Ordering::Acquire)
  }

  /// The generation of the last reset of every tenant: a user token issued before it acts
  /// nowhere.
  pub fn floor(&self) -> i64 {
    self.floor.load(Ordering::Acquire)
  }

  /// A reset of the last few, by its generation.
  pub fn recent(&self, generation: i64) -> Option<Done> {
    let recent = self.recent.lock().unwrap_or_else(PoisonError::into_inner);
    recent.iter().find(|done| done.generation == generation).cloned()
  }

  /// Called under the store's lock, once the reset is committed.
  pub(crate) fn advance(&self, done: &Done) {
    if done.scope == ResetScope::Every {
      self.floor.store(done.generation, Ordering::Release);
    }
    self.generation.store(done.generation, Ordering::Release);
    let mut recent = self.recent.lock().unwrap_or_else(PoisonError::into_inner);
    if recent.len() == RECENT {
      recent.pop_front();
    }
    recent.push_back(done.clone());
  }
}
