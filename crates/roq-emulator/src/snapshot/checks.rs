//! The checks of a whole snapshot before anything of it is stored: what types cannot say, each
//! mistake named by its path.

use std::collections::HashMap;

use roq_rules::{MAX_ID, MAX_ROLES, UserInviteStatus, email_key, is_email};

use super::{Snapshot, SnapshotInvite};
use crate::invite::token_hash;
use crate::send::check_details;

/// What types cannot say: the rules a sent invite keeps, and that every reference is to
/// something in the snapshot. The first mistake, by its path.
pub(super) fn check(snapshot: &Snapshot) -> Result<(), String> {
  let id = |path: &str, value: &str| {
    if value.trim().is_empty() || value.chars().count() > MAX_ID {
      Err(format!("{path}: must be 1 to {MAX_ID} characters"))
    } else {
      Ok(())
    }
  };
  let email = |path: &str, value: &str| {
    if is_email(value) {
      Ok(())
    } else {
      Err(format!("{path}: {value:?} is not an email address"))
    }
  };
  let roles = |path: &str, roles: &Option<Vec<String>>| match roles {
    Some(roles) if roles.len() > MAX_ROLES => Err(format!("{path}: at most {MAX_ROLES} role keys")),
    Some(roles) => roles
      .iter()
      .enumerate()
      .try_for_each(|(i, role)| id(&format!("{path}[{i}]"), role)),
    None => Ok(()),
  };
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
      if let Some(event_id) = &step.event_id {
        unique(&mut events, format!("{at}.history[{j}].eventId"), event_id)?;
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
    if mail.id < 1 {
      return Err(format!("{at}.id: must be 1 or more"));
    }
    unique(&mut mails, format!("{at}.id"), &mail.id.to_string())?;
    email(&format!("{at}.to"), &mail.to)?;
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
    if delivery.id < 1 {
      return Err(format!("{at}.id: must be 1 or more"));
    }
    unique(&mut deliveries, format!("{at}.id"), &delivery.id.to_string())?;
    if !events.contains_key(&delivery.event_id) {
      return Err(format!(
        "{at}.eventId: {:?} is no event of an invite's history",
        delivery.event_id
      ));
    }
  }
  Ok(())
}
