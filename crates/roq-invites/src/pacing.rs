//! Pacing: one gate for every GraphQL request of a client family, as Octokit's throttling plugin
//! keeps one for GitHub's limits. A 429 with `Retry-After` closes it until then, so every batch of
//! a send and every other call waits, not only the request that was told; a rate limiter then
//! paces a send instead of failing it.
//!
//! Waiting at the gate is not a retry: it spends no retry budget and counts against no
//! `maxRetries`, for as long as the platform says when to come back and the call's deadline
//! allows (see `retry.rs`).

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// When the next GraphQL request of the family may go.
#[derive(Default)]
pub(crate) struct Pacing {
  not_before: Mutex<Option<Instant>>,
}

impl Pacing {
  /// Holds every request back for `wait` from now (a later time already set stays).
  pub fn hold_for(&self, wait: Duration) {
    let until = Instant::now() + wait;
    let mut not_before = self.not_before.lock().unwrap_or_else(PoisonError::into_inner);
    if not_before.is_none_or(|at| at < until) {
      *not_before = Some(until);
    }
  }

  /// When the gate opens, if it is closed now.
  pub fn closed_until(&self) -> Option<Instant> {
    let not_before = *self.not_before.lock().unwrap_or_else(PoisonError::into_inner);
    not_before.filter(|at| *at > Instant::now())
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn the_gate_stays_closed_until_the_latest_time_it_was_told() {
    let pacing = Pacing::default();
    assert_eq!(pacing.closed_until(), None);
    pacing.hold_for(Duration::from_secs(30));
    let first = pacing.closed_until().expect("closed");
    pacing.hold_for(Duration::from_secs(1));
    assert_eq!(
      pacing.closed_until(),
      Some(first),
      "a shorter wait does not open it early"
    );
    pacing.hold_for(Duration::from_secs(60));
    assert!(pacing.closed_until().expect("closed") > first);
    pacing.hold_for(Duration::ZERO);
    assert!(pacing.closed_until().is_some());
  }
}
