//! The HTTP endpoints: the platform's (reference/roq-protocol.md §1) and the emulator's own
//! (`/__emulator/...`, guarded by the environment's credentials).

use std::sync::Arc;

use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::auth::SERVICE_ACCOUNT_EMAIL;
use crate::faults::{self, Fault};

use crate::mail::OutboxFilter;
use crate::platform::{Counters, Platform, Principal, Problem};
use crate::schema::{self, RoqSchema};

#[derive(Clone)]
struct AppState {
  platform: Arc<Platform>,
  schema: RoqSchema,
}

pub fn router(platform: Arc<Platform>) -> Router {
  let schema = schema::build(Arc::clone(&platform));
  Router::new()
    .route("/v01/authorize/serviceAccount", post(service_account_token))
    .route("/v01/authorize", post(user_token))
    .route("/v01/server/graphql", post(server_graphql))
    .route("/v01/graphql", post(browser_graphql))
    .route("/__emulator/outbox", get(outbox))
    .route("/__emulator/faults", post(set_faults))
    .layer(axum::middleware::from_fn_with_state(
      Arc::clone(&platform),
      faults::inject,
    ))
    .with_state(AppState { platform, schema })
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
  headers.get(name).and_then(|v| v.to_str().ok())
}

/// A REST error, in the body shape of the platform's (NestJS) exceptions.
fn problem_response(problem: &Problem) -> Response {
  let status = StatusCode::from_u16(problem.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
  let body = json!({
    "statusCode": problem.status_code(),
    "errorCode": problem.error_code(),
    "message": problem.message(),
  });
  (status, Json(body)).into_response()
}

fn parse_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, Problem> {
  serde_json::from_slice(body).map_err(|e| Problem::BadRequest(format!("The request body is not valid: {e}")))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ServiceAccountLogin {
  email: String,
  environment_id: String,
  api_key: String,
}

/// `POST /v01/authorize/serviceAccount`: the service account's token.
async fn service_account_token(State(state): State<AppState>, body: Bytes) -> Response {
  let platform = &state.platform;
  Counters::bump(&platform.counters.service_account_tokens);
  let token = parse_body::<ServiceAccountLogin>(&body).and_then(|login| {
    if login.email != SERVICE_ACCOUNT_EMAIL {
      return Err(Problem::Unauthorized(format!(
        "Unknown service account {:?}",
        login.email
      )));
    }
    platform.check_api_key(&login.environment_id, &login.api_key)?;
    platform.issue_service_account_token()
  });
  match token {
    Ok(token) => (StatusCode::CREATED, Json(json!({ "accessToken": token }))).into_response(),
    Err(problem) => problem_response(&problem),
  }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UserLogin {
  environment_id: String,
  api_key: String,
  user_id: String,
  #[serde(default)]
  expires_in: Option<Value>,
}

/// `POST /v01/authorize`: a user's token, asked for by the service account.
async fn user_token(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
  let platform = &state.platform;
  Counters::bump(&platform.counters.user_tokens);
  let tokens = platform
    .principal(header(&headers, "roq-platform-authorization"))
    .and_then(|principal| {
      if principal != Principal::ServiceAccount {
        return Err(Problem::Forbidden(
          "Only the service account can ask for a user's token".into(),
        ));
      }
      let login: UserLogin = parse_body(&body)?;
      platform.check_api_key(&login.environment_id, &login.api_key)?;
      let expires_in = login.expires_in.as_ref().map(expires_in_seconds).transpose()?;
      platform.admit_user(&login.user_id)?;
      Ok((
        platform.issue_user_token(&login.user_id, expires_in)?,
        platform.issue_user_token(&login.user_id, expires_in)?,
      ))
    });
  match tokens {
    Ok((access, id)) => (
      StatusCode::CREATED,
      Json(json!({ "accessToken": access, "idToken": id })),
    )
      .into_response(),
    Err(problem) => problem_response(&problem),
  }
}

/// `expiresIn` as seconds: a number, or a string like "3600", "90s", "15m", "12h" or "7d".
fn expires_in_seconds(value: &Value) -> Result<i64, Problem> {
  let invalid = || {
    Problem::BadRequest(format!(
      "expiresIn {value} is not a duration; pass seconds, or e.g. \"15m\""
    ))
  };
  let seconds = match value {
    Value::Number(n) => n.as_f64().ok_or_else(invalid)?,
    Value::String(text) => {
      let text = text.trim();
      let (number, unit) = match text.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&text[..i], c),
        _ => (text, 's'),
      };
      let factor = match unit {
        's' => 1.0,
        'm' => 60.0,
        'h' => 3600.0,
        'd' => 86400.0,
        _ => return Err(invalid()),
      };
      number.trim().parse::<f64>().map_err(|_| invalid())? * factor
    }
    _ => return Err(invalid()),
  };
  if seconds.is_finite() && seconds >= 1.0 {
    Ok(seconds as i64)
  } else {
    Err(invalid())
  }
}

/// `POST /v01/server/graphql`: both headers are checked on every call; a failure answers in
/// the platform's GraphQL error shape.
async fn server_graphql(state: State<AppState>, headers: HeaderMap, request: GraphQLRequest) -> Response {
  let principal = state
    .platform
    .check_server_authorization(header(&headers, "roq-platform-server-authorization"))
    .and_then(|()| state.platform.principal(header(&headers, "roq-platform-authorization")));
  execute(&state, principal, request).await
}

/// `POST /v01/graphql`: the browser endpoint of `@roq/client`, which sends the user's bearer
/// token only.
async fn browser_graphql(state: State<AppState>, headers: HeaderMap, request: GraphQLRequest) -> Response {
  let principal = state.platform.principal(header(&headers, "roq-platform-authorization"));
  execute(&state, principal, request).await
}

async fn execute(state: &AppState, principal: Result<Principal, Problem>, request: GraphQLRequest) -> Response {
  Counters::bump(&state.platform.counters.graphql);
  match principal {
    Ok(principal) => {
      GraphQLResponse::from(state.schema.execute(request.into_inner().data(principal)).await).into_response()
    }
    Err(problem) => {
      let (status, code, message) = (problem.status_code(), problem.error_code(), problem.message());
      Json(json!({
        "errors": [{
          "message": message,
          "extensions": { "code": code, "response": { "statusCode": status, "errorCode": code, "message": message } },
        }],
        "data": null,
      }))
      .into_response()
    }
  }
}

/// The emulator's own endpoints take the environment's credentials as HTTP Basic auth
/// (`curl -u <environmentId>:<apiKey>`) or in the platform's server header.
fn check_emulator_access(platform: &Platform, headers: &HeaderMap) -> Result<(), Problem> {
  let basic =
    header(headers, header::AUTHORIZATION.as_str()).or_else(|| header(headers, "roq-platform-server-authorization"));
  platform.check_server_authorization(basic).map_err(|_| {
    Problem::Unauthorized("Pass the environment's credentials: curl -u <environmentId>:<apiKey> ...".into())
  })
}

/// `GET /__emulator/outbox?to=&userInviteId=`: the mails written so far.
async fn outbox(State(state): State<AppState>, headers: HeaderMap, Query(filter): Query<OutboxFilter>) -> Response {
  match check_emulator_access(&state.platform, &headers).and_then(|()| state.platform.outbox(&filter)) {
    Ok(mails) => Json(mails).into_response(),
    Err(problem) => problem_response(&problem),
  }
}

/// `POST /__emulator/faults`: replaces the fault queue with the JSON list in the body (a single
/// fault is a list of one; `[]` clears it).
async fn set_faults(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
  let faults = check_emulator_access(&state.platform, &headers).and_then(|()| {
    let value: Value = parse_body(&body)?;
    let list = if value.is_array() {
      value
    } else {
      Value::Array(vec![value])
    };
    serde_json::from_value::<Vec<Fault>>(list)
      .map_err(|e| Problem::BadRequest(format!("The faults are not valid: {e}")))
  });
  match faults {
    Ok(faults) => {
      let count = faults.len();
      state.platform.faults.set(faults);
      Json(json!({ "queued": count })).into_response()
    }
    Err(problem) => problem_response(&problem),
  }
}

#[cfg(test)]
mod tests {

  use super::*;

  #[test]
  fn reads_expires_in_as_seconds_or_with_a_unit() {
    for (given, seconds) in [
      (json!(3600), 3600),
      (json!("90"), 90),
      (json!("15m"), 900),
      (json!("2h"), 7200),
      (json!("1d"), 86400),
    ] {
      assert_eq!(expires_in_seconds(&given), Ok(seconds), "{given}");
    }
    for bad in [json!(0), json!(-5), json!("soon"), json!("5y"), json!(true)] {
      assert!(expires_in_seconds(&bad).is_err(), "{bad}");
    }
  }
}
