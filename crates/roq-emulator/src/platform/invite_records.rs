//! What the emulator shows of its store to the developer (the dashboard, `GET /__emulator/invites`):
//! every invite of every tenant with its history, read as the service account would.

use serde::{Deserialize, Serialize};

use roq_rules::UserInviteStatus;

use crate::clock::iso;
use crate::platform::Platform;
use crate::platform::history::{HistoryEntry, histories};
use crate::platform::listing::{Field, FieldFilter, ListQuery};
use crate::principal::Principal;
use crate::problem::Problem;

/// Which invites to show.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(
  feature = "typescript",
  derive(ts_rs::TS),
  ts(rename = "InviteRecordQuery", optional_fields)
)]
pub struct InviteQuery {
  /// Only the invite of this id (the dashboard's link from a request that made or changed it).
  #[serde(default)]
  pub id: Option<String>,
  #[serde(default)]
  pub tenant_id: Option<String>,
  /// `pending`, `accepted`, `canceled` or `expired`.
  #[serde(default)]
  #[cfg_attr(feature = "typescript", ts(as = "Option<roq_rules::UserInviteStatus>"))]
  pub status: Option<String>,
  /// At most this many, newest first. Default 500, at most 1000.
  #[serde(default)]
  pub limit: Option<i64>,
}

/// An invite as the emulator shows it to its developer: with its history.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct InviteRecord {
  pub id: String,
  pub email: String,
  pub first_name: Option<String>,
  pub last_name: Option<String>,
  pub tenant_id: String,
  #[cfg_attr(feature = "typescript", ts(as = "roq_rules::UserInviteStatus"))]
  pub status: &'static str,
  pub created_by_user_id: String,
  pub accepted_by_user_id: Option<String>,
  pub role_keys: Option<Vec<String>>,
  pub valid_till: String,
  pub created_at: String,
  /// Oldest first.
  pub history: Vec<HistoryEntry>,
}

/// A page of invite records, and how many match in all.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct InviteRecords {
  pub data: Vec<InviteRecord>,
  pub total_count: i64,
}

impl Platform {
  /// The invites that match `query`, newest first, each with its history.
  pub fn invite_records(&self, query: &InviteQuery) -> Result<InviteRecords, Problem> {
    let mut filters = Vec::new();
    let equal = |value: &str| FieldFilter {
      equal_to: Some(value.to_owned()),
      ..FieldFilter::default()
    };
    if let Some(id) = query.id.as_deref().filter(|id| !id.is_empty()) {
      filters.push((Field::Id, equal(id)));
    }
    if let Some(tenant) = query.tenant_id.as_deref().filter(|t| !t.is_empty()) {
      filters.push((Field::TenantId, equal(tenant)));
    }
    if let Some(status) = query.status.as_deref().filter(|s| !s.is_empty()) {
      status.parse::<UserInviteStatus>().map_err(|_| {
        Problem::BadRequest(format!(
          "status {status:?} is not one of pending, accepted, canceled or expired"
        ))
      })?;
      filters.push((Field::Status, equal(status)));
    }
    let list = ListQuery {
      filters,
      limit: Some(query.limit.unwrap_or(500)),
      offset: None,
      order: Some((Field::CreatedAt, true)),
      search: None,
    };
    let (invites, total_count) = self.list_invites(&Principal::ServiceAccount, &list)?;
    let now = self.clock.now_ms();
    let mut histories = histories(&self.store.lock(), &invites, now)?;
    let data = invites
      .into_iter()
      .map(|invite| InviteRecord {
        history: histories.remove(&invite.id).unwrap_or_default(),
        status: invite.status(now).as_str(),
        id: invite.id,
        email: invite.email,
        first_name: invite.first_name,
        last_name: invite.last_name,
        tenant_id: invite.tenant_id,
        created_by_user_id: invite.created_by_user_id,
        accepted_by_user_id: invite.accepted_by_user_id,
        role_keys: invite.role_keys,
        valid_till: iso(invite.valid_till),
        created_at: iso(invite.created_at),
      })
      .collect();
    Ok(InviteRecords { data, total_count })
  }

  /// Every tenant that has an invite, in order.
  pub fn tenants(&self) -> Result<Vec<String>, Problem> {
    let connection = self.store.lock();
    let mut statement = connection.prepare_cached("SELECT DISTINCT tenant_id FROM user_invites ORDER BY tenant_id")?;
    let tenants = statement
      .query_map([], |row| row.get(0))?
      .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(tenants)
  }
}
