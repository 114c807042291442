//! The rate limit at the GraphQL endpoints: a request over the limit is answered 429, in the
//! platform's GraphQL error shape, with `Retry-After` (whole seconds until a request would be let
//! through).
//!
//! The handlers ask after the caller's credentials are checked and before the body is read: only
//! a request of the environment's own (see `graphql.rs`) counts, so a flood without credentials,
//! or with wrong ones, as any web page can send, uses up nothing of the app's window; and a
//! refused mutation was not applied, and may be sent again as it is. The token endpoints are not
//! limited: a client asks for a token once an hour, and a limit there would only stand between a
//! client and the 429 it must see. A fault (`faults.rs`) still comes first, as a layer around the
//! endpoints; a CORS preflight never reaches a handler.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;

use crate::counters::Counters;
use crate::platform::Platform;
use crate::problem::Problem;
use crate::rate_limit::retry_after_seconds;

use super::answers::graphql_problem;

/// Counts a request against the environment's window, or answers 429 with `Retry-After` (and
/// the problem it answers with, for the request log).
pub(super) fn refused(platform: &Platform) -> Option<(Response, Problem)> {
  let wait_ms = platform.rate_limiter.admit(|| platform.clock.now_ms()).err()?;
  Counters::bump(&platform.counters.rate_limited);
  let seconds = retry_after_seconds(wait_ms);
  let limit = platform.rate_limiter.limit();
  let problem = Problem::TooManyRequests(format!(
    "Too many requests: this environment takes at most {} GraphQL requests in {} ms; try again in {seconds} s (Retry-After)",
    limit.map_or(0, |l| l.requests),
    limit.map_or(0, |l| l.window_ms),
  ));
  let mut response = graphql_problem(StatusCode::TOO_MANY_REQUESTS, &problem);
  response
    .headers_mut()
    .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
  Some((response, problem))
}
