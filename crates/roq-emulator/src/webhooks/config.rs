//! The webhooks an emulator is started with: where events go (`WebhookTarget`), how deliveries
//! are retried (`WebhookRetry`), and the running configuration with the signals that wake the
//! sender and the expiry task (`Webhooks`).

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tokio::sync::Notify;

/// A URL that receives the invite events.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(optional_fields))]
pub struct WebhookTarget {
  pub url: String,
  /// The `roq-platform-webhook-key` sent to it; the environment's webhook key if absent.
  #[serde(default)]
  pub key: Option<String>,
}

/// Without the key.
impl std::fmt::Debug for WebhookTarget {
  fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    f.debug_struct("WebhookTarget")
      .field("url", &self.url)
      .field("key", &self.key.as_ref().map(|_| "[redacted]"))
      .finish()
  }
}

/// How deliveries are retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct WebhookRetry {
  /// Attempts in all, the first included (1 to 20).
  #[cfg_attr(feature = "typescript", ts(as = "Option<_>", optional))]
  pub attempts: u32,
  /// The wait before the second attempt; it doubles for each one after.
  #[cfg_attr(feature = "typescript", ts(as = "Option<_>", optional))]
  pub initial_delay_ms: u64,
  /// The longest wait between two attempts.
  #[cfg_attr(feature = "typescript", ts(as = "Option<_>", optional))]
  pub max_delay_ms: u64,
  /// How long a receiver may take to answer.
  #[cfg_attr(feature = "typescript", ts(as = "Option<_>", optional))]
  pub timeout_ms: u64,
}

impl Default for WebhookRetry {
  /// Attempts 1 s, 3 s, 7 s and 15 s after the first: the third within 10 s of the first, as a
  /// developer at a terminal expects, even when the first two time out.
  fn default() -> Self {
    Self {
      attempts: 5,
      initial_delay_ms: 1000,
      max_delay_ms: 60_000,
      timeout_ms: 3000,
    }
  }
}

/// The most attempts a delivery is given (`webhookRetry.attempts`), the first included.
pub(crate) const MAX_ATTEMPTS: u32 = 20;

impl WebhookRetry {
  pub(crate) fn check(&self) -> Result<(), String> {
    if !(1..=MAX_ATTEMPTS).contains(&self.attempts) {
      return Err(format!(
        "webhookRetry.attempts: must be 1 to {MAX_ATTEMPTS}; it is {}",
        self.attempts
      ));
    }
    if self.timeout_ms == 0 || self.max_delay_ms < self.initial_delay_ms {
      return Err("webhookRetry: timeoutMs must be at least 1, and maxDelayMs at least initialDelayMs".into());
    }
    Ok(())
  }

  /// When attempt `attempt` (from 0) is due, in milliseconds after the event.
  pub(crate) fn offset(&self, attempt: u32) -> i64 {
    let mut offset = 0u64;
    let mut delay = self.initial_delay_ms;
    for _ in 0..attempt {
      offset = offset.saturating_add(delay);
      delay = delay.saturating_mul(2).min(self.max_delay_ms);
    }
    i64::try_from(offset).unwrap_or(i64::MAX)
  }
}

/// The webhooks of a running emulator: where events go, with which key, and the signal that
/// wakes the sender after a commit (or a move of the clock).
pub struct Webhooks {
  pub targets: Vec<WebhookTarget>,
  /// The environment's webhook key, for targets without their own.
  pub key: String,
  pub retry: WebhookRetry,
  /// Whom deliveries over HTTPS trust, if the caller said.
  pub(crate) tls: Option<rustls::ClientConfig>,
  /// Wakes the sender.
  pub(crate) wake: Notify,
  /// Wakes the task that expires invites on time (see [`crate::webhooks::expiry_task`]).
  pub(crate) expiry: Arc<Notify>,
}

impl Webhooks {
  pub fn new(targets: Vec<WebhookTarget>, key: String, retry: WebhookRetry, tls: Option<rustls::ClientConfig>) -> Self {
    Self {
      targets,
      key,
      retry,
      tls,
      wake: Notify::new(),
      expiry: Arc::new(Notify::new()),
    }
  }

  pub fn enabled(&self) -> bool {
    !self.targets.is_empty()
  }

  /// Something may be due now: a change was committed, an attempt ended, or the clock moved.
  pub fn wake(&self) {
    if self.enabled() {
      self.wake.notify_one();
      self.expiry.notify_one();
    }
  }

  /// The key sent to `url`: its target's own, or the environment's; none if `url` is not one of
  /// the targets, which then gets nothing.
  pub(crate) fn key_for(&self, url: &str) -> Option<&str> {
    let target = self.targets.iter().find(|t| t.url == url)?;
    Some(target.key.as_deref().unwrap_or(&self.key))
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn by_default_the_third_attempt_is_due_3_s_after_the_first() {
    let retry = WebhookRetry::default();
    let offsets: Vec<i64> = (0..5).map(|n| retry.offset(n)).collect();
    assert_eq!(offsets, [0, 1000, 3000, 7000, 15_000]);
    let capped = WebhookRetry {
      max_delay_ms: 2000,
      ..retry
    };
    assert_eq!(
      (0..5).map(|n| capped.offset(n)).collect::<Vec<_>>(),
      [0, 1000, 3000, 5000, 7000]
    );
  }
}
