//! Retries: the one attempt loop that single calls and the batches of a send go through, and
//! which failures another attempt can fix. What one attempt came to is `attempt.rs`'s; how long
//! to wait before the next is the policy's (`retry_policy.rs`: backoff with full jitter, or the
//! platform's `Retry-After`, up to a minute); whether the family may still retry at all is the
//! budget's (`retry_budget.rs`), so that a failing platform is not stormed.
//!
//! A 429 with a `Retry-After` of at most a minute is pacing, not failure (`pacing.rs`): it
//! closes the family's gate until then, and the attempt is made again when it opens, without
//! spending the budget or a retry, for as long as the deadline allows; a 429 is an answer of a
//! platform that did nothing, so even a mutation may go again. `RATE_LIMITED` is returned when
//! the gate would open past the deadline, when `maxRetries` is 0, or for a 429 without
//! `Retry-After` (or with a longer one) once the retries or the budget run out.

use std::time::{Duration, Instant};

use crate::attempt::{Attempt, Attempts};
use crate::client::Client;
use crate::error::{Error, ErrorCode, Result};
use crate::observe::WaitKind;
use crate::retry_after::MAX_RETRY_AFTER;

impl Client {
  /// The one attempt loop: runs `work` until an attempt is done, or its failure is for good: not
  /// replayable, not transient, out of retries, past the deadline (the wait included), or out of
  /// the family's budget. Waits are cut short by an abort or the deadline.
  pub(crate) async fn retrying<A: Attempts + Send>(&self, deadline: Instant, work: &mut A) -> Result<A::Output> {
    let policy = self.config().retry_policy();
    let max_retries = self.call_options().max_retries.unwrap_or(policy.max_retries);
    let mut retries = 0;
    let mut attempts = 0;
    // The request the last attempt that sent one sent: a failure at the pacing gate names it.
    let mut last_request_id: Option<String> = None;
    loop {
      attempts += 1;
      let (error, replayable) = match work.attempt().await {
        Attempt::Done(value) => {
          self.budget().refund();
          return Ok(value);
        }
        Attempt::Failed { error, replayable } => {
          let error = error.or_request_id(last_request_id.as_deref()).with_attempts(attempts);
          last_request_id = error.request_id().map(str::to_owned);
          (error, replayable)
        }
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
      let started = Instant::now();
      let waited = self
        .guard(deadline, async {
          tokio::time::sleep(wait).await;
          Ok(())
        })
        .await;
      if let Some(observer) = self.observer() {
        observer.waited(WaitKind::Backoff, Some(error_type(&error)), started);
      }
      if let Err(stopped) = waited {
        return Err(
          stopped
            .or_request_id(last_request_id.as_deref())
            .with_attempts(attempts),
        );
      }
      retries += 1;
    }
  }
}

/// What an error is, in the words of OpenTelemetry's `error.type`: the HTTP status the platform
/// answered with, else the code.
fn error_type(error: &Error) -> String {
  match error.status_code() {
    Some(status) if status >= 400 => status.to_string(),
    _ => error.code().as_str().to_owned(),
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
  fn a_429_paces_only_with_a_retry_after_of_at_most_a_minute() {
    let told = |after: u64| status(429).with_retry_after(Duration::from_secs(after));
    assert_eq!(pacing_wait(&told(3)), Some(Duration::from_secs(3)));
    assert_eq!(pacing_wait(&told(60)), Some(MAX_RETRY_AFTER));
    assert_eq!(pacing_wait(&told(61)), None);
    assert_eq!(pacing_wait(&told(0)), None);
    assert_eq!(pacing_wait(&status(429)), None);
    assert_eq!(pacing_wait(&status(503).with_retry_after(Duration::from_secs(3))), None);
  }
}
