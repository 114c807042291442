//! What the handlers share in a request and its answer: a JSON body read, a header's text, and the
//! answer shapes: JSON typed as the platform's, and its errors as REST (NestJS's exceptions) and
//! as GraphQL (`extensions.response`).

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::problem::Problem;
use crate::request_log::Noted;

/// A JSON answer, typed as the platform types its answers.
pub(super) fn json_response(status: StatusCode, body: &impl Serialize) -> Response {
  match serde_json::to_vec(body) {
    Ok(bytes) => (
      status,
      [(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
      )],
      bytes,
    )
      .into_response(),
    Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
  }
}

/// `response`, carrying what its endpoint noted of the request to the request log's layer.
pub(super) fn with_noted(mut response: Response, noted: Noted) -> Response {
  response.extensions_mut().insert(noted);
  response
}

/// What a refused request's row says of its answer: the platform's code of `problem`.
pub(super) fn refusal_noted(problem: &Problem, noted: Noted) -> Noted {
  Noted {
    error_code: Some(problem.error_code().into()),
    ..noted
  }
}

pub(super) fn header_text<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
  headers.get(name).and_then(|v| v.to_str().ok())
}

/// A REST error, in the body shape of the platform's (NestJS) exceptions.
pub(super) fn problem_response(problem: &Problem) -> Response {
  let status = StatusCode::from_u16(problem.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
  let body = json!({
    "statusCode": problem.status_code(),
    "errorCode": problem.error_code(),
    "message": problem.message(),
  });
  json_response(status, &body)
}

/// A GraphQL error in the platform's shape, `extensions.response {statusCode, errorCode,
/// message}`, which the official SDK turns into its `HttpException`.
pub(super) fn graphql_problem(status: StatusCode, problem: &Problem) -> Response {
  let (code, message) = (problem.error_code(), problem.message());
  let body = json!({
    "errors": [{
      "message": message,
      "extensions": { "code": code, "response": { "statusCode": problem.status_code(), "errorCode": code, "message": message } },
    }],
    "data": null,
  });
  json_response(status, &body)
}

pub(super) fn parse_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, Problem> {
  serde_json::from_slice(body).map_err(|e| Problem::BadRequest(format!("The request body is not valid: {e}")))
}
