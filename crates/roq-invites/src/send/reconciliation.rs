//! Reconciliation: after a batch's answer is lost (a timeout, a dropped connection, a server
//! error, an unreadable answer) the platform may have created its invites anyway, so before
//! sending again we ask which of its emails now have a pending invite created since the attempt
//! began, and count those as sent. The same question settles an aborted send, so that
//! `err.partial` says exactly who was invited, and finds the pending invites `onExisting` needs.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, SystemTime};

use roq_rules::email_key;

use super::options::OnExisting;
use super::results::EntryResult;
use crate::client::{CallOptions, Client};
use crate::error::Result;
use crate::observe::Observer;
use crate::types::{
  IdFilter, InviteErrorCode, InviteOutcome, SendUserInvites, SentInvite, StringFilter, UserInvite, UserInviteFilter,
  UserInviteIdArgs, UserInviteStatus, UserInvitesArgs,
};

/// How far back from the start of an attempt a pending invite still counts as its doing: the
/// clocks of the client and the platform may disagree by this much.
const CLOCK_SKEW: Duration = Duration::from_secs(30);
/// How long the reconciliation after a lost answer (or an abort) may take.
const RECONCILE_TIMEOUT: Duration = Duration::from_secs(5);
/// The entries among `indices` that now have a pending invite created since `started`
/// (less the clock skew we allow): the ones a lost attempt did create.
pub(super) async fn reconcile(
  client: &Client,
  request: &SendUserInvites,
  indices: &[usize],
  started: SystemTime,
) -> Result<Vec<(usize, EntryResult)>> {
  let since = started - CLOCK_SKEW;
  let pending = pending_invites(client, request, indices).await?;
  Ok(
    pending
      .into_iter()
      .filter(|(_, invite)| created_at(invite).is_some_and(|at| at >= since))
      .map(|(index, invite)| {
        (
          index,
          Ok(SentInvite {
            invite,
            index,
            outcome: InviteOutcome::Created,
          }),
        )
      })
      .collect(),
  )
}

/// The pending invite of each entry among `indices` that has one, asked for by tenant. This
/// runs even after an abort (the caller must learn what was done), with its own short deadline.
async fn pending_invites(
  client: &Client,
  request: &SendUserInvites,
  indices: &[usize],
) -> Result<Vec<(usize, UserInvite)>> {
  let checker = client.with_call_options(CallOptions {
    timeout: Some(RECONCILE_TIMEOUT),
    max_retries: Some(1),
    cancel: None,
    trace: client.call_options().trace.clone(),
    observer: client.observer().map(Observer::for_reconcile),
  })?;
  let mut groups: HashMap<Option<&str>, Vec<usize>> = HashMap::new();
  for &i in indices {
    groups.entry(request.entry(i).tenant_id).or_default().push(i);
  }
  let mut found = Vec::new();
  for (tenant, group) in groups {
    let values = |f: fn(crate::types::EntryView<'_>) -> &str| {
      Some(group.iter().map(|&i| f(request.entry(i)).trim().to_owned()).collect())
    };
    let filter = UserInviteFilter {
      email: Some(StringFilter {
        value_in: values(|e| e.email),
        ..StringFilter::default()
      }),
      created_by_user_id: Some(IdFilter {
        value_in: values(|e| e.created_by_user_id),
        ..IdFilter::default()
      }),
      tenant_id: tenant.map(|t| IdFilter {
        equal_to: Some(t.to_owned()),
        ..IdFilter::default()
      }),
      status: Some(StringFilter {
        equal_to: Some(UserInviteStatus::Pending),
        ..StringFilter::default()
      }),
      ..UserInviteFilter::default()
    };
    let args = UserInvitesArgs {
      filter: Some(filter),
      limit: Some(group.len() as u32),
      ..UserInvitesArgs::default()
    };
    let page = checker.roq_platform().user_invites(&args).await?;
    // At most one pending invite per email and tenant: match each to the first entry with its email.
    let mut by_email: HashMap<String, VecDeque<usize>> = HashMap::new();
    for &i in &group {
      by_email
        .entry(email_key(request.entry(i).email))
        .or_default()
        .push_back(i);
    }
    for invite in page.data {
      if let Some(index) = by_email
        .get_mut(&email_key(&invite.email))
        .and_then(VecDeque::pop_front)
      {
        found.push((index, invite));
      }
    }
  }
  Ok(found)
}

/// `onExisting: 'skip' | 'resend'`: turns `ALREADY_INVITED` refusals into the pending invite,
/// left alone or mailed again. A refusal stays if the pending invite cannot be found or resent.
pub(super) async fn apply_on_existing(
  client: &Client,
  request: &SendUserInvites,
  results: &mut [(usize, EntryResult)],
  policy: OnExisting,
) {
  let existing: Vec<usize> = results
    .iter()
    .filter(|(_, r)| matches!(r, Err(e) if e.code == InviteErrorCode::AlreadyInvited))
    .map(|(i, _)| *i)
    .collect();
  if existing.is_empty() {
    return;
  }
  let Ok(pending) = pending_invites(client, request, &existing).await else {
    return;
  };
  for (index, invite) in pending {
    let outcome = match policy {
      OnExisting::Skip => Ok(SentInvite {
        invite,
        index,
        outcome: InviteOutcome::Skipped,
      }),
      _ => match client
        .roq_platform()
        .resend_user_invite(&UserInviteIdArgs {
          user_invite_id: invite.id.clone(),
        })
        .await
      {
        Ok(resent) => Ok(SentInvite {
          invite: resent,
          index,
          outcome: InviteOutcome::Resent,
        }),
        Err(_) => continue,
      },
    };
    if let Some(slot) = results.iter_mut().find(|(i, _)| *i == index) {
      slot.1 = outcome;
    }
  }
}

fn created_at(invite: &UserInvite) -> Option<SystemTime> {
  let at = chrono::DateTime::parse_from_rfc3339(&invite.created_at).ok()?;
  let since_epoch = Duration::try_from_secs_f64(at.timestamp_millis() as f64 / 1000.0).ok()?;
  Some(SystemTime::UNIX_EPOCH + since_epoch)
}
