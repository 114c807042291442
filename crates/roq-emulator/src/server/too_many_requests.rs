//! The rate limit at the GraphQL endpoints: a request over the limit is answered 429, in the
//! platform's GraphQL error shape, with `Retry-After` (whole seconds until a request would be let
//! through), before anything of it is read or run: a refused mutation was not applied, and may
//! be sent again as it is. The token endpoints are not limited: a client asks for a token once an
//! hour, and a limit there would only stand between a client and the 429 it must see.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::platform::{Counters, Platform, Problem};
use crate::rate_limit::retry_after_seconds;

use super::graphql_problem;

/// Lets a request through, or answers 429 with `Retry-After`.
pub(super) async fn limit(State(platform): State<Arc<Platform>>, request: Request, next: Next) -> Response {
  // A browser's CORS preflight is not a call of the platform.
  if request.method() == Method::OPTIONS {
    return next.run(request).await;
  }
  // The clock is read under the limiter's lock (see `RateLimiter::admit`).
  let Err(wait_ms) = platform.rate_limiter.admit(|| platform.clock.now_ms()) else {
    return next.run(request).await;
  };
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
  response
}
