//! The HTTP endpoints: the platform's (reference/roq-protocol.md §1), the accept page, and the
//! emulator's own (`/__emulator/...`, guarded by the environment's credentials).
//!
//! Every JSON answer is `application/json; charset=utf-8`, as the platform's are: ROQ's browser
//! SDK (graphql-request 5) reads no other type. Only the browser endpoint, `/v01/graphql`, answers
//! browser origins (CORS); the server and token endpoints take the API key, which a page must
//! never hold, so they send no CORS headers at all.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRef, Query, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::auth::SERVICE_ACCOUNT_EMAIL;
use crate::faults::{self, Fault};
use crate::inspect::InviteQuery;
use crate::mail::OutboxFilter;
use crate::platform::{Counters, Platform, Principal, Problem};
use crate::schema::{self, RoqSchema};
use crate::sessions::SessionRequest;
use crate::{accept_page, dashboard};

#[derive(Clone)]
struct AppState {
  platform: Arc<Platform>,
  schema: RoqSchema,
}

impl FromRef<AppState> for Arc<Platform> {
  fn from_ref(state: &AppState) -> Self {
    Arc::clone(&state.platform)
  }
}

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

pub fn router(platform: Arc<Platform>, origins: BrowserOrigins) -> Router {
  let schema = schema::build(Arc::clone(&platform));
  let faults = || axum::middleware::from_fn_with_state(Arc::clone(&platform), faults::inject);
  let cors = CorsLayer::new()
    .allow_origin(AllowOrigin::predicate(move |origin, _| origins.allows(origin)))
    .allow_methods([Method::POST])
    .allow_headers([
      header::CONTENT_TYPE,
      HeaderName::from_static("roq-platform-authorization"),
    ])
    .max_age(Duration::from_secs(600));
  // CORS outside the faults, so that a faulty answer still reaches the page that asked.
  let browser = Router::new()
    .route("/v01/graphql", post(browser_graphql))
    .layer(faults())
    .layer(cors);
  let server = Router::new()
    .route("/v01/authorize/serviceAccount", post(service_account_token))
    .route("/v01/authorize", post(user_token))
    .route("/v01/server/graphql", post(server_graphql))
    .layer(faults());
  let own = Router::new()
    .route("/accept-invite", get(accept_page::show).post(accept_page::accept))
    .route("/__emulator", get(|| async { Redirect::permanent("/__emulator/") }))
    .route("/__emulator/", get(dashboard::show))
    .route("/__emulator/outbox", get(outbox))
    .route("/__emulator/invites", get(invites))
    .route("/__emulator/faults", get(queued_faults).post(set_faults))
    .route("/__emulator/webhooks", get(webhook_deliveries))
    .route("/__emulator/sessions", post(create_session));
  Router::new()
    .merge(browser)
    .merge(server)
    .merge(own)
    .with_state(AppState { platform, schema })
}

/// A JSON answer, typed as the platform types its answers.
fn json_response(status: StatusCode, body: &impl Serialize) -> Response {
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
  json_response(status, &body)
}

/// A GraphQL error in the platform's shape, `extensions.response {statusCode, errorCode,
/// message}`, which the official SDK turns into its `HttpException`.
fn graphql_problem(status: StatusCode, problem: &Problem) -> Response {
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

fn parse_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, Problem> {
  serde_json::from_slice(body).map_err(|e| Problem::BadRequest(format!("The request body is not valid: {e}")))
}

#[derive(serde::Deserialize)]
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
    Ok(token) => json_response(StatusCode::CREATED, &json!({ "accessToken": token })),
    Err(problem) => problem_response(&problem),
  }
}

#[derive(serde::Deserialize)]
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
    Ok((access, id)) => json_response(StatusCode::CREATED, &json!({ "accessToken": access, "idToken": id })),
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
async fn server_graphql(state: State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
  let principal = state
    .platform
    .check_server_authorization(header(&headers, "roq-platform-server-authorization"))
    .and_then(|()| state.platform.principal(header(&headers, "roq-platform-authorization")));
  execute(&state, principal, &body).await
}

/// `POST /v01/graphql`: the browser endpoint of `@roq/client`, which sends the user's bearer
/// token only.
async fn browser_graphql(state: State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
  let principal = state.platform.principal(header(&headers, "roq-platform-authorization"));
  execute(&state, principal, &body).await
}

/// Runs a GraphQL request (`{ query, variables?, operationName? }` as JSON) as `principal`.
async fn execute(state: &AppState, principal: Result<Principal, Problem>, body: &[u8]) -> Response {
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

/// `GET /__emulator/outbox?to=&userInviteId=`: the mails written so far.
async fn outbox(State(state): State<AppState>, headers: HeaderMap, Query(filter): Query<OutboxFilter>) -> Response {
  match state
    .platform
    .check_emulator_access(&headers)
    .and_then(|()| state.platform.outbox(&filter))
  {
    Ok(mails) => json_response(StatusCode::OK, &mails),
    Err(problem) => problem_response(&problem),
  }
}

/// `GET /__emulator/invites?tenantId=&status=&limit=`: every invite, newest first, with its history.
async fn invites(State(state): State<AppState>, headers: HeaderMap, Query(query): Query<InviteQuery>) -> Response {
  match state
    .platform
    .check_emulator_access(&headers)
    .and_then(|()| state.platform.invite_records(&query))
  {
    Ok(records) => json_response(StatusCode::OK, &records),
    Err(problem) => problem_response(&problem),
  }
}

/// `GET /__emulator/faults`: the faults still waiting, in order.
async fn queued_faults(State(state): State<AppState>, headers: HeaderMap) -> Response {
  match state.platform.check_emulator_access(&headers) {
    Ok(()) => json_response(StatusCode::OK, &state.platform.faults.queued()),
    Err(problem) => problem_response(&problem),
  }
}

/// `POST /__emulator/faults`: replaces the fault queue with the JSON list in the body (a single
/// fault is a list of one; `[]` clears it).
async fn set_faults(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
  let faults = state.platform.check_emulator_access(&headers).and_then(|()| {
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
      json_response(StatusCode::OK, &json!({ "queued": count }))
    }
    Err(problem) => problem_response(&problem),
  }
}

/// `GET /__emulator/webhooks`: every webhook delivery, newest first, with its attempts.
async fn webhook_deliveries(State(state): State<AppState>, headers: HeaderMap) -> Response {
  match state
    .platform
    .check_emulator_access(&headers)
    .and_then(|()| state.platform.webhook_deliveries(usize::MAX >> 1))
  {
    Ok(deliveries) => json_response(StatusCode::OK, &deliveries),
    Err(problem) => problem_response(&problem),
  }
}

/// `POST /__emulator/sessions`: signs a development user in (see [`crate::sessions`]).
async fn create_session(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
  let session = state
    .platform
    .check_emulator_access(&headers)
    .and_then(|()| parse_body::<SessionRequest>(&body))
    .and_then(|request| state.platform.session(&request));
  match session {
    Ok(session) => json_response(StatusCode::CREATED, &session),
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
