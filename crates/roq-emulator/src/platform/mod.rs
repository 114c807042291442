//! The emulated platform's state: its store, clock, settings and credentials, shared by the HTTP
//! endpoints and the GraphQL resolvers; and, in the files of this folder, its data and the rules
//! that apply to it.

pub(crate) mod auth;
pub(crate) mod history;
pub(crate) mod ids;
pub(crate) mod invite;
pub(crate) mod invite_records;
pub(crate) mod lifecycle;
pub(crate) mod listing;
pub(crate) mod mail;
pub(crate) mod reset;
pub(crate) mod send;
pub(crate) mod sessions;
pub(crate) mod store;
pub(crate) mod users;

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use url::Url;

use crate::faults::Faults;
use crate::platform::auth::Credentials;
use crate::platform::reset::Resets;
use crate::rate_limit::RateLimiter;
use crate::webhooks::Webhooks;

use crate::platform::store::Store;

/// Who is calling, once the headers have been checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Principal {
  /// The environment's service account: sees and acts on every tenant.
  ServiceAccount,
  /// A platform user: sees and acts on its own tenant only.
  User { user_id: String },
}

/// Why a request failed, in the terms of the platform's error response
/// (`extensions.response {statusCode, errorCode, message}`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
  BadRequest(String),
  Unauthorized(String),
  Forbidden(String),
  NotFound(String),
  Conflict(String),
  /// A request body larger than the emulator takes.
  TooLarge(String),
  Internal(String),
  /// Over the environment's rate limit (see [`crate::rate_limit`]).
  TooManyRequests(String),
}

impl Problem {
  pub fn status_code(&self) -> u16 {
    match self {
      Self::BadRequest(_) => 400,
      Self::Unauthorized(_) => 401,
      Self::Forbidden(_) => 403,
      Self::NotFound(_) => 404,
      Self::Conflict(_) => 409,
      Self::TooLarge(_) => 413,
      Self::Internal(_) => 500,
      Self::TooManyRequests(_) => 429,
    }
  }

  /// The platform's `errorCode` (the SDK knows `UNAUTHORIZED_EXCEPTION`, `FORBIDDEN` and
  /// `INTERNAL_ERROR`; the others follow the same style).
  pub fn error_code(&self) -> &'static str {
    match self {
      Self::BadRequest(_) => "BAD_REQUEST",
      Self::Unauthorized(_) => "UNAUTHORIZED_EXCEPTION",
      Self::Forbidden(_) => "FORBIDDEN",
      Self::NotFound(_) => "NOT_FOUND",
      Self::Conflict(_) => "CONFLICT",
      Self::TooLarge(_) => "PAYLOAD_TOO_LARGE",
      Self::Internal(_) => "INTERNAL_ERROR",
      Self::TooManyRequests(_) => "TOO_MANY_REQUESTS",
    }
  }

  pub fn message(&self) -> &str {
    match self {
      Self::BadRequest(m)
      | Self::Unauthorized(m)
      | Self::Forbidden(m)
      | Self::NotFound(m)
      | Self::Conflict(m)
      | Self::TooLarge(m)
      | Self::Internal(m)
      | Self::TooManyRequests(m) => m,
    }
  }
}

impl From<rusqlite::Error> for Problem {
  fn from(error: rusqlite::Error) -> Self {
    Self::Internal(format!("the emulator's store failed: {error}"))
  }
}

/// Wall-clock time that tests can move forward (or back) instead of sleeping.
#[derive(Default)]
pub struct Clock {
  offset_ms: AtomicI64,
}

impl Clock {
  /// Milliseconds since the Unix epoch, as the platform sees it; never outside the times it
  /// writes ([`EARLIEST_MS`] to [`LATEST_MS`]), however far the clock was moved.
  pub fn now_ms(&self) -> i64 {
    let real = SystemTime::now()
      .duration_since(UNIX_EPOCH)
      .unwrap_or_default()
      .as_millis() as i64;
    in_time_range(real.saturating_add(self.offset_ms.load(Ordering::Relaxed)))
  }

  /// How far the clock has been moved from real time.
  pub fn offset_ms(&self) -> i64 {
    self.offset_ms.load(Ordering::Relaxed)
  }

  pub fn advance(&self, ms: i64) {
    // Saturating: a move by i64::MAX twice does not wrap round into the past.
    let _ = self
      .offset_ms
      .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |offset| {
        Some(offset.saturating_add(ms))
      });
  }
}

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

/// A snapshot of [`Counters`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
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

/// The rules the emulator applies where the real platform's are unknown (see the README).
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
  #[cfg(test)]
  pub(crate) export_pause: crate::snapshot::Pause,
}

/// The earliest time the emulator keeps or writes, `0000-01-01T00:00:00.000Z`: the first moment
/// that ISO-8601's four-digit years write, and that chrono reads back (RFC 3339 has no other years).
pub const EARLIEST_MS: i64 = -62_167_219_200_000;

/// The latest time the emulator keeps or writes, `9999-12-31T23:59:59.999Z` (the usual "never
/// expires"): one millisecond later is the year 10000, which RFC 3339 cannot write.
pub const LATEST_MS: i64 = 253_402_300_799_999;

/// `ms`, moved into [`EARLIEST_MS`]..=[`LATEST_MS`] if it is outside.
pub fn in_time_range(ms: i64) -> i64 {
  ms.clamp(EARLIEST_MS, LATEST_MS)
}

/// An ISO-8601 date with milliseconds, as the platform writes dates (`2023-10-27T00:14:36.900Z`);
/// a time outside the range is written as the end it is past, so that every time written reads
/// back.
pub fn iso(ms: i64) -> String {
  chrono::DateTime::from_timestamp_millis(in_time_range(ms))
    .unwrap_or_default()
    .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn the_ends_of_the_time_range_are_written_and_read_back_exactly() {
    for (ms, text) in [
      (EARLIEST_MS, "0000-01-01T00:00:00.000Z"),
      (LATEST_MS, "9999-12-31T23:59:59.999Z"),
    ] {
      assert_eq!(iso(ms), text);
      let read = chrono::DateTime::parse_from_rfc3339(text).unwrap();
      assert_eq!(read.timestamp_millis(), ms);
    }
    // One millisecond past either end is a year RFC 3339 cannot write: it is written as the end.
    assert_eq!(iso(LATEST_MS + 1), "9999-12-31T23:59:59.999Z");
    assert_eq!(iso(i64::MAX), "9999-12-31T23:59:59.999Z");
    assert_eq!(iso(EARLIEST_MS - 1), "0000-01-01T00:00:00.000Z");
    assert_eq!(iso(i64::MIN), "0000-01-01T00:00:00.000Z");
  }

  #[test]
  fn the_clock_stays_in_the_range_however_far_it_is_moved() {
    let clock = Clock::default();
    clock.advance(i64::MAX);
    clock.advance(i64::MAX);
    assert_eq!(clock.now_ms(), LATEST_MS);
    clock.advance(i64::MIN);
    clock.advance(i64::MIN);
    clock.advance(i64::MIN);
    assert_eq!(clock.now_ms(), EARLIEST_MS);
  }
}
