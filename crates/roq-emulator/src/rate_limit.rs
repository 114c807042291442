//! The rate limiter: at most `requests` GraphQL requests of the environment in any `windowMs`,
//! as a real platform limits an app (Clerk's development instances: 100 per 10 s), answered
//! with 429 and `Retry-After` (see `server/too_many_requests.rs`). Off unless configured. Only
//! requests with the environment's valid credentials are counted: the GraphQL handlers ask once
//! the caller is known.
//!
//! A sliding log: the times of the requests let through in the last window, oldest first. It is
//! exact (never more than `requests` in any window, wherever the window starts) and tells exactly
//! when the next request will be let through: when the oldest leaves the window. A two-window
//! counter would be lighter but only approximate, and its `Retry-After` a guess; the log holds at
//! most `requests` numbers, which the largest limit keeps small. Only requests let through are
//! logged, so a client that waits as told is let through when it comes back.
//!
//! Time is the emulator's clock, as for tokens and invites: real time goes on, so a client that
//! waits is let through, and a test moves the clock on instead of sleeping.

use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};

use serde::{Deserialize, Serialize};

/// `rateLimit`: at most `requests` GraphQL requests in any `windowMs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct RateLimit {
  pub requests: u32,
  pub window_ms: u64,
}

/// The most requests a window may let through: the log holds one number for each.
pub const MAX_RATE_LIMIT_REQUESTS: u32 = 100_000;
/// The longest window: a day.
pub const MAX_RATE_LIMIT_WINDOW_MS: u64 = 86_400_000;

impl RateLimit {
  pub(crate) fn check(&self) -> Result<(), String> {
    if !(1..=MAX_RATE_LIMIT_REQUESTS).contains(&self.requests) {
      return Err(format!(
        "rateLimit.requests: must be 1 to {MAX_RATE_LIMIT_REQUESTS}; it is {}; leave rateLimit out for no limit",
        self.requests
      ));
    }
    if !(1..=MAX_RATE_LIMIT_WINDOW_MS).contains(&self.window_ms) {
      return Err(format!(
        "rateLimit.windowMs: must be 1 to {MAX_RATE_LIMIT_WINDOW_MS} (a day); it is {}",
        self.window_ms
      ));
    }
    Ok(())
  }

  /// `N/PERIOD` as typed after `--rate-limit`: `100/10s`, `20/1s`, `600/1m`, `5/500ms`, `1000/1h`
  /// (a bare unit is one of it: `20/s`).
  pub fn parse(text: &str) -> Result<Self, String> {
    let wrong = || {
      format!(
        "--rate-limit must be N/PERIOD, e.g. 100/10s, 20/1s or 600/1m (N a whole number, PERIOD a whole number of ms, s, m or h); got {text:?}"
      )
    };
    let (count, period) = text.trim().split_once('/').ok_or_else(wrong)?;
    let whole = |digits: &str| {
      (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse::<u64>().ok())
        .flatten()
    };
    let requests = whole(count).ok_or_else(wrong)?;
    let split = period.find(|c: char| !c.is_ascii_digit()).unwrap_or(period.len());
    let (amount, unit) = period.split_at(split);
    let amount = if amount.is_empty() { Some(1) } else { whole(amount) };
    let unit_ms = match unit {
      "ms" => 1,
      "s" => 1000,
      "m" => 60_000,
      "h" => 3_600_000,
      _ => return Err(wrong()),
    };
    let window_ms = amount.ok_or_else(wrong)?.checked_mul(unit_ms).ok_or_else(wrong)?;
    let limit = Self {
      requests: u32::try_from(requests).unwrap_or(u32::MAX),
      window_ms,
    };
    limit.check().map_err(|_| {
      format!("--rate-limit {text:?}: N must be 1 to {MAX_RATE_LIMIT_REQUESTS}, and PERIOD 1 ms to 24h")
    })?;
    Ok(limit)
  }
}

/// The environment's limiter (the emulator is one environment): the limit, and the log.
#[derive(Default)]
pub struct RateLimiter {
  limit: Option<RateLimit>,
  log: Mutex<VecDeque<i64>>,
}

/// What the dashboard shows: the limit and how many requests are in the window now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RateLimitState {
  pub limit: RateLimit,
  pub in_window: usize,
}

impl RateLimiter {
  pub fn new(limit: Option<RateLimit>) -> Self {
    Self {
      limit,
      log: Mutex::default(),
    }
  }

  /// The limit, if there is one.
  pub fn limit(&self) -> Option<RateLimit> {
    self.limit
  }

  /// Lets a request through and logs it; or, at the limit, says how many milliseconds until one
  /// would be let through (at least 1). `now` reads the clock (ms, the emulator's), and is called
  /// under the log's lock: a time read before it could be older than one another request has
  /// logged meanwhile, which would then look like a time that has not come yet and be forgotten,
  /// letting more than the limit through.
  pub fn admit(&self, now: impl FnOnce() -> i64) -> Result<(), u64> {
    let Some(limit) = self.limit else {
      return Ok(());
    };
    let mut log = self.log.lock().unwrap_or_else(PoisonError::into_inner);
    let now = now();
    forget_outside(&mut log, limit, now);
    if log.len() < limit.requests as usize {
      log.push_back(now);
      return Ok(());
    }
    let oldest = log.front().copied().unwrap_or(now);
    let opens = oldest.saturating_add(i64::try_from(limit.window_ms).unwrap_or(i64::MAX));
    Err(u64::try_from(opens - now).unwrap_or(0).max(1))
  }

  /// The limit and the requests in its window now (`now` read under the lock, as for
  /// [`Self::admit`]); none when there is no limit.
  pub fn state(&self, now: impl FnOnce() -> i64) -> Option<RateLimitState> {
    let limit = self.limit?;
    let mut log = self.log.lock().unwrap_or_else(PoisonError::into_inner);
    forget_outside(&mut log, limit, now());
    Some(RateLimitState {
      limit,
      in_window: log.len(),
    })
  }
}

/// Drops the requests that are out of the window ending at `now`: older than it, or later than
/// `now` (the clock was moved back past them: they have not happened yet, by the new clock). The
/// log is in order, oldest first, since every time in it was read under the lock and a later
/// time than `now` is dropped before `now` is logged; so both ends are trimmed where they are.
fn forget_outside(log: &mut VecDeque<i64>, limit: RateLimit, now: i64) {
  let start = now.saturating_sub(i64::try_from(limit.window_ms).unwrap_or(i64::MAX));
  while log.front().is_some_and(|&at| at <= start) {
    log.pop_front();
  }
  while log.back().is_some_and(|&at| at > now) {
    log.pop_back();
  }
}

/// `Retry-After` for a wait of `ms`: whole seconds, rounded up, at least 1.
pub fn retry_after_seconds(ms: u64) -> u64 {
  ms.div_ceil(1000).max(1)
}

#[cfg(test)]
mod tests {
  use std::sync::atomic::{AtomicI64, Ordering};

  use super::*;

  fn limiter_of(requests: u32, window_ms: u64) -> RateLimiter {
    RateLimiter::new(Some(RateLimit { requests, window_ms }))
  }

  #[test]
  fn at_most_n_in_any_window_and_the_wait_is_until_the_oldest_leaves() {
    let limiter = limiter_of(3, 1000);
    assert_eq!(limiter.admit(|| 0), Ok(()));
    assert_eq!(limiter.admit(|| 400), Ok(()));
    assert_eq!(limiter.admit(|| 900), Ok(()));
    assert_eq!(limiter.admit(|| 950), Err(50));
    // A refusal is not logged: the wait does not grow while a client knocks.
    assert_eq!(limiter.admit(|| 999), Err(1));
    assert_eq!(limiter.admit(|| 1000), Ok(()));
    assert_eq!(limiter.admit(|| 1001), Err(399));
    // Sliding, not fixed: 400, 900 and 1000 are still in the window ending at 1399.
    assert_eq!(limiter.admit(|| 1399), Err(1));
    assert_eq!(limiter.admit(|| 1400), Ok(()));
    assert_eq!(limiter.state(|| 1400).map(|s| s.in_window), Some(3));
    assert_eq!(limiter.state(|| 5000).map(|s| s.in_window), Some(0));
  }

  #[test]
  fn no_limit_lets_everything_through() {
    let limiter = RateLimiter::default();
    assert!((0..10_000).all(|n| limiter.admit(|| n % 3).is_ok()));
    assert_eq!(limiter.state(|| 0), None);
  }

  #[test]
  fn a_clock_moved_back_forgets_what_has_not_happened_yet() {
    let limiter = limiter_of(1, 60_000);
    assert_eq!(limiter.admit(|| 100_000), Ok(()));
    assert_eq!(limiter.admit(|| 100_001), Err(59_999));
    assert_eq!(limiter.admit(|| 10_000), Ok(()));

    // Back past some of the log, not all: what is still in the past stays counted.
    let limiter = limiter_of(3, 60_000);
    for at in [100, 200, 300] {
      assert_eq!(limiter.admit(|| at), Ok(()));
    }
    assert_eq!(limiter.state(|| 150).map(|s| s.in_window), Some(1));
    assert_eq!(limiter.admit(|| 160), Ok(()));
    assert_eq!(limiter.admit(|| 170), Ok(()));
    assert_eq!(limiter.admit(|| 180), Err(59_920));
  }

  /// `threads` threads each ask `each` times, against a clock that moves on by 1 ms at every
  /// reading (so no two requests share a time, and the window slides while they ask); the times
  /// let through, in order.
  fn hammered(limit: RateLimit, threads: usize, each: usize) -> Vec<i64> {
    let limiter = RateLimiter::new(Some(limit));
    let clock = AtomicI64::new(0);
    let mut admitted: Vec<i64> = std::thread::scope(|scope| {
      let workers: Vec<_> = (0..threads)
        .map(|_| {
          scope.spawn(|| {
            let mut mine = Vec::new();
            for _ in 0..each {
              let mut read = 0;
              let asked = limiter.admit(|| {
                read = clock.fetch_add(1, Ordering::SeqCst);
                read
              });
              if asked.is_ok() {
                mine.push(read);
              }
            }
            mine
          })
        })
        .collect();
      workers
        .into_iter()
        .flat_map(|worker| worker.join().expect("a thread of the test panicked"))
        .collect()
    });
    admitted.sort_unstable();
    admitted
  }

  #[test]
  fn many_threads_at_once_get_exactly_the_limit_through_a_window_they_overflow() {
    let window_ms = 1 << 40; // nothing leaves it during the test
    let admitted = hammered(
      RateLimit {
        requests: 10_000,
        window_ms,
      },
      16,
      2500,
    );
    assert_eq!(admitted.len(), 10_000);
  }

  #[test]
  fn many_threads_at_once_never_get_more_than_the_limit_into_any_window() {
    let (requests, window_ms) = (100, 1000);
    let admitted = hammered(RateLimit { requests, window_ms }, 16, 5000);
    // The (n+1)-th request after any one let through comes a whole window or more after it.
    let n = requests as usize;
    for run in admitted.windows(n + 1) {
      assert!(
        run[n] - run[0] >= window_ms as i64,
        "{} requests let through between {} and {}, in less than {window_ms} ms",
        n + 1,
        run[0],
        run[n]
      );
    }
    // And the limiter did let requests through all along, not only at the start.
    assert!(admitted.len() > 10 * n, "{} let through", admitted.len());
  }

  #[test]
  fn retry_after_is_whole_seconds_rounded_up_and_at_least_one() {
    let cases = [(1, 1), (999, 1), (1000, 1), (1001, 2), (59_999, 60)];
    for (ms, seconds) in cases {
      assert_eq!(retry_after_seconds(ms), seconds, "{ms}");
    }
  }

  #[test]
  fn the_flag_reads_n_per_period() {
    let parsed = |text: &str| RateLimit::parse(text).map(|l| (l.requests, l.window_ms));
    assert_eq!(parsed("100/10s"), Ok((100, 10_000)));
    assert_eq!(parsed("20/1s"), Ok((20, 1000)));
    assert_eq!(parsed("600/1m"), Ok((600, 60_000)));
    assert_eq!(parsed("20/s"), Ok((20, 1000)));
    assert_eq!(parsed("5/500ms"), Ok((5, 500)));
    assert_eq!(parsed("1000/1h"), Ok((1000, 3_600_000)));
    for wrong in [
      "100", "100/", "/10s", "x/10s", "-1/1s", "1.5/1s", "10/10", "10/10d", "10/1.5s", "10/ 1s",
    ] {
      assert_eq!(
        RateLimit::parse(wrong).unwrap_err(),
        format!(
          "--rate-limit must be N/PERIOD, e.g. 100/10s, 20/1s or 600/1m (N a whole number, PERIOD a whole number of ms, s, m or h); got {wrong:?}"
        )
      );
    }
    for out_of_range in ["0/1s", "100001/1s", "10/25h", "10/0s"] {
      assert_eq!(
        RateLimit::parse(out_of_range).unwrap_err(),
        format!("--rate-limit {out_of_range:?}: N must be 1 to 100000, and PERIOD 1 ms to 24h")
      );
    }
  }
}
