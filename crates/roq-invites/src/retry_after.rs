//! `Retry-After`: how long the platform asks us to wait (delay-seconds or an HTTP date), read by
//! the transport from each answer, and the longest such wait we honour.

use std::time::{Duration, SystemTime};

/// The longest `Retry-After` we wait for; a longer one is waited for this long (and the
/// deadline may end the call first).
pub(crate) const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// Reads `Retry-After`: delay-seconds or an HTTP date.
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
  let value = value.trim();
  if let Ok(seconds) = value.parse::<u64>() {
    return Some(Duration::from_secs(seconds));
  }
  let at = httpdate::parse_http_date(value).ok()?;
  Some(at.duration_since(SystemTime::now()).unwrap_or_default())
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn reads_seconds_or_a_date() {
    assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
    let in_ten = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(10));
    let parsed = parse_retry_after(&in_ten).unwrap();
    assert!(
      parsed > Duration::from_secs(8) && parsed <= Duration::from_secs(10),
      "{parsed:?}"
    );
    assert_eq!(parse_retry_after("soon"), None);
  }
}
