//! The checks of a whole snapshot before anything of it is stored: what types cannot say, each
//! mistake named by its path.
//!
//! A snapshot is untrusted input (a seed arrives in a pull request), so every field gets the rule
//! of its counterpart in the API or on the command line: an id, a name, a locale or `data` as a
//! send checks them, an email as the rulebook says, a delivery's URL as `--webhook` checks it.
//! A field that nothing but the emulator writes (a mail's subject, a delivery's attempts) is
//! bounded by what the emulator itself writes, so that every export imports again. Numbers that
//! reach JavaScript as numbers (mail and delivery ids, durations) are safe integers. Times are
//! checked as they are read (`Moment`): from `0000-01-01T00:00:00.000Z` to
//! `9999-12-31T23:59:59.999Z`.

use std::collections::HashMap;

use serde_json::Value;

use roq_rules::{MAX_ID, MAX_LOCALE, MAX_NAME, MAX_ROLES, UserInviteStatus, email_key, is_email, link_url};

use super::format::{Snapshot, SnapshotAttempt, SnapshotInvite, Step};
use crate::options::configured_urls::webhook_url;
use crate::platform::details::check_details;
use crate::platform::history::{INVITE_INSERTED, INVITE_UPDATED, InviteEvent, MAX_EVENT_BYTES};
use crate::platform::invite::token_hash;
use crate::webhooks::config::MAX_ATTEMPTS;
use crate::webhooks::deliveries::DeliveryState;
use crate::webhooks::deliveries::MAX_ATTEMPT_ERROR;

/// The largest integer JavaScript holds exactly (`Number.MAX_SAFE_INTEGER`): the most a mail's
/// or a delivery's id may be, which also leaves SQLite's AUTOINCREMENT room for the next ones.
pub(super) const MAX_SAFE_INTEGER: i64 = (1 << 53) - 1;

/// What types cannot say: the rules a sent invite keeps, and that every reference is to
/// something in the snapshot. The first mistake, by its path.
pub(super) fn check(snapshot: &Snapshot) -> Result<(), String> {
  let unique = |seen: &mut HashMap<String, String>, path: String, key: &str| match seen.get(key) {
    Some(first) => Err(format!("{path}: {key:?} is already {first}'s; each must be unique")),
    None => {
      seen.insert(
        key.to_owned(),
        path.rsplit_once('.').map_or(path.clone(), |(at, _)| at.to_owned()),
      );
      Ok(())
    }
  };

  let mut tenants = HashMap::new();
  for (i, tenant) in snapshot.tenants.iter().enumerate() {
    id(&format!("tenants[{i}].id"), &tenant.id)?;
    unique(&mut tenants, format!("tenants[{i}].id"), &tenant.id)?;
  }
  let tenant = |path: String, tenant_id: &str| {
    id(&path, tenant_id)?;
    if !snapshot.tenants.is_empty() && !tenants.contains_key(tenant_id) {
      return Err(format!(
        "{path}: {tenant_id:?} is not in tenants; add {{ \"id\": {tenant_id:?} }} to them, or leave tenants out"
      ));
    }
    Ok(())
  };

  let mut users = HashMap::new();
  for (i, user) in snapshot.users.iter().enumerate() {
    let at = format!("users[{i}]");
    id(&format!("{at}.id"), &user.id)?;
    unique(&mut users, format!("{at}.id"), &user.id)?;
    if let Some(tenant_id) = &user.tenant_id {
      tenant(format!("{at}.tenantId"), tenant_id)?;
    }
    if let Some(address) = &user.email {
      email(&format!("{at}.email"), address)?;
    }
    roles(&format!("{at}.roles"), &user.roles)?;
    check_details(
      user.first_name.as_deref(),
      user.last_name.as_deref(),
      user.locale.as_deref(),
      None,
    )
    .map_err(|why| format!("{at}.{why}"))?;
  }

  let mut invites: HashMap<String, String> = HashMap::new();
  let mut digests = HashMap::new();
  let mut pending = HashMap::new();
  let mut events = HashMap::new();
  for (i, invite) in snapshot.invites.iter().enumerate() {
    let at = format!("invites[{i}]");
    if let Some(invite_id) = &invite.id {
      id(&format!("{at}.id"), invite_id)?;
      unique(&mut invites, format!("{at}.id"), invite_id)?;
    }
    tenant(format!("{at}.tenantId"), &invite.tenant_id)?;
    email(&format!("{at}.email"), &invite.email)?;
    id(&format!("{at}.createdByUserId"), &invite.created_by_user_id)?;
    if let Some(user_id) = &invite.accepted_by_user_id {
      id(&format!("{at}.acceptedByUserId"), user_id)?;
    }
    if let Some(token_id) = &invite.user_token_id {
      id(&format!("{at}.userTokenId"), token_id)?;
    }
    roles(&format!("{at}.roleKeys"), &invite.role_keys)?;
    check_details(
      invite.first_name.as_deref(),
      invite.last_name.as_deref(),
      invite.locale.as_deref(),
      invite.data.as_ref(),
    )
    .map_err(|why| format!("{at}.{why}"))?;
    let replaced = invite.replaced_tokens.iter().enumerate();
    let replaced = replaced.map(|(j, token)| (format!("{at}.replacedTokens[{j}].tokenDigest"), &token.token_digest));
    for (path, digest) in invite
      .token_digest
      .iter()
      .map(|d| (format!("{at}.tokenDigest"), d))
      .chain(replaced)
    {
      if digest.len() != 64 || !digest.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return Err(format!(
          "{path}: must be the SHA-256 of a token, as 64 lower-case hex digits"
        ));
      }
      unique(&mut digests, path, digest)?;
    }
    if invite.status.unwrap_or(UserInviteStatus::Pending) == UserInviteStatus::Pending {
      let key = (invite.tenant_id.clone(), email_key(&invite.email));
      if let Some(first) = pending.insert(key, at.clone()) {
        return Err(format!(
          "{at}: {first} is already a pending invite to {:?} in tenant {:?}; a tenant has one pending invite per email",
          invite.email, invite.tenant_id
        ));
      }
    }
    for (j, step) in invite.history.iter().enumerate() {
      let path = format!("{at}.history[{j}]");
      event(&path, step)?;
      if let Some(event_id) = &step.event_id {
        unique(&mut events, format!("{path}.eventId"), event_id)?;
      }
    }
  }

  let by_id: HashMap<&str, &SnapshotInvite> = snapshot
    .invites
    .iter()
    .filter_map(|invite| Some((invite.id.as_deref()?, invite)))
    .collect();
  let mut mails = HashMap::new();
  for (i, mail) in snapshot.mails.iter().enumerate() {
    let at = format!("mails[{i}]");
    safe_id(&format!("{at}.id"), mail.id)?;
    unique(&mut mails, format!("{at}.id"), &mail.id.to_string())?;
    email(&format!("{at}.to"), &mail.to)?;
    // The emulator writes the invite's locale (en-US if it has none), its wording's subject,
    // the invite's first name, and the app's name (`appName`) or the tenant's id.
    text(&format!("{at}.locale"), &mail.locale, MAX_LOCALE)?;
    text(&format!("{at}.subject"), &mail.subject, MAX_NAME)?;
    check_details(mail.first_name.as_deref(), None, None, None).map_err(|why| format!("{at}.{why}"))?;
    text(&format!("{at}.app"), &mail.app, MAX_NAME.max(MAX_ID))?;
    if let Some(link) = &mail.accept_url
      && link_url(link).is_err()
    {
      return Err(format!(
        "{at}.acceptUrl: is not an http:// or https:// link without a user name or password; it is there for reading only (the import makes the link again on its own accept page), so it may be left out"
      ));
    }
    id(&format!("{at}.token"), &mail.token)?;
    let Some(invite) = by_id.get(mail.user_invite_id.as_str()) else {
      return Err(format!(
        "{at}.userInviteId: {:?} is no invite of this snapshot",
        mail.user_invite_id
      ));
    };
    let digest = token_hash(&mail.token);
    let known = invite.token_digest.as_ref() == Some(&digest)
      || invite.replaced_tokens.iter().any(|token| token.token_digest == digest);
    if !known {
      return Err(format!(
        "{at}.token: is not the token of invite {:?} (its tokenDigest) nor one a resend replaced; an invite without tokenDigest gets its mail made up",
        mail.user_invite_id
      ));
    }
  }

  let mut deliveries = HashMap::new();
  for (i, delivery) in snapshot.webhook_deliveries.iter().enumerate() {
    let at = format!("webhookDeliveries[{i}]");
    safe_id(&format!("{at}.id"), delivery.id)?;
    unique(&mut deliveries, format!("{at}.id"), &delivery.id.to_string())?;
    if !events.contains_key(&delivery.event_id) {
      return Err(format!(
        "{at}.eventId: {:?} is no event of an invite's history",
        delivery.event_id
      ));
    }
    webhook_url(&delivery.url).map_err(|why| format!("{at}.url: {why}"))?;
    // A delivery still pending has an attempt to come.
    let most = match delivery.state {
      DeliveryState::Pending => MAX_ATTEMPTS - 1,
      DeliveryState::Delivered | DeliveryState::Failed => MAX_ATTEMPTS,
    } as usize;
    if delivery.attempts.len() > most {
      return Err(format!(
        "{at}.attempts: at most {most} for a {} delivery; the emulator makes at most {MAX_ATTEMPTS} attempts (webhookRetry.attempts)",
        delivery.state.as_str()
      ));
    }
    for (j, attempt) in delivery.attempts.iter().enumerate() {
      self::attempt(&format!("{at}.attempts[{j}]"), attempt)?;
    }
  }
  Ok(())
}

/// An id, a token or a role key, by the one rule every endpoint applies (`crate::platform::ids`).
fn id(path: &str, value: &str) -> Result<(), String> {
  crate::platform::ids::check_id(path, value).map_err(|why| why.replacen(path, &format!("{path}:"), 1))
}

/// A text of 1 to `most` characters, not all blank.
fn text(path: &str, value: &str, most: usize) -> Result<(), String> {
  if value.trim().is_empty() || value.chars().count() > most {
    return Err(format!("{path}: must be 1 to {most} characters"));
  }
  Ok(())
}

/// A number that JavaScript reads as it is: 1 to 2^53 − 1.
fn safe_id(path: &str, value: i64) -> Result<(), String> {
  if !(1..=MAX_SAFE_INTEGER).contains(&value) {
    return Err(format!(
      "{path}: must be 1 to {MAX_SAFE_INTEGER} (Number.MAX_SAFE_INTEGER); it is {value}"
    ));
  }
  Ok(())
}

fn email(path: &str, value: &str) -> Result<(), String> {
  if is_email(value) {
    Ok(())
  } else {
    Err(format!("{path}: {value:?} is not an email address"))
  }
}

fn roles(path: &str, roles: &Option<Vec<String>>) -> Result<(), String> {
  match roles {
    Some(roles) if roles.len() > MAX_ROLES => Err(format!("{path}: at most {MAX_ROLES} role keys")),
    Some(roles) => roles
      .iter()
      .enumerate()
      .try_for_each(|(i, role)| id(&format!("{path}[{i}]"), role)),
    None => Ok(()),
  }
}

/// A step of an invite's history: with webhooks, the event as sent, whose `eventId` goes out as
/// the `roq-platform-webhook-event-id` header and whose payload is the body; both or neither,
/// as the emulator writes them.
fn event(path: &str, step: &Step) -> Result<(), String> {
  let (event_id, payload) = match (&step.event_id, &step.payload) {
    (None, None) => return Ok(()),
    (Some(event_id), Some(payload)) => (event_id, payload),
    (Some(_), None) | (None, Some(_)) => {
      return Err(format!(
        "{path}: has one of eventId and payload; an event is sent with both (the emulator writes both, with webhooks, or neither)"
      ));
    }
  };
  if event_id.is_empty() || event_id.chars().count() > MAX_ID || !event_id.bytes().all(|b| b.is_ascii_graphic()) {
    return Err(format!(
      "{path}.eventId: must be 1 to {MAX_ID} visible ASCII characters (it is sent as the roq-platform-webhook-event-id header)"
    ));
  }
  let size = serde_json::to_string(payload).map_or(0, |text| text.len());
  if size > MAX_EVENT_BYTES {
    return Err(format!(
      "{path}.payload: is {size} bytes as JSON; an event the emulator sends is at most {} KiB",
      MAX_EVENT_BYTES / 1024
    ));
  }
  let Value::Object(fields) = payload else {
    return Err(format!(
      "{path}.payload: must be an object, the event as the emulator sends it"
    ));
  };
  let name = if step.event == InviteEvent::Created {
    INVITE_INSERTED
  } else {
    INVITE_UPDATED
  };
  for (field, expected, why) in [
    ("id", event_id.as_str(), "the step's eventId"),
    ("change", step.event.as_str(), "the step's event"),
    ("name", name, "the name of the step's event"),
    ("object", "UserInvite", "what an invite's event is about"),
  ] {
    if fields.get(field).and_then(Value::as_str) != Some(expected) {
      return Err(format!("{path}.payload.{field}: must be {expected:?}, {why}"));
    }
  }
  Ok(())
}

/// An attempt as the sender records it: the receiver's HTTP status, or why there was none.
fn attempt(path: &str, attempt: &SnapshotAttempt) -> Result<(), String> {
  if attempt.duration_ms > MAX_SAFE_INTEGER as u64 {
    return Err(format!(
      "{path}.durationMs: must be at most {MAX_SAFE_INTEGER} (Number.MAX_SAFE_INTEGER)"
    ));
  }
  match (attempt.status, &attempt.error) {
    (Some(status), None) if (100..=999).contains(&status) => Ok(()),
    (Some(status), None) => Err(format!("{path}.status: {status} is not an HTTP status (100 to 999)")),
    (None, Some(error)) => text(&format!("{path}.error"), error, MAX_ATTEMPT_ERROR),
    (Some(_), Some(_)) | (None, None) => Err(format!(
      "{path}: has both status and error, or neither; an attempt was answered (status) or not (error)"
    )),
  }
}
