//! Sending: creating invites, each entry checked on its own, and the rules that decide which
//! tenant an invite belongs to. The whole call is one transaction. Tenant and user ids are taken
//! exactly as given, by the rule every endpoint keeps (`ids.rs`).

use std::collections::{HashMap, HashSet};

use rusqlite::{OptionalExtension, Transaction, params};
use serde_json::{Map, Value};

use roq_rules::{MAX_INVITES_PER_REQUEST, MAX_ROLES, UserInviteStatus, email_key, is_email};

use crate::platform::Platform;
use crate::platform::credentials::random_text;
use crate::platform::details::check_details;
use crate::platform::history::{Change, InviteEvent};
use crate::platform::ids::check_id;
use crate::platform::invite::{INVITE_COLUMNS, Invite, new_id, read_invite, token_hash};
use crate::platform::mail;
use crate::platform::users::{save_user, user_tenant};
use crate::principal::Principal;
use crate::problem::Problem;

/// What one send call knows while it checks its entries.
struct SendCall<'a> {
  tx: &'a Transaction<'a>,
  principal: &'a Principal,
  /// A user's own tenant, which it may only invite into.
  caller_tenant: Option<String>,
  /// The tenant the call names for all its entries.
  call_tenant: Option<String>,
  now: i64,
  /// The (tenant, email) pairs already in this call.
  seen: HashSet<(String, String)>,
  /// The inviters looked up so far: a call's entries usually share one.
  inviters: HashMap<String, Option<Option<String>>>,
}

impl SendCall<'_> {
  fn inviter_tenant(&mut self, user_id: &str) -> rusqlite::Result<Option<Option<String>>> {
    if let Some(known) = self.inviters.get(user_id) {
      return Ok(known.clone());
    }
    let tenant = user_tenant(self.tx, user_id)?;
    self.inviters.insert(user_id.to_owned(), tenant.clone());
    Ok(tenant)
  }
}

/// One entry of a send, whichever generation of the mutation it came from.
#[derive(Clone, Debug, Default)]
pub struct NewInvite {
  pub created_by_user_id: String,
  pub email: String,
  pub first_name: Option<String>,
  pub last_name: Option<String>,
  pub locale: Option<String>,
  pub roles: Option<Vec<String>>,
  /// V1 `data`, or V2 `injectableVariables`.
  pub data: Option<Map<String, Value>>,
  /// V1 only: a tenant for this entry.
  pub tenant_id: Option<String>,
}

/// An entry the platform refused, in the shape of `CreateUserInviteErrorModel`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
  pub email: String,
  pub error: String,
  pub first_name: String,
  pub last_name: String,
}

#[derive(Debug, Default)]
pub struct SendOutcome {
  pub success: Vec<Invite>,
  pub errors: Vec<Refusal>,
}

impl Platform {
  /// Creates one invite per entry and writes its mail. Each entry is checked on its own: a bad
  /// one is refused with a clear text while the others are created. The whole call is one
  /// transaction, so it is stored entirely or not at all.
  pub fn send_invites(
    &self,
    principal: &Principal,
    tenant_id: Option<String>,
    entries: Vec<NewInvite>,
  ) -> Result<SendOutcome, Problem> {
    if entries.len() > MAX_INVITES_PER_REQUEST {
      return Err(Problem::BadRequest(format!(
        "At most {MAX_INVITES_PER_REQUEST} invites can be sent in one call; this call has {}",
        entries.len()
      )));
    }
    // The call's tenant is every entry's: a bad one refuses the call, as the client does.
    if let Some(tenant) = &tenant_id {
      check_id("tenantId", tenant).map_err(Problem::BadRequest)?;
    }
    let now = self.clock.now_ms();
    let mut connection = self.store.lock();
    let tx = connection.transaction()?;
    let caller_tenant = match principal {
      Principal::ServiceAccount => None,
      Principal::User { user_id } => Some(self.user_tenant_for_send(&tx, user_id, tenant_id.as_deref(), now)?),
    };
    let mut call = SendCall {
      tx: &tx,
      principal,
      caller_tenant,
      call_tenant: tenant_id,
      now,
      seen: HashSet::new(),
      inviters: HashMap::new(),
    };
    let mut outcome = SendOutcome::default();
    for entry in entries {
      match self.check_entry(&mut call, &entry)? {
        Ok(tenant) => outcome.success.push(self.create_invite(&tx, &tenant, entry, now)?),
        Err(error) => outcome.errors.push(Refusal {
          email: entry.email,
          error,
          first_name: entry.first_name.unwrap_or_default(),
          last_name: entry.last_name.unwrap_or_default(),
        }),
      }
    }
    tx.commit()?;
    drop(connection);
    self.webhooks.wake();
    Ok(outcome)
  }

  /// The tenant a user invites into: its own. A user the emulator has not seen yet takes the
  /// tenant of its first send.
  fn user_tenant_for_send(
    &self,
    tx: &Transaction,
    user_id: &str,
    requested: Option<&str>,
    now: i64,
  ) -> Result<String, Problem> {
    match (user_tenant(tx, user_id)?.flatten(), requested) {
      (Some(own), Some(requested)) if own != requested => Err(Problem::Forbidden(format!(
        "A user can only invite into their own tenant; user {user_id} belongs to tenant {own}, not {requested}"
      ))),
      (Some(own), _) => Ok(own),
      (None, Some(requested)) => {
        save_user(tx, user_id, Some(requested), now)?;
        Ok(requested.to_owned())
      }
      (None, None) => Err(Problem::BadRequest(format!(
        "User {user_id} has no tenant yet; pass tenantId with the invites"
      ))),
    }
  }

  /// Checks one entry: `Ok(Ok(tenant))` if it can be created, `Ok(Err(text))` if it is refused.
  fn check_entry(&self, call: &mut SendCall, entry: &NewInvite) -> Result<Result<String, String>, Problem> {
    if let Err(text) = check_fields(entry) {
      return Ok(Err(text));
    }
    if let Principal::User { user_id } = call.principal
      && &entry.created_by_user_id != user_id
    {
      return Ok(Err(format!(
        "createdByUserId must be your own user id ({user_id}) when you invite as a user"
      )));
    }
    let inviter_tenant = call.inviter_tenant(&entry.created_by_user_id)?;
    if self.rules.strict && inviter_tenant.is_none() {
      return Ok(Err(format!(
        "createdByUserId {} is not a user of this environment",
        entry.created_by_user_id
      )));
    }
    let tenant = match (
      call.caller_tenant.as_deref(),
      entry.tenant_id.as_deref().or(call.call_tenant.as_deref()),
    ) {
      (Some(own), Some(asked)) if own != asked => {
        return Ok(Err(format!(
          "tenantId {asked} is not your tenant; a user can only invite into their own tenant"
        )));
      }
      (Some(own), _) => own.to_owned(),
      (None, Some(asked)) => asked.to_owned(),
      (None, None) => match inviter_tenant.clone().flatten() {
        Some(tenant) => tenant,
        None => {
          return Ok(Err(
            "tenantId is missing and the inviter has no tenant; pass tenantId".to_owned(),
          ));
        }
      },
    };
    let key = email_key(&entry.email);
    if !call.seen.insert((tenant.clone(), key.clone())) {
      return Ok(Err(format!("{} appears more than once in this request", entry.email)));
    }
    if self.pending_invite_exists(call.tx, &tenant, &key, call.now)? {
      return Ok(Err(format!(
        "An invite to {} is already pending in this tenant",
        entry.email
      )));
    }
    if inviter_tenant.is_none() {
      save_user(call.tx, &entry.created_by_user_id, Some(&tenant), call.now)?;
      call
        .inviters
        .insert(entry.created_by_user_id.clone(), Some(Some(tenant.clone())));
    }
    Ok(Ok(tenant))
  }

  fn create_invite(&self, tx: &Transaction, tenant_id: &str, entry: NewInvite, now: i64) -> Result<Invite, Problem> {
    let token = random_text();
    let invite = Invite {
      id: new_id(),
      tenant_id: tenant_id.to_owned(),
      email: entry.email.trim().to_owned(),
      // Omitted names are stored (and read) as "", as in the platform's documented answers.
      first_name: Some(entry.first_name.unwrap_or_default()),
      last_name: Some(entry.last_name.unwrap_or_default()),
      locale: entry.locale,
      data: entry.data,
      role_keys: entry.roles,
      status: UserInviteStatus::Pending,
      status_updated_at: now,
      created_by_user_id: entry.created_by_user_id,
      accepted_by_user_id: None,
      user_token_id: new_id(),
      valid_till: self.rules.valid_till(now),
      created_at: now,
      updated_at: now,
    };
    invite.insert(tx, &token_hash(&token), None)?;
    self.record(
      tx,
      Change {
        event: InviteEvent::Created,
        previous: None,
        current: &invite,
        at: now,
      },
    )?;
    mail::write_invitation(tx, &self.rules, &invite, &token, now)?;
    Ok(invite)
  }
}

/// The checks that need nothing but the entry itself.
fn check_fields(entry: &NewInvite) -> Result<(), String> {
  check_id("createdByUserId", &entry.created_by_user_id)?;
  if let Some(tenant) = &entry.tenant_id {
    check_id("tenantId", tenant)?;
  }
  if !is_email(&entry.email) {
    return Err(format!("{:?} is not a valid email address", entry.email));
  }
  if let Some(roles) = &entry.roles
    && (roles.len() > MAX_ROLES || roles.iter().any(|r| roq_rules::check_id(r).is_err()))
  {
    return Err(format!("roles must be at most {MAX_ROLES} non-empty role keys"));
  }
  check_details(
    entry.first_name.as_deref(),
    entry.last_name.as_deref(),
    entry.locale.as_deref(),
    entry.data.as_ref(),
  )
}

impl Platform {
  /// Whether `email` has a pending invite in `tenant` that has not expired. One that has expired
  /// is marked so, which frees the email for a new invite.
  fn pending_invite_exists(&self, tx: &Transaction, tenant: &str, key: &str, now: i64) -> rusqlite::Result<bool> {
    let found = tx
      .prepare_cached(&format!(
        "SELECT {INVITE_COLUMNS} FROM user_invites WHERE tenant_id = ?1 AND email_key = ?2 AND status = 'pending'"
      ))?
      .query_row(params![tenant, key], read_invite)
      .optional()?;
    match found {
      Some(invite) if invite.valid_till <= now => {
        self.expire(tx, &invite)?;
        Ok(false)
      }
      Some(_) => Ok(true),
      None => Ok(false),
    }
  }
}
