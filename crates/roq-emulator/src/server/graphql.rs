//! The GraphQL endpoints: the server's (service account or user token, and the API key) and the
//! browser's (a user token only), one schema behind both.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use crate::platform::{Counters, Principal, Problem};

use super::{AppState, graphql_problem, header_text, json_response};

/// `POST /v01/server/graphql`: both headers are checked on every call; a failure answers in
/// the platform's GraphQL error shape.
pub(super) async fn server_graphql(state: State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
  let principal = state
    .platform
    .check_server_authorization(header_text(&headers, "roq-platform-server-authorization"))
    .and_then(|()| {
      state
        .platform
        .principal(header_text(&headers, "roq-platform-authorization"))
    });
  execute(&state, principal, &body).await
}

/// `POST /v01/graphql`: the browser endpoint of `@roq/client`, which sends the user's bearer
/// token only.
pub(super) async fn browser_graphql(state: State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
  let principal = state
    .platform
    .principal(header_text(&headers, "roq-platform-authorization"));
  execute(&state, principal, &body).await
}

/// Runs a GraphQL request (`{ query, variables?, operationName? }` as JSON) as `principal`.
pub(super) async fn execute(state: &AppState, principal: Result<Principal, Problem>, body: &[u8]) -> Response {
  Counters::bump(&state.platform.counters.graphql);
  let request: async_graphql::Request = match serde_json::from_slice(body) {
    Ok(request) => request,
    Err(e) => {
      let problem = Problem::BadRequest(format!(
        "The body is not a GraphQL request ({{ query, variables }}): {e}"
      ));
      return graphql_problem(StatusCode::BAD_REQUEST, &problem);
    }
  };
  match principal {
    Ok(principal) => {
      let mut response = state.schema.execute(request.data(principal)).await;
      label_document_errors(&mut response);
      json_response(StatusCode::OK, &response)
    }
    Err(problem) => graphql_problem(StatusCode::OK, &problem),
  }
}

/// Gives an error about the document itself (it does not parse, or does not fit the schema) the
/// code Apollo Server, under the platform, gives it: such an error has no path, and nothing ran.
fn label_document_errors(response: &mut async_graphql::Response) {
  if !matches!(response.data, async_graphql::Value::Null) {
    return;
  }
  for error in &mut response.errors {
    if error.path.is_empty() && error.extensions.is_none() {
      let code = if error.message.starts_with(" --> ") || error.message.contains("expected") {
        "GRAPHQL_PARSE_FAILED"
      } else {
        "GRAPHQL_VALIDATION_FAILED"
      };
      error.extensions.get_or_insert_default().set("code", code);
    }
  }
}
