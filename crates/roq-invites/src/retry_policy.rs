//! The retry policy: how many times a call is retried, and how long to wait before each retry.
//! Backoff is exponential with full jitter (a random wait between 0 and `min(cap, base * 2^n)`),
//! and a `Retry-After` from the platform wins, up to [`MAX_RETRY_AFTER`]. Plain data, kept by the
//! configuration (`config.rs`) and read by the attempt loop (`retry.rs`).

use std::time::Duration;

use rand::Rng as _;

use crate::error::Error;
use crate::retry_after::MAX_RETRY_AFTER;

/// How many times a call is retried, and how long to wait between attempts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
  /// Retries after the first attempt; 0 turns retries off.
  pub max_retries: u32,
  /// The first backoff's upper bound; each retry doubles it.
  pub base: Duration,
  /// The largest backoff of our own (a `Retry-After` may ask for longer, up to a minute).
  pub cap: Duration,
}

impl Default for RetryPolicy {
  fn default() -> Self {
    Self {
      max_retries: 2,
      base: Duration::from_millis(500),
      cap: Duration::from_secs(8),
    }
  }
}

impl RetryPolicy {
  /// How long to wait before retry number `retry` (from 0) after `error`.
  pub(crate) fn backoff(&self, retry: u32, error: &Error) -> Duration {
    if let Some(after) = error.retry_after() {
      return after.min(MAX_RETRY_AFTER);
    }
    let ceiling = self.base.saturating_mul(2u32.saturating_pow(retry)).min(self.cap);
    ceiling.mul_f64(rand::rng().random::<f64>())
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  fn status(code: u16) -> Error {
    Error::from_platform(code, None, "x")
  }

  #[test]
  fn backs_off_with_full_jitter_under_a_doubling_cap() {
    let policy = RetryPolicy::default();
    let error = status(503);
    for retry in 0..6 {
      let ceiling = Duration::from_millis(500 * 2u64.pow(retry)).min(Duration::from_secs(8));
      for _ in 0..50 {
        assert!(policy.backoff(retry, &error) <= ceiling, "retry {retry}");
      }
    }
    let waits: Vec<_> = (0..50).map(|_| policy.backoff(3, &error)).collect();
    assert!(
      waits.iter().any(|w| *w < Duration::from_secs(2)) && waits.iter().any(|w| *w > Duration::from_secs(2)),
      "jittered"
    );
  }

  #[test]
  fn honours_retry_after_capped() {
    let error = status(429).with_retry_after(Duration::from_secs(3600));
    assert_eq!(RetryPolicy::default().backoff(0, &error), MAX_RETRY_AFTER);
    let error = status(503).with_retry_after(Duration::from_secs(3));
    assert_eq!(RetryPolicy::default().backoff(5, &error), Duration::from_secs(3));
  }
}
