//! W3C Trace Context: the `traceparent` (and `tracestate`) of the caller's trace, sent on every
//! request of a call so that the platform's side joins the caller's trace. The caller (the
//! binding, from the app's OpenTelemetry) hands them over; they are checked here once more, and
//! a value that is not one is dropped rather than sent or allowed to fail the call.

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

const TRACEPARENT: HeaderName = HeaderName::from_static("traceparent");
const TRACESTATE: HeaderName = HeaderName::from_static("tracestate");

/// The longest `tracestate` sent: W3C's 32 members of at most 256 characters could be longer,
/// but it asks vendors to propagate at least 512 characters, and no more is needed.
pub const MAX_TRACESTATE: usize = 512;

/// The headers of the caller's trace, checked.
#[derive(Clone, Debug)]
pub struct TraceContext {
  traceparent: HeaderValue,
  tracestate: Option<HeaderValue>,
}

impl TraceContext {
  /// The headers, if `traceparent` is a version-00 `traceparent` with a trace and a parent id
  /// (`00-<32 hex>-<16 hex>-<2 hex>`, lower case, neither id zero); `tracestate` goes with it
  /// when it is printable ASCII of at most [`MAX_TRACESTATE`] characters.
  pub fn new(traceparent: &str, tracestate: Option<&str>) -> Option<Self> {
    // The rulebook's rule, which the emulator reads the trace id by.
    roq_rules::trace_id_of_traceparent(traceparent.as_bytes())?;
    let tracestate = tracestate
      .filter(|s| !s.is_empty() && s.len() <= MAX_TRACESTATE && s.bytes().all(|b| (0x20..0x7f).contains(&b)))
      .and_then(|s| HeaderValue::from_str(s).ok());
    Some(Self {
      traceparent: HeaderValue::from_str(traceparent).ok()?,
      tracestate,
    })
  }

  /// Adds the headers to a request's.
  pub(crate) fn add_to(&self, headers: &mut HeaderMap) {
    headers.insert(TRACEPARENT, self.traceparent.clone());
    if let Some(state) = &self.tracestate {
      headers.insert(TRACESTATE, state.clone());
    }
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  const GOOD: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  #[test]
  fn takes_a_traceparent_and_a_tracestate() {
    let context = TraceContext::new(GOOD, Some("rojo=00f067aa0ba902b7, congo=t61rcWkgMzE")).unwrap();
    let mut headers = HeaderMap::new();
    context.add_to(&mut headers);
    assert_eq!(headers["traceparent"], GOOD);
    assert_eq!(headers["tracestate"], "rojo=00f067aa0ba902b7, congo=t61rcWkgMzE");
    let unsampled = GOOD.replace("-01", "-00");
    assert!(TraceContext::new(&unsampled, None).is_some());
  }

  #[test]
  fn drops_what_is_not_one() {
    for bad in [
      "",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
      "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\nx-evil: 1",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
    ] {
      assert!(TraceContext::new(bad, None).is_none(), "{bad:?}");
    }
    // A tracestate that is not one is left out; the traceparent still goes.
    for state in ["a=1\nb=2", "é=1", &"a".repeat(MAX_TRACESTATE + 1), ""] {
      let mut headers = HeaderMap::new();
      TraceContext::new(GOOD, Some(state)).unwrap().add_to(&mut headers);
      assert!(headers.get("tracestate").is_none(), "{state:?}");
      assert_eq!(headers["traceparent"], GOOD);
    }
  }
}
