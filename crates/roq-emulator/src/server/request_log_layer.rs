//! The middleware around the whole router that answers every request to the platform's
//! endpoints (the two token endpoints and both GraphQL endpoints) with `x-request-id` and writes
//! its row in the request log (`request_log.rs`). It sees each request before the router does, so
//! whatever answers it (a route, a method the route does not take, CORS, a fault, a body limit,
//! the rate limiter, a layer added later) is logged with what the caller got. Other paths go
//! through untouched.
//!
//! The request id is the caller's own `x-request-id` when it sent one (and only one) of 1 to 128
//! characters of `[A-Za-z0-9._:-]` (our client sends a UUID per attempt), else a UUID the emulator
//! makes; either way the answer carries it and the row has it, so a client's error that names it
//! finds its row. The trace id is taken from a valid W3C `traceparent`; one that is not valid is
//! ignored, never kept as text.
//!
//! A browser's CORS preflight (`OPTIONS`) gets an `x-request-id` too, but no row: it is no call of
//! the platform, and carries none of the caller's headers.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;

use crate::platform::Platform;
use crate::request_log::{Endpoint, Entry, FaultApplied, Noted, TraceId, is_request_id};

/// The header of a request's id, in the request and its answer.
pub(super) const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The W3C trace context's header.
const TRACEPARENT: &str = "traceparent";

/// Answers with the request's id, and logs the request and its answer.
pub(super) async fn record(State(platform): State<Arc<Platform>>, request: Request, next: Next) -> Response {
  let Some(endpoint) = Endpoint::of(request.uri().path()) else {
    return next.run(request).await;
  };
  let (request_id, header) = request_id(request.headers());
  if request.method() == Method::OPTIONS {
    let mut response = next.run(request).await;
    response.headers_mut().insert(X_REQUEST_ID, header);
    return response;
  }
  let trace_id = trace_id(request.headers());
  let at_ms = platform.clock.now_ms();
  let started = Instant::now();
  let mut response = next.run(request).await;
  let duration_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
  let extensions = response.extensions_mut();
  let noted = extensions.remove::<Noted>().unwrap_or_default();
  let fault = extensions.remove::<FaultApplied>().map(|FaultApplied(answer)| answer);
  platform.requests.write(Entry {
    at_ms,
    endpoint,
    noted,
    status: response.status().as_u16(),
    fault,
    duration_us,
    request_id,
    trace_id,
  });
  response.headers_mut().insert(X_REQUEST_ID, header);
  response
}

/// The request's id, as text and as the answer's header: the caller's, if it is one the emulator
/// takes, else a new UUID.
fn request_id(headers: &HeaderMap) -> (Box<str>, HeaderValue) {
  let mut given = headers.get_all(X_REQUEST_ID).iter();
  if let (Some(value), None) = (given.next(), given.next())
    && is_request_id(value.as_bytes())
    && let Ok(text) = value.to_str()
  {
    return (text.into(), value.clone());
  }
  // From the thread's random generator: no system call for each request.
  let made = uuid::Builder::from_random_bytes(rand::random()).into_uuid();
  let text = made.hyphenated().to_string();
  let header = HeaderValue::from_str(&text).unwrap_or(HeaderValue::from_static("-"));
  (text.into(), header)
}

/// The trace id of the request's `traceparent`, when it has exactly one and it is valid.
fn trace_id(headers: &HeaderMap) -> Option<TraceId> {
  let mut given = headers.get_all(TRACEPARENT).iter();
  match (given.next(), given.next()) {
    (Some(value), None) => TraceId::of_traceparent(value.as_bytes()),
    _ => None,
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
      map.append(*name, HeaderValue::from_static(value));
    }
    map
  }

  #[test]
  fn a_callers_request_id_is_kept_when_it_is_one_and_replaced_by_a_uuid_when_not() {
    let long = "a".repeat(128);
    let too_long = "a".repeat(129);
    for kept in [
      "0b8e4d3c-5f1a-4c2e-9a77-3f0e6f1d2c3b",
      "a",
      "req_01:AB.cd-9",
      long.as_str(),
    ] {
      let mut map = HeaderMap::new();
      map.insert(X_REQUEST_ID, HeaderValue::from_str(kept).unwrap());
      let (text, header) = request_id(&map);
      assert_eq!((&*text, header.to_str().unwrap()), (kept, kept));
    }
    let mut refused: Vec<HeaderMap> = ["", "a b", "a/b", "ümlaut", "a\"b", "<script>", too_long.as_str()]
      .into_iter()
      .map(|value| {
        let mut map = HeaderMap::new();
        map.insert(X_REQUEST_ID, HeaderValue::from_bytes(value.as_bytes()).unwrap());
        map
      })
      .collect();
    refused.push(HeaderMap::new());
    refused.push(headers(&[("x-request-id", "one"), ("x-request-id", "two")]));
    for map in refused {
      let (text, header) = request_id(&map);
      assert!(uuid::Uuid::parse_str(&text).is_ok(), "{map:?} gave {text}");
      assert_eq!(text.len(), 36);
      assert_eq!(header.to_str().unwrap(), &*text);
    }
    // Made ids differ.
    assert_ne!(request_id(&HeaderMap::new()).0, request_id(&HeaderMap::new()).0);
  }

  #[test]
  fn only_one_valid_traceparent_gives_a_trace_id() {
    const VALID: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    assert_eq!(
      trace_id(&headers(&[("traceparent", VALID)])).map(|id| id.as_str().to_owned()),
      Some("4bf92f3577b34da6a3ce929d0e0e4736".to_owned())
    );
    for refused in [
      vec![],
      vec![("traceparent", VALID), ("traceparent", VALID)],
      vec![("traceparent", "")],
      // Another version, upper case, ids of zeros, a part too short or too long, no dashes.
      vec![("traceparent", "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")],
      vec![("traceparent", "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")],
      vec![("traceparent", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01")],
      vec![("traceparent", "00-00000000000000000000000000000000-00f067aa0ba902b7-01")],
      vec![("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01")],
      vec![("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01")],
      vec![(
        "traceparent",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-",
      )],
      vec![("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1")],
      vec![("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g")],
      vec![("traceparent", "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01")],
      vec![("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736x00f067aa0ba902b7-01")],
      vec![(
        "traceparent",
        " 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      )],
    ] {
      assert_eq!(trace_id(&headers(&refused)), None, "{refused:?}");
    }
  }
}
