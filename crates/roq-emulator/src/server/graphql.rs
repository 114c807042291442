//! The GraphQL endpoints: the server's (service account or user token, and the API key) and the
//! browser's (a user token only), one schema behind both. Each reads at most the rulebook's
//! largest request body and writes at most its largest answer; the schema keeps the limits on
//! the document between (`schema/limits.rs`).

use std::borrow::Cow;
use std::io;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use roq_rules::{MAX_ANSWER_BYTES, MAX_REQUEST_BYTES};
use serde::Serialize;

use crate::counters::Counters;
use crate::principal::Principal;
use crate::problem::Problem;
use crate::request_log::{Caller, GraphqlNote, Noted};

use super::answers::{graphql_problem, header_text, refusal_noted, with_noted};
use super::state::AppState;
use super::too_many_requests;

/// `POST /v01/server/graphql`: both headers are checked on every call (the environment's
/// `roq-platform-server-authorization` and a bearer token it issued); a failure answers in the
/// platform's GraphQL error shape.
pub(super) async fn server_graphql(state: State<AppState>, headers: HeaderMap, body: Body) -> Response {
  let principal = state
    .platform
    .check_server_authorization(header_text(&headers, "roq-platform-server-authorization"))
    .and_then(|()| {
      state
        .platform
        .principal(header_text(&headers, "roq-platform-authorization"))
    });
  execute(&state, principal, body).await
}

/// `POST /v01/graphql`: the browser endpoint of `@roq/client`, which sends the user's bearer
/// token only (a token this environment issued).
pub(super) async fn browser_graphql(state: State<AppState>, headers: HeaderMap, body: Body) -> Response {
  let principal = state
    .platform
    .principal(header_text(&headers, "roq-platform-authorization"));
  execute(&state, principal, body).await
}

/// Runs a GraphQL request (`{ query, variables?, operationName? }` as JSON) as `principal`. A
/// caller who is not signed in is answered before its body is read, and counts nothing against
/// the rate limit; a signed-in caller's request counts, or is refused (429) over the limit, also
/// before its body is read (`too_many_requests.rs`). The answer carries what the request log's
/// row says of it: the caller, the operation, its error and the invites it changed.
async fn execute(state: &AppState, principal: Result<Principal, Problem>, body: Body) -> Response {
  let mut noted = Noted {
    caller: principal.as_ref().ok().map(Caller::of),
    ..Noted::default()
  };
  let response = match run(state, principal, body, &mut noted).await {
    Ok(response) => response,
    Err((status, problem)) => {
      noted = refusal_noted(&problem, noted);
      graphql_problem(status, &problem)
    }
  };
  with_noted(response, noted)
}

/// [`execute`]'s work: the answer, or the problem that stands in its place.
async fn run(
  state: &AppState,
  principal: Result<Principal, Problem>,
  body: Body,
  noted: &mut Noted,
) -> Result<Response, (StatusCode, Problem)> {
  if principal.is_ok()
    && let Some((refusal, problem)) = too_many_requests::refused(&state.platform)
  {
    noted.error_code = Some(problem.error_code().into());
    return Ok(refusal);
  }
  Counters::bump(&state.platform.counters.graphql);
  let principal = principal.map_err(|problem| (StatusCode::OK, problem))?;
  let body = axum::body::to_bytes(body, MAX_REQUEST_BYTES)
    .await
    .map_err(|error| unread_body(&error))?;
  let request: async_graphql::Request = serde_json::from_slice(&body).map_err(|e| {
    let problem = Problem::BadRequest(format!(
      "The body is not a GraphQL request ({{ query, variables }}): {e}"
    ));
    (StatusCode::BAD_REQUEST, problem)
  })?;
  // The schema notes the operation and the invites it changes here, for the request log.
  let note = Arc::new(GraphqlNote::default());
  let mut response = state
    .schema
    .execute(request.data(principal).data(Arc::clone(&note)))
    .await;
  if let Ok(note) = Arc::try_unwrap(note) {
    note.into_noted(noted);
  }
  label_document_errors(&mut response);
  noted.error_code = response.errors.first().map(error_code);
  answer(&response).map_err(|problem| (StatusCode::OK, problem))
}

/// The code of a GraphQL error (`extensions.code`), or Apollo Server's for an error without one.
fn error_code(error: &async_graphql::ServerError) -> Cow<'static, str> {
  match error.extensions.as_ref().and_then(|extensions| extensions.get("code")) {
    Some(async_graphql::Value::String(code)) => Cow::Owned(code.clone()),
    _ => Cow::Borrowed("INTERNAL_SERVER_ERROR"),
  }
}

/// Why a body was not read: larger than the emulator takes (413), or broken off.
fn unread_body(error: &axum::Error) -> (StatusCode, Problem) {
  let too_large = std::error::Error::source(error).is_some_and(|e| e.is::<http_body_util::LengthLimitError>());
  if too_large {
    let problem = Problem::TooLarge(format!(
      "the request body is larger than {MAX_REQUEST_BYTES} bytes ({} MiB), the most the emulator takes: \
       send fewer invites in one request",
      MAX_REQUEST_BYTES >> 20
    ));
    (StatusCode::PAYLOAD_TOO_LARGE, problem)
  } else {
    (
      StatusCode::BAD_REQUEST,
      Problem::BadRequest(format!("The body could not be read: {error}")),
    )
  }
}

/// The answer as JSON, or the problem to answer in its place if it would be larger than a client
/// reads.
fn answer(response: &async_graphql::Response) -> Result<Response, Problem> {
  json_at_most(response, MAX_ANSWER_BYTES).map(|bytes| {
    (
      StatusCode::OK,
      [(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
      )],
      bytes,
    )
      .into_response()
  })
}

/// `value` as JSON, written until it passes `max` bytes: a larger answer is never held whole.
fn json_at_most(value: &impl Serialize, max: usize) -> Result<Vec<u8>, Problem> {
  struct AtMost {
    bytes: Vec<u8>,
    max: usize,
  }
  impl io::Write for AtMost {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
      if self.bytes.len() + buf.len() > self.max {
        return Err(io::Error::from(io::ErrorKind::FileTooLarge));
      }
      self.bytes.extend_from_slice(buf);
      Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
      Ok(())
    }
  }
  let mut writer = AtMost { bytes: Vec::new(), max };
  match serde_json::to_writer(&mut writer, value) {
    Ok(()) => Ok(writer.bytes),
    Err(error) if error.io_error_kind() == Some(io::ErrorKind::FileTooLarge) => Err(Problem::BadRequest(format!(
      "the answer is larger than {max} bytes ({} MiB), the most the emulator sends: \
       ask for fewer invites (a smaller limit) or fewer fields",
      max >> 20
    ))),
    Err(error) => Err(Problem::Internal(format!("the answer could not be written: {error}"))),
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

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn an_answer_is_written_up_to_its_limit_and_never_past_it() {
    let answer = vec!["invite"; 100];
    let whole = serde_json::to_vec(&answer).unwrap();
    assert_eq!(json_at_most(&answer, whole.len()).unwrap(), whole);
    let Err(Problem::BadRequest(message)) = json_at_most(&answer, whole.len() - 1) else {
      panic!("an answer one byte too large was written")
    };
    assert_eq!(
      message,
      format!(
        "the answer is larger than {} bytes (0 MiB), the most the emulator sends: ask for fewer invites (a smaller limit) or fewer fields",
        whole.len() - 1
      )
    );
  }
}
