//! How many requests each endpoint has answered, counted as they come (`emulator.stats()`).

use std::sync::atomic::{AtomicU64, Ordering};

/// How many requests each endpoint has answered: lets tests see how often a client fetched a
/// token.
#[derive(Default)]
pub struct Counters {
  pub service_account_tokens: AtomicU64,
  pub user_tokens: AtomicU64,
  pub graphql: AtomicU64,
  pub faults: AtomicU64,
  pub rate_limited: AtomicU64,
}

/// How many requests each endpoint of the emulator has answered: a snapshot of its counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(rename = "EmulatorStats"))]
pub struct Stats {
  pub service_account_tokens: u64,
  pub user_tokens: u64,
  pub graphql: u64,
  /// Requests a fault slowed down or spoiled.
  pub faults: u64,
  /// GraphQL requests the rate limit refused (429).
  pub rate_limited: u64,
}

impl Counters {
  pub fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
  }

  pub fn snapshot(&self) -> Stats {
    Stats {
      service_account_tokens: self.service_account_tokens.load(Ordering::Relaxed),
      user_tokens: self.user_tokens.load(Ordering::Relaxed),
      graphql: self.graphql.load(Ordering::Relaxed),
      faults: self.faults.load(Ordering::Relaxed),
      rate_limited: self.rate_limited.load(Ordering::Relaxed),
    }
  }
}
