//! The emulated platform's state: its store, clock, settings and credentials, shared by the HTTP
//! endpoints and the GraphQL resolvers; and, in the files of this folder, its data and the rules
//! that apply to it.

pub(crate) mod auth;
pub(crate) mod credentials;
pub(crate) mod details;
pub(crate) mod history;
pub(crate) mod ids;
pub(crate) mod invite;
pub(crate) mod invite_records;
pub(crate) mod lifecycle;
pub(crate) mod listing;
pub(crate) mod mail;
pub(crate) mod pg_like;
pub(crate) mod reset;
pub(crate) mod reset_generations;
pub(crate) mod send;
pub(crate) mod sessions;
pub(crate) mod store;
pub(crate) mod users;

use std::time::Duration;

use url::Url;

use crate::clock::{Clock, in_time_range};
use crate::counters::Counters;
use crate::faults::Faults;
use crate::platform::credentials::Credentials;
use crate::platform::reset_generations::Resets;
use crate::platform::store::Store;
use crate::rate_limit::RateLimiter;
use crate::request_log::RequestLog;
use crate::webhooks::config::Webhooks;

/// The rules the emulator applies where the real platform's are unknown (see docs/emulator.md).
#[derive(Clone, Debug)]
pub struct Rules {
  /// How long an invite can be accepted after it was sent (or last resent).
  pub invite_validity: Duration,
  /// Where the accept link in an invite mail points; the token is added as `?token=`.
  pub accept_url: Url,
  /// Refuse ids the emulator has not seen instead of registering them on first use.
  pub strict: bool,
  /// What the invitation mail invites to ("you are invited to join {app}"); the tenant's id if
  /// absent.
  pub app_name: Option<String>,
}

impl Rules {
  /// When an invite sent (or resent) at `at` stops being valid: at the latest [`LATEST_MS`], so
  /// that a long validity near the end of the range is still a time the emulator writes.
  pub(crate) fn valid_till(&self, at: i64) -> i64 {
    let validity = i64::try_from(self.invite_validity.as_millis()).unwrap_or(i64::MAX);
    in_time_range(at.saturating_add(validity))
  }
}

/// Everything the endpoints share.
pub struct Platform {
  pub store: Store,
  pub faults: Faults,

  pub clock: Clock,
  pub counters: Counters,
  pub credentials: Credentials,
  pub rules: Rules,
  pub webhooks: Webhooks,
  pub rate_limiter: RateLimiter,
  pub resets: Resets,
  /// Every request the platform's endpoints answered, the newest kept.
  pub requests: RequestLog,
  #[cfg(test)]
  pub(crate) export_pause: Pause,
}

/// A test's hold on the next export, once its copy is taken and before it reads: what the test
/// runs there runs while an export is in progress.
#[cfg(test)]
#[derive(Default)]
pub(crate) struct Pause(std::sync::Mutex<Option<Box<dyn FnOnce() + Send>>>);

#[cfg(test)]
impl Pause {
  pub(crate) fn set(&self, hold: impl FnOnce() + Send + 'static) {
    *self.0.lock().unwrap() = Some(Box::new(hold));
  }

  pub(crate) fn hold(&self) {
    let hold = self.0.lock().unwrap().take();
    if let Some(hold) = hold {
      hold();
    }
  }
}
