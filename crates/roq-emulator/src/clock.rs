//! The emulator's clock and its times: wall-clock time that tests move instead of sleeping, the
//! range of times the emulator keeps and writes (the four-digit years of ISO-8601), and how it
//! writes them.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

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
