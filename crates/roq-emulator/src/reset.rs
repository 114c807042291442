//! Reset: empties one tenant, or every tenant, between two tests, as Firebase's emulator empties
//! a project with one REST call. The credentials, the settings and the clock stay.
//!
//! Everything goes in one transaction: the invites, and what hangs off them (mails, events of
//! their histories, the links a resend replaced, webhook deliveries), and the tenant's users.
//! A session is a signed token, not a row: the user it names is removed, so a token issued before
//! the reset reads as one of a user the emulator has not seen (it finds nothing). Ids are not
//! reused: invites have UUIDv7 ids and random accept tokens, mails and deliveries numbers that
//! only grow (`store.rs`), so an id a test still holds never names something new.
//!
//! Faults are not any tenant's (a fault is taken by the next request, before anyone knows its
//! tenant): a reset of every tenant clears the queue, a reset of one leaves it to the others.

use rusqlite::{Transaction, params};
use serde::{Deserialize, Serialize};

use roq_rules::MAX_ID;

use crate::platform::{Platform, Problem};

/// What `emulator.reset(...)` and `POST /__emulator/reset` take.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResetRequest {
  /// The tenant to empty; every tenant if absent.
  #[serde(default)]
  pub tenant_id: Option<String>,
}

/// What a reset removed, by kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Removed {
  pub invites: u64,
  pub mails: u64,
  pub users: u64,
  /// The steps of the invites' histories (and the webhook events they were sent as).
  pub events: u64,
  /// The accept links that resends had replaced.
  pub replaced_tokens: u64,
  pub webhook_deliveries: u64,
  /// Queued faults: only a reset of every tenant clears them.
  pub faults: u64,
}

/// The invites of the tenant `?1`, for the tables that hang off an invite.
const OF_TENANT: &str = "user_invite_id IN (SELECT id FROM user_invites WHERE tenant_id = ?1)";

impl Platform {
  /// Removes the data of `request.tenant_id` (or of every tenant) and says what it removed.
  pub fn reset(&self, request: &ResetRequest) -> Result<Removed, Problem> {
    let tenant = match request.tenant_id.as_deref().map(str::trim) {
      Some(tenant) if tenant.is_empty() || tenant.chars().count() > MAX_ID => {
        return Err(Problem::BadRequest(format!(
          "tenantId must be 1 to {MAX_ID} characters; leave it out to reset every tenant"
        )));
      }
      tenant => tenant,
    };
    let mut removed = {
      let mut connection = self.store.lock();
      let tx = connection.transaction()?;
      let removed = match tenant {
        Some(tenant) => remove_tenant(&tx, tenant)?,
        None => remove_all(&tx)?,
      };
      tx.commit()?;
      removed
    };
    if tenant.is_none() {
      removed.faults = self.faults.queued().len() as u64;
      self.faults.set(Vec::new());
    }
    // Deliveries in flight finish their attempt and find their row gone; the sender looks again.
    self.webhooks.wake();
    Ok(removed)
  }
}

/// Children before parents, so that no foreign key is ever broken.
fn remove_tenant(tx: &Transaction, tenant: &str) -> rusqlite::Result<Removed> {
  let delete = |sql: &str| tx.execute(sql, params![tenant]).map(|n| n as u64);
  Ok(Removed {
    webhook_deliveries: delete(
      "DELETE FROM webhook_deliveries WHERE event_seq IN (
         SELECT e.seq FROM invite_events e JOIN user_invites i ON i.id = e.user_invite_id WHERE i.tenant_id = ?1)",
    )?,
    replaced_tokens: delete(&format!("DELETE FROM replaced_tokens WHERE {OF_TENANT}"))?,
    events: delete(&format!("DELETE FROM invite_events WHERE {OF_TENANT}"))?,
    mails: delete(&format!("DELETE FROM mails WHERE {OF_TENANT}"))?,
    invites: delete("DELETE FROM user_invites WHERE tenant_id = ?1")?,
    users: delete("DELETE FROM users WHERE tenant_id = ?1")?,
    faults: 0,
  })
}

fn remove_all(tx: &Transaction) -> rusqlite::Result<Removed> {
  let delete = |table: &str| tx.execute(&format!("DELETE FROM {table}"), []).map(|n| n as u64);
  Ok(Removed {
    webhook_deliveries: delete("webhook_deliveries")?,
    replaced_tokens: delete("replaced_tokens")?,
    events: delete("invite_events")?,
    mails: delete("mails")?,
    invites: delete("user_invites")?,
    users: delete("users")?,
    faults: 0,
  })
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::store::Store;

  /// Every step of a tenant's reset finds its rows by an index (SQLite's plan says SEARCH, never
  /// SCAN of a table), also the checks of the foreign keys of what it deletes: a `beforeEach`
  /// costs the tenant's rows, not the store's.
  #[test]
  fn a_tenants_reset_scans_no_table() {
    let store = Store::open(None).unwrap();
    let connection = store.lock();
    let statements = [
      "DELETE FROM webhook_deliveries WHERE event_seq IN (
         SELECT e.seq FROM invite_events e JOIN user_invites i ON i.id = e.user_invite_id WHERE i.tenant_id = ?1)"
        .to_owned(),
      format!("DELETE FROM replaced_tokens WHERE {OF_TENANT}"),
      format!("DELETE FROM invite_events WHERE {OF_TENANT}"),
      format!("DELETE FROM mails WHERE {OF_TENANT}"),
      "DELETE FROM user_invites WHERE tenant_id = ?1".to_owned(),
      "DELETE FROM users WHERE tenant_id = ?1".to_owned(),
      // What SQLite runs to check the foreign keys of a deleted invite and event.
      "SELECT 1 FROM mails WHERE user_invite_id = ?1".to_owned(),
      "SELECT 1 FROM replaced_tokens WHERE user_invite_id = ?1".to_owned(),
      "SELECT 1 FROM invite_events WHERE user_invite_id = ?1".to_owned(),
      "SELECT 1 FROM webhook_deliveries WHERE event_seq = ?1".to_owned(),
    ];
    for sql in statements {
      let mut plan = connection.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
      let steps: Vec<String> = plan
        .query_map(["acme"], |row| row.get(3))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
      assert!(steps.iter().all(|step| !step.starts_with("SCAN")), "{sql}: {steps:?}");
    }
  }
}
