//! The platform's token endpoints: a service account's token for the API key, and a user's
//! token for a service account's (reference/roq-protocol.md §1).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::json;

use crate::counters::Counters;
use crate::options::token_lifetime::ExpiresIn;
use crate::platform::auth::SERVICE_ACCOUNT_EMAIL;
use crate::principal::Principal;
use crate::problem::Problem;

use crate::request_log::{Caller, Noted};

use super::answers::{header_text, json_response, parse_body, problem_response, refusal_noted, with_noted};
use super::state::AppState;

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct ServiceAccountLogin {
  email: String,
  environment_id: String,
  api_key: String,
}

/// `POST /v01/authorize/serviceAccount`: the service account's token.
pub(super) async fn service_account_token(State(state): State<AppState>, body: Bytes) -> Response {
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
    Ok(token) => with_noted(
      json_response(StatusCode::CREATED, &json!({ "accessToken": token })),
      Noted {
        caller: Some(Caller::ServiceAccount),
        ..Noted::default()
      },
    ),
    // Whoever asked did not show the API key: the row names no caller.
    Err(problem) => with_noted(problem_response(&problem), refusal_noted(&problem, Noted::default())),
  }
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct UserLogin {
  environment_id: String,
  api_key: String,
  user_id: String,
  #[serde(default)]
  expires_in: Option<ExpiresIn>,
}

/// `POST /v01/authorize`: a user's token, asked for by the service account.
pub(super) async fn user_token(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
  let platform = &state.platform;
  Counters::bump(&platform.counters.user_tokens);
  let principal = platform.principal(header_text(&headers, "roq-platform-authorization"));
  let noted = Noted {
    caller: principal.as_ref().ok().map(Caller::of),
    ..Noted::default()
  };
  let tokens = principal.and_then(|principal| {
    if principal != Principal::ServiceAccount {
      return Err(Problem::Forbidden(
        "Only the service account can ask for a user's token".into(),
      ));
    }
    let login: UserLogin = parse_body(&body)?;
    platform.check_api_key(&login.environment_id, &login.api_key)?;
    let expires_in = login
      .expires_in
      .as_ref()
      .map(ExpiresIn::seconds)
      .transpose()
      .map_err(Problem::BadRequest)?;
    let generation = platform.admit_user(&login.user_id)?;
    Ok((
      platform.issue_user_token(&login.user_id, expires_in, generation)?,
      platform.issue_user_token(&login.user_id, expires_in, generation)?,
    ))
  });
  match tokens {
    Ok((access, id)) => with_noted(
      json_response(StatusCode::CREATED, &json!({ "accessToken": access, "idToken": id })),
      noted,
    ),
    Err(problem) => with_noted(problem_response(&problem), refusal_noted(&problem, noted)),
  }
}
