//! Who is calling: the tokens the emulator issues (HS256 JWTs with `exp`, checked against the
//! emulator's clock, so tests can expire them without waiting), the principal a bearer token
//! stands for, and the checks of the environment's credentials in the server GraphQL endpoint's
//! header and the emulator's own endpoints. The keys themselves are `credentials.rs`.

use axum::http::HeaderMap;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

use crate::platform::Platform;
use crate::principal::Principal;
use crate::problem::Problem;

/// The service account's email, a constant of the platform.
pub const SERVICE_ACCOUNT_EMAIL: &str = "project-service-account@roq.tech";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
enum TokenKind {
  ServiceAccount,
  User,
}

/// What the emulator's tokens carry: the claims a platform access token carries, as far as the
/// docs show them.
#[derive(Debug, Serialize, Deserialize)]
struct Claims {
  sub: String,
  kind: TokenKind,
  #[serde(rename = "roqEnvironmentId")]
  environment_id: String,
  #[serde(rename = "roqUserId", default, skip_serializing_if = "Option::is_none")]
  user_id: Option<String>,
  iat: i64,
  exp: i64,
  /// Makes every token unique, even two issued in the same second.
  jti: String,
  /// A user token's reset generation at its issue (see `reset.rs`); 0 in a token of an emulator
  /// from before generations. A service account's token has none: no reset touches it.
  #[serde(rename = "resetGeneration", default, skip_serializing_if = "Option::is_none")]
  reset_generation: Option<i64>,
}

const INVALID_TOKEN: &str = "Token is invalid or expired";

const RESET_TOKEN: &str =
  "Token was issued before a reset of the emulator removed its user; sign in again (a new session or user token)";

impl Platform {
  /// Checks the environment id and API key a token request carries.
  pub fn check_api_key(&self, environment_id: &str, api_key: &str) -> Result<(), Problem> {
    if self.credentials.matches(environment_id, api_key) {
      Ok(())
    } else {
      Err(Problem::Unauthorized("The environment id or API key is wrong".into()))
    }
  }

  pub fn issue_service_account_token(&self) -> Result<String, Problem> {
    self.issue(
      TokenKind::ServiceAccount,
      "service-account".into(),
      None,
      self.credentials.token_lifetime_secs,
    )
  }

  /// A token for `user_id`, valid for `expires_in` seconds (or the default lifetime).
  /// `generation` is the reset generation read where the user was found or registered, under
  /// the store's lock ([`crate::platform::reset_generations::Resets::generation`]).
  pub fn issue_user_token(&self, user_id: &str, expires_in: Option<i64>, generation: i64) -> Result<String, Problem> {
    let lifetime = expires_in.unwrap_or(self.credentials.token_lifetime_secs);
    self.issue(
      TokenKind::User,
      user_id.to_owned(),
      Some((user_id.to_owned(), generation)),
      lifetime,
    )
  }

  fn issue(
    &self,
    kind: TokenKind,
    sub: String,
    user: Option<(String, i64)>,
    lifetime_secs: i64,
  ) -> Result<String, Problem> {
    let iat = self.clock.now_ms() / 1000;
    let (user_id, reset_generation) = user.unzip();
    let claims = Claims {
      sub,
      kind,
      environment_id: self.credentials.environment_id.clone(),
      user_id,
      iat,
      exp: iat.saturating_add(lifetime_secs),
      jti: uuid::Uuid::new_v4().to_string(),
      reset_generation,
    };
    self.credentials.sign(&claims)
  }

  /// Who a `Bearer <token>` header belongs to: the signature, the environment and `exp` (by the
  /// emulator's clock) are checked, and a user's token must not be older than a reset that
  /// removed its user (`reset.rs`).
  pub fn principal(&self, authorization: Option<&str>) -> Result<Principal, Problem> {
    let token = authorization
      .and_then(|h| h.strip_prefix("Bearer "))
      .ok_or_else(|| Problem::Unauthorized(INVALID_TOKEN.into()))?;
    let claims: Claims = self
      .credentials
      .verify(token.trim())
      .ok_or_else(|| Problem::Unauthorized(INVALID_TOKEN.into()))?;
    if claims.exp.saturating_mul(1000) <= self.clock.now_ms()
      || claims.environment_id != self.credentials.environment_id
    {
      return Err(Problem::Unauthorized(INVALID_TOKEN.into()));
    }
    match (claims.kind, claims.user_id) {
      (TokenKind::ServiceAccount, _) => Ok(Principal::ServiceAccount),
      (TokenKind::User, Some(user_id)) => {
        if self.reset_since(&user_id, claims.reset_generation.unwrap_or(0))? {
          return Err(Problem::Unauthorized(RESET_TOKEN.into()));
        }
        Ok(Principal::User { user_id })
      }
      (TokenKind::User, None) => Err(Problem::Unauthorized(INVALID_TOKEN.into())),
    }
  }

  /// Checks `roq-platform-server-authorization: Basic base64(environmentId:apiKey)`.
  pub fn check_server_authorization(&self, header: Option<&str>) -> Result<(), Problem> {
    let refused = || {
      Problem::Unauthorized(
        "The roq-platform-server-authorization header is missing or wrong; send Basic base64(environmentId:apiKey)"
          .into(),
      )
    };
    let encoded = header.and_then(|h| h.strip_prefix("Basic ")).ok_or_else(refused)?;
    let decoded = STANDARD.decode(encoded.trim()).map_err(|_| refused())?;
    let decoded = String::from_utf8(decoded).map_err(|_| refused())?;
    let (environment_id, api_key) = decoded.split_once(':').ok_or_else(refused)?;
    self.check_api_key(environment_id, api_key).map_err(|_| refused())
  }

  /// The emulator's own endpoints and pages take the environment's credentials as HTTP Basic
  /// auth (`curl -u <environmentId>:<apiKey>`, or a browser's sign-in prompt), or in the
  /// platform's server header.
  pub fn check_emulator_access(&self, headers: &HeaderMap) -> Result<(), Problem> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let basic = header("authorization").or_else(|| header("roq-platform-server-authorization"));
    self.check_server_authorization(basic).map_err(|_| {
      Problem::Unauthorized("Pass the environment's credentials: curl -u <environmentId>:<apiKey> ...".into())
    })
  }
}
