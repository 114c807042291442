//! The platform's token endpoints: a service account's token for the API key, and a user's
//! token for a service account's (reference/roq-protocol.md §1).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use crate::auth::SERVICE_ACCOUNT_EMAIL;
use crate::platform::{Counters, Principal, Problem};

use super::{AppState, header_text, json_response, parse_body, problem_response};

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
pub(super) async fn user_token(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
  let platform = &state.platform;
  Counters::bump(&platform.counters.user_tokens);
  let tokens = platform
    .principal(header_text(&headers, "roq-platform-authorization"))
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
