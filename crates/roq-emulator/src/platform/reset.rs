//! Reset: empties one tenant, or every tenant, between two tests, as Firebase's emulator empties
//! a project with one REST call. The credentials, the settings and the clock stay.
//!
//! Everything goes in one transaction: the invites, and what hangs off them (mails, events of
//! their histories, the links a resend replaced, webhook deliveries), and the tenant's users.
//! The tenant is named exactly as the send took it (`ids.rs`): `" acme"` is not `"acme"`, and a
//! blank tenant is refused, never read as every tenant; every tenant is only ever asked for by
//! leaving the tenant out.
//!
//! Nothing issued for a tenant before its reset acts anywhere after it. Accept links, replaced
//! links, invite ids, mail and delivery numbers name rows that are gone, and are never given
//! again: invites have UUIDv7 ids and random accept tokens, mails and deliveries numbers that
//! only grow (`store.rs`). A user's token (and so a session, whose `roqAccessToken` is one) is a
//! signed token, not a row, and its user id may be registered again, in any tenant; so each reset
//! is a generation (kept in the store's settings, so that it holds across restarts with `--db`),
//! which every user token carries from its issue (`auth.rs`), and a token is refused when:
//! - it is older than the last reset of every tenant (the floor); or
//! - its user was removed by a tenant's reset after it was issued (`reset_users` keeps each
//!   removed user id with the generation that removed it).
//!
//! Other tenants' tokens keep working, so that tests of other tenants running beside a tenant's
//! reset are not signed out, and so do the service account's. A token issued after the last reset
//! is checked with no lookup at all; an older one with one lookup by primary key.
//!
//! Faults are not any tenant's (a fault is taken by the next request, before anyone knows its
//! tenant): a reset of every tenant clears the queue, a reset of one leaves it to the others. So
//! with the request log (`request_log.rs`): a reset of every tenant empties it, one of a tenant
//! leaves it.
//!
//! The dashboard asks before it resets (`dashboard_reset.rs`): [`Platform::preview_reset`] runs
//! the very same reset and rolls it back, and [`Platform::reset_if`] commits only if it removes
//! what the page showed.

use rusqlite::{OptionalExtension, Transaction, params};
use serde::Deserialize;

use crate::platform::Platform;
use crate::platform::ids::check_id;
use crate::platform::reset_generations::{Done, FLOOR, GENERATION, Removed, ResetScope};
use crate::problem::Problem;

/// What `emulator.reset(...)` (and `POST /__emulator/reset`) takes: the tenant to empty, or
/// nothing for every tenant.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(
  feature = "typescript",
  derive(ts_rs::TS),
  ts(rename = "ResetOptions", optional_fields)
)]
pub struct ResetRequest {
  /// The tenant's id, exactly as invites were sent to it; leave it out to empty every tenant.
  /// `null` is refused: a tenant that is missing by mistake must not empty every tenant.
  #[serde(default, with = "a_string")]
  #[cfg_attr(feature = "typescript", ts(as = "Option<String>"))]
  pub tenant_id: Option<String>,
}

/// A present `tenantId` must be a string; only its absence means every tenant.
mod a_string {
  use serde::{Deserialize, Deserializer};

  pub(super) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    String::deserialize(deserializer).map(Some)
  }
}

impl ResetRequest {
  /// The scope the request names: its tenant (by the rule of every id), or every tenant.
  pub fn scope(&self) -> Result<ResetScope, Problem> {
    match &self.tenant_id {
      Some(tenant) => {
        check_id("tenantId", tenant).map_err(Problem::BadRequest)?;
        Ok(ResetScope::Tenant(tenant.clone()))
      }
      None => Ok(ResetScope::Every),
    }
  }
}

/// The invites of the tenant `?1`, for the tables that hang off an invite.
const OF_TENANT: &str = "user_invite_id IN (SELECT id FROM user_invites WHERE tenant_id = ?1)";

impl Platform {
  /// Removes the data of `request.tenant_id` (or of every tenant) and says what it removed.
  pub fn reset(&self, request: &ResetRequest) -> Result<Removed, Problem> {
    let scope = request.scope()?;
    // Asked to commit whatever it removes, it always commits.
    Ok(match self.run_reset(&scope, |_| true)? {
      Ok(done) => done.removed,
      Err(removed) => removed,
    })
  }

  /// What a reset of `scope` would remove now: the reset itself, rolled back.
  pub fn preview_reset(&self, scope: &ResetScope) -> Result<Removed, Problem> {
    Ok(match self.run_reset(scope, |_| false)? {
      Ok(done) => done.removed,
      Err(removed) => removed,
    })
  }

  /// Resets `scope` if that removes exactly `expected` (what a page showed); otherwise changes
  /// nothing and says what it would remove now.
  pub fn reset_if(&self, scope: &ResetScope, expected: &Removed) -> Result<Result<Done, Removed>, Problem> {
    self.run_reset(scope, |removed| removed == expected)
  }

  /// The one way a reset runs: in one transaction, which is committed only if `commit` says so
  /// of what it removed, and rolled back otherwise.
  fn run_reset(
    &self,
    scope: &ResetScope,
    commit: impl FnOnce(&Removed) -> bool,
  ) -> Result<Result<Done, Removed>, Problem> {
    let done = {
      let mut connection = self.store.lock();
      let tx = connection.transaction()?;
      let generation = self.resets.generation() + 1;
      let mut removed = remove(&tx, scope, generation)?;
      // The fault queue is held from the count to the clearing, so that it clears what it counted.
      let mut faults = self.faults.queue();
      if *scope == ResetScope::Every {
        removed.faults = faults.len() as u64;
      }
      if !commit(&removed) {
        tx.rollback()?;
        return Ok(Err(removed));
      }
      tx.commit()?;
      if *scope == ResetScope::Every {
        faults.clear();
        // Not counted in what was removed: the log grows with every request, so a count the
        // dashboard showed would rarely be the count at its button.
        self.requests.clear();
      }
      let done = Done {
        generation,
        scope: scope.clone(),
        removed,
      };
      self.resets.advance(&done);
      done
    };
    // Deliveries in flight finish their attempt and find their row gone; the sender looks again.
    self.webhooks.wake();
    Ok(Ok(done))
  }

  /// Whether a user token issued at generation `issued` (0 for a token of an emulator from
  /// before generations) has outlived a reset that removed its user; see the module's docs.
  pub(crate) fn reset_since(&self, user_id: &str, issued: i64) -> Result<bool, Problem> {
    if issued >= self.resets.generation() {
      return Ok(false);
    }
    if issued < self.resets.floor() {
      return Ok(true);
    }
    let removed_at: Option<i64> = self
      .store
      .lock()
      .prepare_cached("SELECT generation FROM reset_users WHERE user_id = ?1")?
      .query_row([user_id], |row| row.get(0))
      .optional()?;
    Ok(removed_at.is_some_and(|removed_at| removed_at > issued))
  }
}

/// Removes what `scope` holds, children before parents so that no foreign key is ever broken,
/// and records it as reset `generation`: the users it removes (or, for every tenant, the floor)
/// and the generation itself.
fn remove(tx: &Transaction, scope: &ResetScope, generation: i64) -> rusqlite::Result<Removed> {
  let setting = |key: &str| {
    tx.execute(
      "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      params![key, generation.to_string()],
    )
  };
  setting(GENERATION)?;
  let removed = match scope {
    ResetScope::Tenant(tenant) => {
      tx.execute(
        "INSERT INTO reset_users (user_id, generation) SELECT id, ?2 FROM users WHERE tenant_id = ?1
         ON CONFLICT (user_id) DO UPDATE SET generation = excluded.generation",
        params![tenant, generation],
      )?;
      remove_tenant(tx, tenant)?
    }
    ResetScope::Every => {
      setting(FLOOR)?;
      // The floor stands for every user removed so far.
      tx.execute("DELETE FROM reset_users", [])?;
      remove_all(tx)?
    }
  };
  Ok(removed)
}

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
  use serde_json::json;

  use super::*;
  use crate::platform::send::NewInvite;
  use crate::platform::sessions::SessionRequest;
  use crate::platform::store::Store;
  use crate::principal::Principal;
  use crate::{Emulator, EmulatorOptions};

  async fn emulator(db_path: Option<std::path::PathBuf>) -> Emulator {
    Emulator::start(EmulatorOptions {
      db_path,
      ..Default::default()
    })
    .await
    .unwrap()
  }

  /// A session's access token for `user_id` of `tenant_id`.
  fn sign_in(emulator: &Emulator, tenant_id: &str, user_id: &str) -> String {
    let session = emulator
      .session(&SessionRequest {
        tenant_id: tenant_id.into(),
        user_id: Some(user_id.into()),
        ..Default::default()
      })
      .unwrap();
    format!("Bearer {}", session.access_token)
  }

  fn acts(emulator: &Emulator, token: &str) -> bool {
    match emulator.platform.principal(Some(token)) {
      Ok(_) => true,
      Err(Problem::Unauthorized(_)) => false,
      Err(other) => panic!("{other:?}"),
    }
  }

  fn reset(emulator: &Emulator, tenant_id: Option<&str>) -> Removed {
    emulator
      .reset(&ResetRequest {
        tenant_id: tenant_id.map(str::to_owned),
      })
      .unwrap()
  }

  #[tokio::test]
  async fn a_users_token_from_before_a_reset_that_removed_the_user_acts_nowhere_after_it() {
    let emulator = emulator(None).await;
    let old_alice = sign_in(&emulator, "acme", "alice");
    let bob = sign_in(&emulator, "globex", "bob");
    let service = format!("Bearer {}", emulator.platform.issue_service_account_token().unwrap());
    assert!(acts(&emulator, &old_alice));

    assert_eq!(reset(&emulator, Some("acme")).users, 1);
    assert!(
      !acts(&emulator, &old_alice),
      "alice was acme's: her token goes with her"
    );
    assert!(acts(&emulator, &bob), "another tenant's user stays signed in");
    // The id given again, in another tenant: the new token acts there, the old one still nowhere.
    let new_alice = sign_in(&emulator, "globex", "alice");
    assert!(acts(&emulator, &new_alice));
    assert!(!acts(&emulator, &old_alice));
    // The new token is alice's: the user, not the id, was removed.
    let principal = emulator.platform.principal(Some(&new_alice)).unwrap();
    assert_eq!(
      principal,
      Principal::User {
        user_id: "alice".into()
      }
    );

    // A reset of a tenant that had neither keeps both; a reset of every tenant ends every user's.
    reset(&emulator, Some("initech"));
    assert!(acts(&emulator, &new_alice) && acts(&emulator, &bob));
    reset(&emulator, None);
    assert!(!acts(&emulator, &new_alice) && !acts(&emulator, &bob) && !acts(&emulator, &old_alice));
    assert!(acts(&emulator, &service), "the service account is no tenant's");
    assert!(acts(&emulator, &sign_in(&emulator, "acme", "alice")));
  }

  #[tokio::test]
  async fn a_token_of_an_emulator_from_before_generations_counts_as_generation_0() {
    let emulator = emulator(None).await;
    let platform = &emulator.platform;
    sign_in(&emulator, "acme", "alice");
    let now = platform.clock.now_ms() / 1000;
    let old = |user: &str| {
      let claims = json!({ "sub": user, "kind": "user", "roqEnvironmentId": emulator.environment_id(),
        "roqUserId": user, "iat": now, "exp": now + 600, "jti": user });
      format!("Bearer {}", platform.credentials.sign(&claims).unwrap())
    };
    assert!(acts(&emulator, &old("alice")) && acts(&emulator, &old("carol")));
    reset(&emulator, Some("acme"));
    assert!(!acts(&emulator, &old("alice")));
    assert!(acts(&emulator, &old("carol")), "carol was not acme's");
    reset(&emulator, None);
    assert!(!acts(&emulator, &old("carol")));
  }

  #[tokio::test]
  async fn generations_survive_a_restart_of_the_store() {
    let dir = std::env::temp_dir().join(format!("roq-reset-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("reset.db");
    let _ = std::fs::remove_file(&path);
    let first = emulator(Some(path.clone())).await;
    let alice = sign_in(&first, "acme", "alice");
    let bob = sign_in(&first, "globex", "bob");
    reset(&first, Some("acme"));
    first.stop().await.unwrap();
    drop(first);

    let second = emulator(Some(path.clone())).await;
    assert!(!acts(&second, &alice), "the tenant's reset is remembered");
    sign_in(&second, "globex", "alice");
    assert!(!acts(&second, &alice));
    assert!(acts(&second, &bob));
    reset(&second, None);
    second.stop().await.unwrap();
    drop(second);

    let third = emulator(Some(path)).await;
    assert!(!acts(&third, &bob), "the floor is remembered");
    third.stop().await.unwrap();
    drop(third);
    std::fs::remove_dir_all(dir).unwrap();
  }

  #[tokio::test]
  async fn the_preview_is_the_reset_rolled_back_and_a_reset_if_commits_only_what_it_expected() {
    let emulator = emulator(None).await;
    let platform = &emulator.platform;
    let invite = |tenant: &str, email: &str| {
      let entry = NewInvite {
        created_by_user_id: "carol".into(),
        email: email.into(),
        ..Default::default()
      };
      platform
        .send_invites(&Principal::ServiceAccount, Some(tenant.into()), vec![entry])
        .unwrap()
    };
    invite("acme", "ada@x.io");
    invite(" acme", "bo@x.io");
    platform
      .faults
      .set(vec![serde_json::from_value(json!({ "answer": "drop" })).unwrap()]);
    let acme = ResetScope::Tenant("acme".into());

    let shown = platform.preview_reset(&acme).unwrap();
    assert_eq!((shown.invites, shown.mails, shown.users, shown.faults), (1, 1, 1, 0));
    assert_eq!(
      platform.preview_reset(&acme).unwrap(),
      shown,
      "the preview removed nothing"
    );
    assert_eq!(platform.preview_reset(&ResetScope::Every).unwrap().faults, 1);
    assert_eq!(platform.resets.generation(), 0, "nor counted as a reset");

    invite("acme", "cy@x.io");
    let now = platform.reset_if(&acme, &shown).unwrap().unwrap_err();
    assert_eq!((now.invites, now.mails), (2, 2), "what it would remove now");
    assert_eq!(platform.preview_reset(&acme).unwrap(), now, "and it removed nothing");
    let done = platform.reset_if(&acme, &now).unwrap().unwrap();
    assert_eq!((done.generation, done.scope, done.removed), (1, acme.clone(), now));
    assert_eq!(
      platform.resets.recent(1),
      Some(Done {
        generation: 1,
        scope: acme.clone(),
        removed: now
      })
    );
    // Exactly "acme": " acme" is another tenant, and its invite stays.
    let all = platform.preview_reset(&ResetScope::Every).unwrap();
    assert_eq!((all.invites, all.faults), (1, 1));
  }

  #[test]
  fn a_reset_names_its_tenant_exactly_and_only_leaving_it_out_means_every_tenant() {
    let scope = |json: &str| {
      serde_json::from_str::<ResetRequest>(json)
        .map_err(|e| e.to_string())?
        .scope()
        .map_err(|p| p.message().to_owned())
    };
    assert_eq!(scope("{}"), Ok(ResetScope::Every));
    assert_eq!(scope(r#"{"tenantId":" acme"}"#), Ok(ResetScope::Tenant(" acme".into())));
    let refused = "tenantId must be 1 to 255 characters, not blank, and without NUL";
    for json in [
      r#"{"tenantId":""}"#,
      r#"{"tenantId":"  "}"#,
      r#"{"tenantId":"a\u0000"}"#,
    ] {
      assert_eq!(scope(json), Err(refused.to_owned()), "{json}");
    }
    assert!(
      scope(r#"{"tenantId":null}"#)
        .unwrap_err()
        .starts_with("invalid type: null, expected a string")
    );
  }

  /// Every step of a tenant's reset finds its rows by an index (SQLite's plan says SEARCH, never
  /// SCAN of a table), also the checks of the foreign keys of what it deletes, and the lookup of
  /// a token's user: a `beforeEach` costs the tenant's rows, not the store's.
  #[test]
  fn a_tenants_reset_scans_no_table() {
    let store = Store::open(None).unwrap();
    let connection = store.lock();
    let statements = [
      "INSERT INTO reset_users (user_id, generation) SELECT id, 1 FROM users WHERE tenant_id = ?1
         ON CONFLICT (user_id) DO UPDATE SET generation = excluded.generation"
        .to_owned(),
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
      // What a token older than the last reset costs.
      "SELECT generation FROM reset_users WHERE user_id = ?1".to_owned(),
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
