//! Sessions for local development: a signed-in user of a tenant, as a ROQ BaaS app holds one in
//! its `roq-session-token` cookie.
//!
//! ROQ's docs show the cookie's payload as `{ id, roqAccessToken, roqUserId, user: { firstName,
//! lastName, email, timezone, locale, roles, tenantId }, iat, exp }`. The emulator signs it with
//! its own key, and `roqAccessToken` is one of its user tokens, so `withBaasToken(token)` and
//! ROQ's browser SDK act as that user. Minting one registers the user in the tenant (even with
//! `strict`, since this is how a developer seeds users). The tenant and user ids are taken exactly
//! as given, as the send takes them (`ids.rs`).

use rusqlite::{Transaction, params};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use roq_rules::{MAX_ROLES, is_email};

use crate::options::token_lifetime::ExpiresIn;
use crate::platform::Platform;
use crate::platform::details::check_details;
use crate::platform::ids::check_id;
use crate::platform::invite::new_id;
use crate::platform::users::{User, find_user, user_tenant, user_with_email};
use crate::problem::Problem;

/// Who to sign in with `emulator.session(...)` (and `POST /__emulator/sessions`): a development
/// user of a tenant.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(
  feature = "typescript",
  derive(ts_rs::TS),
  ts(rename = "SessionOptions", optional_fields)
)]
pub struct SessionRequest {
  /// The user's tenant.
  pub tenant_id: String,
  /// The user's id; without one, the user of the tenant with `email`, or a new user.
  #[serde(default)]
  pub user_id: Option<String>,
  #[serde(default)]
  pub email: Option<String>,
  #[serde(default)]
  pub first_name: Option<String>,
  #[serde(default)]
  pub last_name: Option<String>,
  /// Role keys, e.g. `['owner']`; kept from an earlier session if absent.
  #[serde(default)]
  pub roles: Option<Vec<String>>,
  #[serde(default)]
  pub locale: Option<String>,
  /// How long the session (and its access token) lasts: whole seconds, or `'90s'`, `'15m'`, `'2h'`,
  /// `'7d'`; at most 365 days. The emulator's token lifetime if absent.
  #[serde(default)]
  #[cfg_attr(feature = "typescript", ts(type = "number | string", optional))]
  pub expires_in: Option<ExpiresIn>,
}

/// A development session: what a ROQ app's sign-in leaves in its `roq-session-token` cookie.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(rename = "DevSession"))]
pub struct Session {
  /// The `roq-session-token` cookie's value: a JWT whose payload is ROQ's `{ id, roqAccessToken,
  /// roqUserId, user: { firstName, lastName, email, timezone, locale, roles, tenantId }, iat, exp }`.
  /// `client.withBaasToken(token)` and ROQ's browser SDK act as its user.
  pub token: String,
  pub roq_user_id: String,
  pub tenant_id: String,
  /// The user's access token (the session's `roqAccessToken`): the bearer of ROQ's browser SDK.
  pub access_token: String,
}

/// The session cookie's payload, with ROQ's claim names.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SessionClaims<'a> {
  id: String,
  roq_access_token: &'a str,
  roq_user_id: &'a str,
  user: SessionUser,
  iat: i64,
  exp: i64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SessionUser {
  first_name: Option<String>,
  last_name: Option<String>,
  email: Option<String>,
  timezone: &'static str,
  locale: Option<String>,
  roles: Vec<String>,
  tenant_id: String,
}

fn bad(message: impl Into<String>) -> Problem {
  Problem::BadRequest(message.into())
}

impl SessionRequest {
  fn check(&self) -> Result<(), Problem> {
    let id = |field: &str, value: &str| check_id(field, value).map_err(bad);
    id("tenantId", &self.tenant_id)?;
    if let Some(user_id) = &self.user_id {
      id("userId", user_id)?;
    }
    if let Some(email) = self.email.as_deref().filter(|e| !is_email(e)) {
      return Err(bad(format!("email {email:?} is not an email address")));
    }
    if let Some(roles) = &self.roles {
      if roles.len() > MAX_ROLES {
        return Err(bad(format!("roles: at most {MAX_ROLES} role keys")));
      }
      for role in roles {
        id("roles[]", role)?;
      }
    }
    check_details(
      self.first_name.as_deref(),
      self.last_name.as_deref(),
      self.locale.as_deref(),
      None,
    )
    .map_err(bad)
  }
}

impl Platform {
  /// Signs a user of `request.tenant_id` in, registering (or updating) the user first.
  pub fn session(&self, request: &SessionRequest) -> Result<Session, Problem> {
    request.check()?;
    let lifetime = match &request.expires_in {
      Some(expires_in) => expires_in.seconds().map_err(bad)?,
      None => self.credentials.token_lifetime_secs,
    };
    let tenant_id = request.tenant_id.as_str();
    let now = self.clock.now_ms();
    let (member, generation) = {
      let mut connection = self.store.lock();
      let tx = connection.transaction()?;
      let member = register(&tx, request, tenant_id, now)?;
      tx.commit()?;
      (member, self.resets.generation())
    };
    let access_token = self.issue_user_token(&member.id, Some(lifetime), generation)?;
    let iat = now / 1000;
    let token = self.credentials.sign(&SessionClaims {
      id: uuid::Uuid::new_v4().to_string(),
      roq_access_token: &access_token,
      roq_user_id: &member.id,
      user: SessionUser {
        first_name: member.first_name,
        last_name: member.last_name,
        email: member.email,
        timezone: "UTC",
        locale: member.locale,
        roles: member.roles.unwrap_or_default(),
        tenant_id: tenant_id.to_owned(),
      },
      iat,
      exp: iat.saturating_add(lifetime),
    })?;
    Ok(Session {
      token,
      roq_user_id: member.id,
      tenant_id: tenant_id.to_owned(),
      access_token,
    })
  }
}

/// The user the session is for, created or updated with what the request says.
fn register(tx: &Transaction, request: &SessionRequest, tenant_id: &str, now: i64) -> Result<User, Problem> {
  let email = request.email.as_deref().map(str::trim);
  let user_id = match request.user_id.as_deref() {
    Some(user_id) => {
      if let Some(Some(own)) = user_tenant(tx, user_id)?
        && own != tenant_id
      {
        return Err(Problem::Conflict(format!(
          "User {user_id} belongs to tenant {own}, not {tenant_id}; a user has one tenant"
        )));
      }
      user_id.to_owned()
    }
    None => match email {
      Some(email) => user_with_email(tx, tenant_id, email)?.unwrap_or_else(new_id),
      None => new_id(),
    },
  };
  let roles = request.roles.as_ref().map(|r| Value::from(r.clone()).to_string());
  tx.prepare_cached(
    "INSERT INTO users (id, tenant_id, email, first_name, last_name, locale, roles, created_at, updated_at)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)
     ON CONFLICT (id) DO UPDATE SET
       tenant_id = excluded.tenant_id,
       email = coalesce(excluded.email, users.email),
       first_name = coalesce(excluded.first_name, users.first_name),
       last_name = coalesce(excluded.last_name, users.last_name),
       locale = coalesce(excluded.locale, users.locale),
       roles = coalesce(excluded.roles, users.roles),
       updated_at = excluded.updated_at",
  )?
  .execute(params![
    user_id,
    tenant_id,
    email,
    request.first_name,
    request.last_name,
    request.locale,
    roles,
    now
  ])?;
  // Just written: always there.
  Ok(find_user(tx, &user_id)?.ok_or(rusqlite::Error::QueryReturnedNoRows)?)
}
