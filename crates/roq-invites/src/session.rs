//! The session of a ROQ BaaS app: the `roq-session-token` cookie, a JWT whose payload ROQ's docs
//! show as `{ id, roqAccessToken, roqUserId, user: { firstName, lastName, email, timezone,
//! locale, roles, tenantId }, iat, exp }`.
//!
//! It is read without verifying its signature. Whoever set the cookie (the app's auth layer)
//! verifies it; the platform verifies the `roqAccessToken` inside on every call, so acting as the
//! session's user (`withBaasToken`) gets no more than that user may do, whatever the payload says.

use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::jwt;

/// The signed-in user, as the session's payload describes them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionUser {
  #[serde(default)]
  pub first_name: Option<String>,
  #[serde(default)]
  pub last_name: Option<String>,
  #[serde(default)]
  pub email: Option<String>,
  #[serde(default)]
  pub timezone: Option<String>,
  #[serde(default)]
  pub locale: Option<String>,
  #[serde(default)]
  pub roles: Vec<String>,
  #[serde(default)]
  pub tenant_id: Option<String>,
}

/// Who is signed in, and in which tenant: what an app takes `tenantId` and `createdByUserId`
/// from. The access token stays out of it (act as the user with `withBaasToken`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Session {
  /// The session's own id.
  pub id: Option<String>,
  pub roq_user_id: String,
  /// The user's tenant (`user.tenantId`).
  pub tenant_id: String,
  pub user: SessionUser,
  /// When the session was issued and when it ends, in seconds since the Unix epoch.
  pub iat: Option<i64>,
  pub exp: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Claims {
  #[serde(default)]
  id: Option<String>,
  #[serde(default)]
  roq_access_token: Option<String>,
  #[serde(default)]
  roq_user_id: Option<String>,
  #[serde(default)]
  user: Option<SessionUser>,
  #[serde(default)]
  iat: Option<f64>,
  #[serde(default)]
  exp: Option<f64>,
}

const FIX: &str = "pass the value of the app's roq-session-token cookie";

fn claims(token: &str, what: &str) -> Result<Claims> {
  let payload = jwt::payload(token.trim())
    .ok_or_else(|| Error::invalid_argument(format!("{what}: is not a JWT (three base64url parts); {FIX}")))?;
  serde_json::from_value(serde_json::Value::Object(payload))
    .map_err(|e| Error::invalid_argument(format!("{what}: its payload is not a ROQ session ({e}); {FIX}")))
}

/// Reads who is signed in from a session token; see the module's note on verification.
pub fn read_session(token: &str) -> Result<Session> {
  const WHAT: &str = "sessionToken";
  let claims = claims(token, WHAT)?;
  let present = |value: Option<String>, claim: &str| {
    value
      .filter(|v| !v.trim().is_empty())
      .ok_or_else(|| Error::invalid_argument(format!("{WHAT}: has no {claim} claim; {FIX}")))
  };
  let roq_user_id = present(claims.roq_user_id, "roqUserId")?;
  let user = claims.user.unwrap_or_default();
  let tenant_id = present(user.tenant_id.clone(), "user.tenantId")?;
  Ok(Session {
    id: claims.id,
    roq_user_id,
    tenant_id,
    user,
    iat: claims.iat.map(|s| s as i64),
    exp: claims.exp.map(|s| s as i64),
  })
}

/// The session's `roqAccessToken`: the bearer that acts as its user (`withBaasToken`).
pub(crate) fn access_token(token: &str) -> Result<SecretString> {
  const WHAT: &str = "sessionJwt";
  claims(token, WHAT)?
    .roq_access_token
    .filter(|t| !t.is_empty())
    .map(SecretString::from)
    .ok_or_else(|| Error::invalid_argument(format!("{WHAT}: has no roqAccessToken claim; {FIX}")))
}

#[cfg(test)]
mod tests {
  use base64::Engine as _;
  use base64::engine::general_purpose::URL_SAFE_NO_PAD;
  use secrecy::ExposeSecret;
  use serde_json::{Value, json};

  use super::*;
  use crate::error::ErrorCode;

  fn jwt(claims: Value) -> String {
    let part = |v: &Value| URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap());
    format!("{}.{}.sig", part(&json!({"alg": "HS256"})), part(&claims))
  }

  #[test]
  fn reads_the_ids_and_keeps_the_access_token_out() {
    let token = jwt(json!({
      "id": "s1", "roqAccessToken": "secret.access.token", "roqUserId": "u1",
      "user": { "firstName": "Ada", "email": "ada@acme.io", "roles": ["owner"], "tenantId": "acme", "timezone": "UTC" },
      "iat": 1_700_000_000, "exp": 1_700_003_600
    }));
    let session = read_session(&token).unwrap();
    assert_eq!(
      (session.roq_user_id.as_str(), session.tenant_id.as_str()),
      ("u1", "acme")
    );
    assert_eq!(session.user.roles, ["owner"]);
    assert_eq!(session.exp, Some(1_700_003_600));
    assert!(!serde_json::to_string(&session).unwrap().contains("secret.access.token"));
    assert_eq!(access_token(&token).unwrap().expose_secret(), "secret.access.token");
  }

  #[test]
  fn names_what_is_missing() {
    for (token, expected) in [
      ("not-a-jwt".to_owned(), "sessionToken: is not a JWT"),
      (
        jwt(json!({ "user": { "tenantId": "acme" } })),
        "sessionToken: has no roqUserId claim",
      ),
      (
        jwt(json!({ "roqUserId": "u1", "user": {} })),
        "sessionToken: has no user.tenantId claim",
      ),
      (
        jwt(json!({ "roqUserId": "u1", "user": "acme" })),
        "sessionToken: its payload is not a ROQ session",
      ),
    ] {
      let error = read_session(&token).unwrap_err();
      assert_eq!(error.code(), ErrorCode::InvalidArgument);
      assert!(error.message().starts_with(expected), "{error}");
    }
  }
}
