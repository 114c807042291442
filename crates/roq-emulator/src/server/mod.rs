//! The HTTP endpoints: the platform's (reference/roq-protocol.md §1), the accept page, and the
//! emulator's own (`/__emulator/...`, guarded by the environment's credentials, and against
//! cross-origin pages by `cross_origin.rs`).
//!
//! Every JSON answer is `application/json; charset=utf-8`, as the platform's are: ROQ's browser
//! SDK (graphql-request 5) reads no other type. Only the browser endpoint, `/v01/graphql`, answers
//! browser origins (CORS); the server and token endpoints take the API key, which a page must
//! never hold, so they send no CORS headers at all.
//!
//! Every request to the platform's endpoints is answered with `x-request-id` and written in the
//! request log (`request_log_layer.rs`); the browser endpoint lets pages send `x-request-id` and
//! the W3C trace context (`traceparent`, `tracestate`), and read the answer's `x-request-id`.
//!
//! This file is the router and its layers; each endpoint is a file of its own, and what they
//! share is `state.rs` (what each is given) and `answers.rs` (the answer shapes).

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::Request;

use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::response::{Redirect, Response};
use axum::routing::{get, post};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_layer::Layer;
use tower_service::Service;

use crate::pages::{accept, dashboard, dashboard_reset};
use crate::platform::Platform;
use crate::schema;

mod answers;
mod cross_origin;
mod emulator_api;
mod fault_middleware;
mod graphql;
mod request_log_layer;
mod state;
mod tokens;
mod too_many_requests;

use emulator_api::{
  create_session, export, invites, outbox, queued_faults, redeliver, redeliver_from_dashboard, requests, reset,
  set_faults, webhook_deliveries,
};
use graphql::{browser_graphql, server_graphql};
use state::AppState;
use tokens::{service_account_token, user_token};

/// The origins besides `http(s)://localhost:*` and `http(s)://127.0.0.1:*` whose pages may call the
/// browser endpoint, each as `scheme://host[:port]`.
#[derive(Clone, Debug, Default)]
pub struct BrowserOrigins(pub Vec<String>);

impl BrowserOrigins {
  fn allows(&self, origin: &HeaderValue) -> bool {
    let Ok(origin) = origin.to_str() else {
      return false;
    };
    let local = [
      "http://localhost",
      "http://127.0.0.1",
      "https://localhost",
      "https://127.0.0.1",
    ]
    .iter()
    .any(|host| {
      origin.strip_prefix(host).is_some_and(|rest| {
        rest.is_empty()
          || rest
            .strip_prefix(':')
            .is_some_and(|port| !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()))
      })
    });
    local || self.0.iter().any(|allowed| allowed == origin)
  }
}

/// What the emulator serves: the router inside the request log (`request_log_layer.rs`), which
/// so sees every request, also one a layer or the router itself answers.
pub(crate) fn app(
  platform: Arc<Platform>,
  origins: BrowserOrigins,
) -> impl Service<Request, Response = Response, Error = Infallible, Future: Send> + Clone + Send + 'static {
  let logged = axum::middleware::from_fn_with_state(Arc::clone(&platform), request_log_layer::record);
  logged.layer(router(platform, origins))
}

fn router(platform: Arc<Platform>, origins: BrowserOrigins) -> Router {
  let schema = schema::build(Arc::clone(&platform));
  let faults = || axum::middleware::from_fn_with_state(Arc::clone(&platform), fault_middleware::inject);
  let cors = CorsLayer::new()
    .allow_origin(AllowOrigin::predicate(move |origin, _| origins.allows(origin)))
    .allow_methods([Method::POST])
    // A traced page (OpenTelemetry's fetch instrumentation) sends the trace context, and a client
    // may name its request.
    .allow_headers([
      header::CONTENT_TYPE,
      HeaderName::from_static("roq-platform-authorization"),
      request_log_layer::X_REQUEST_ID,
      HeaderName::from_static("traceparent"),
      HeaderName::from_static("tracestate"),
    ])
    .max_age(Duration::from_secs(600))
    // A page's graphql-request must be able to read when to come back, and which request it was.
    .expose_headers([header::RETRY_AFTER, request_log_layer::X_REQUEST_ID]);
  // CORS outside the faults, so that a faulty answer still reaches the page that asked; the
  // request log is around the whole router (`app`). The rate limit is no layer:
  // the GraphQL handlers apply it once the caller's credentials are checked (see
  // `too_many_requests.rs`), so a fault queued for a request still comes first.
  let browser = Router::new()
    .route("/v01/graphql", post(browser_graphql))
    .layer(faults())
    .layer(cors);
  let server = Router::new()
    .route("/v01/authorize/serviceAccount", post(service_account_token))
    .route("/v01/authorize", post(user_token))
    .route("/v01/server/graphql", post(server_graphql))
    .layer(faults());
  // The accept page's POST needs the mail's one-time token, which a page of another site does
  // not have; it stays outside the cross-origin guard.
  let accept = Router::new().route("/accept-invite", get(accept::show).post(accept::accept));
  // Every route under /__emulator goes through the guard, also one added later: whatever is not
  // GET, HEAD or OPTIONS must come from no page but the emulator's own, with a JSON body.
  let own = Router::new()
    .route("/__emulator", get(|| async { Redirect::permanent("/__emulator/") }))
    .route("/__emulator/", get(dashboard::show))
    .route("/__emulator/outbox", get(outbox))
    .route("/__emulator/invites", get(invites))
    .route("/__emulator/faults", get(queued_faults).post(set_faults))
    .route("/__emulator/webhooks", get(webhook_deliveries))
    .route("/__emulator/requests", get(requests))
    .route("/__emulator/sessions", post(create_session))
    .route("/__emulator/export", get(export))
    .route("/__emulator/reset", post(reset))
    .route(dashboard_reset::RESET_ACTION, post(dashboard_reset::reset))
    .route("/__emulator/webhooks/{id}/redeliver", post(redeliver))
    .route(
      "/__emulator/dashboard/webhooks/{id}/redeliver",
      post(redeliver_from_dashboard),
    )
    .route_layer(axum::middleware::from_fn(cross_origin::guard));
  Router::new()
    .merge(browser)
    .merge(server)
    .merge(accept)
    .merge(own)
    .with_state(AppState { platform, schema })
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn browser_origins_are_local_pages_and_the_ones_given() {
    let origins = BrowserOrigins(vec!["https://app.example.dev".into()]);
    for allowed in [
      "http://localhost:3000",
      "http://localhost",
      "http://127.0.0.1:5173",
      "https://app.example.dev",
      "https://localhost:3000",
    ] {
      assert!(origins.allows(&HeaderValue::from_static(allowed)), "{allowed}");
    }
    for refused in [
      "http://localhost.evil.io",
      "http://localhost:",
      "http://localhost:3000/path",
      "http://127.0.0.1.nip.io",
      "https://app.example.dev:8443",
      "null",
    ] {
      assert!(!origins.allows(&HeaderValue::from_static(refused)), "{refused}");
    }
  }
}
