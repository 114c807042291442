//! Retries: the one attempt loop that single calls and the batches of a send go through, which
//! failures another attempt can fix, how long to wait before it, and a budget shared by a client
//! family so that a failing platform is not stormed.
//!
//! What may be sent again after a lost answer is the attempt's to say (`Attempt::Failed`'s
//! `replayable`): a read may, a mutation may not, and a batch of a send may once the platform has
//! been asked which of its invites it created. Backoff is exponential with full jitter (a random
//! wait between 0 and `min(cap, base * 2^n)`), and a `Retry-After` from the platform wins, up to
//! a minute. The budget is a token bucket as in
//! aws-sdk-rust: 500 tokens, a retry costs 5 (10 after a timeout or a broken connection), and
//! every success puts one back. When it runs dry, failures are returned at once.
//!
//! A 429 with a `Retry-After` of at most a minute is pacing, not failure (`pacing.rs`): it
//! closes the family's gate until then, and the attempt is made again when it opens, without
//! spending the budget or a retry, for as long as the deadline allows; a 429 is an answer of a
//! platform that did nothing, so even a mutation may go again. `RATE_LIMITED` is returned when
//! the gate would open past the deadline, when `maxRetries` is 0, or for a 429 without
//! `Retry-After` (or with a longer one) once the retries or the budget run out.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use rand::Rng as _;

use crate::client::Client;
use crate::error::{Error, ErrorCode, Result};

/// What one attempt came to.
pub(crate) enum Attempt<T> {
  Done(T),
  /// It failed; `replayable` says whether another attempt cannot do anything twice.
  Failed {
    error: Error,
    replayable: bool,
  },
}

/// Something the attempt loop runs: a single call ([`crate::client`]), or one batch of a send,
/// which reconciles before it says a lost answer may be replayed (`send::batching`).
pub(crate) trait Attempts {
  type Output;

  /// Makes one attempt. (A method returning a `Send` future, rather than an async closure, so
  /// that the compiler can see the future of a whole call is `Send`.)
  fn attempt(&mut self) -> impl Future<Output = Attempt<Self::Output>> + Send;
}

impl Client {
  /// The one attempt loop: runs `work` until an attempt is done, or its failure is for good: not
  /// replayable, not transient, out of retries, past the deadline (the wait included), or out of
  /// the family's budget. Waits are cut short by an abort or the deadline.
  pub(crate) async fn retrying<A: Attempts + Send>(&self, deadline: Instant, work: &mut A) -> Result<A::Output> {
    let policy = self.config().retry_policy();
    let max_retries = self.call_options().max_retries.unwrap_or(policy.max_retries);
    let mut retries = 0;
    loop {
      let (error, replayable) = match work.attempt().await {
        Attempt::Done(value) => {
          self.budget().refund();
          return Ok(value);
        }
        Attempt::Failed { error, replayable } => (error, replayable),
      };
      if let Some(wait) = pacing_wait(&error) {
        // Every request of the family waits; this call too, unless it may not be retried.
        self.pacing().hold_for(wait);
        if replayable && max_retries > 0 {
          // The next attempt waits at the gate, or ends the call if it opens past the deadline.
          continue;
        }
      }
      let wait = policy.backoff(retries, &error);
      let retry = replayable
        && retries < max_retries
        && is_transient(&error)
        && Instant::now() + wait < deadline
        && self.budget().try_spend(&error);
      if !retry {
        return Err(error);
      }
      self
        .guard(deadline, async {
          tokio::time::sleep(wait).await;
          Ok(())
        })
        .await?;
      retries += 1;
    }
  }
}

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

/// The longest `Retry-After` we wait for; a longer one is waited for this long (and the
/// deadline may end the call first).
pub(crate) const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

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

/// How long a 429 asks every request to wait, when it is pacing: a `Retry-After` of at most
/// [`MAX_RETRY_AFTER`] (a `Retry-After: 0` would be a storm, and is retried as any 429).
fn pacing_wait(error: &Error) -> Option<Duration> {
  let after = error.retry_after()?;
  let told = error.status_code() == Some(429) && !error.is_lasting();
  (told && after > Duration::ZERO && after <= MAX_RETRY_AFTER).then_some(after)
}

/// Whether another attempt can fix `error`: HTTP 408, 429, 502, 503, 504, a connection that
/// failed, or a timeout. Never a refusal (400, 401, 403, 404, 409), a bad argument, or a
/// certificate that is not trusted.
pub(crate) fn is_transient(error: &Error) -> bool {
  if error.is_lasting() {
    return false;
  }
  match error.code() {
    ErrorCode::NetworkError | ErrorCode::Timeout => true,
    _ => matches!(error.status_code(), Some(408 | 429 | 502 | 503 | 504)),
  }
}

const BUDGET_CAPACITY: u32 = 500;
const RETRY_COST: u32 = 5;
const TIMEOUT_RETRY_COST: u32 = 10;

/// The retry budget of a client family.
pub(crate) struct RetryBudget {
  tokens: Mutex<u32>,
}

impl Default for RetryBudget {
  fn default() -> Self {
    Self {
      tokens: Mutex::new(BUDGET_CAPACITY),
    }
  }
}

impl RetryBudget {
  /// Takes the cost of retrying after `error`; false when the budget cannot pay it.
  pub fn try_spend(&self, error: &Error) -> bool {
    let cost = match error.code() {
      ErrorCode::NetworkError | ErrorCode::Timeout => TIMEOUT_RETRY_COST,
      _ => RETRY_COST,
    };
    let mut tokens = self.tokens.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if *tokens < cost {
      return false;
    }
    *tokens -= cost;
    true
  }

  /// A success puts a token back.
  pub fn refund(&self) {
    let mut tokens = self.tokens.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    *tokens = (*tokens + 1).min(BUDGET_CAPACITY);
  }
}

/// Reads `Retry-After`: delay-seconds or an HTTP date.
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
  let value = value.trim();
  if let Ok(seconds) = value.parse::<u64>() {
    return Some(Duration::from_secs(seconds));
  }
  let at = httpdate::parse_http_date(value).ok()?;
  Some(at.duration_since(std::time::SystemTime::now()).unwrap_or_default())
}

#[cfg(test)]
mod tests {
  use super::*;

  fn status(code: u16) -> Error {
    Error::from_platform(code, None, "x")
  }

  #[test]
  fn retries_only_what_another_attempt_can_fix() {
    for code in [408, 429, 502, 503, 504] {
      assert!(is_transient(&status(code)), "{code}");
    }
    for code in [400, 401, 403, 404, 409, 422, 500] {
      assert!(!is_transient(&status(code)), "{code}");
    }
    assert!(is_transient(&Error::new(ErrorCode::NetworkError, "reset")));
    assert!(is_transient(&Error::new(ErrorCode::Timeout, "slow")));
    assert!(!is_transient(&Error::invalid_argument("bad")));
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
  fn honours_retry_after_in_seconds_or_as_a_date_capped() {
    assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
    let in_ten = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(10));
    let parsed = parse_retry_after(&in_ten).unwrap();
    assert!(
      parsed > Duration::from_secs(8) && parsed <= Duration::from_secs(10),
      "{parsed:?}"
    );
    assert_eq!(parse_retry_after("soon"), None);
    let error = status(429).with_retry_after(Duration::from_secs(3600));
    assert_eq!(RetryPolicy::default().backoff(0, &error), MAX_RETRY_AFTER);
  }

  #[test]
  fn the_budget_runs_dry_and_refills_on_success() {
    let budget = RetryBudget::default();
    let error = status(503);
    let spent = (0..200).take_while(|_| budget.try_spend(&error)).count();
    assert_eq!(spent, 100);
    assert!(!budget.try_spend(&error));
    for _ in 0..5 {
      budget.refund();
    }
    assert!(budget.try_spend(&error));
  }
}
