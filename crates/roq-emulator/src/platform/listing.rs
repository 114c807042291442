//! `userInvites(filter, limit, offset, order, search)`: every operator of `IdFilterArgType` and
//! `StringFilterArgType`, ordering by every `UserInviteOrderSortEnum` value, search by its keys,
//! and a `totalCount` that does not depend on paging.
//!
//! Filters compare like the platform's SQL would: `like` is case-sensitive and `iLike` is not,
//! both with `%` and `_` wildcards (and `\` to escape them); `notEqualTo` and `valueNotIn` do not
//! match a field that is null.

use rusqlite::types::Value as SqlValue;

use crate::platform::Platform;
use crate::platform::invite::{INVITE_COLUMNS, Invite, read_invite};
use crate::platform::users::user_tenant;
use crate::principal::Principal;
use crate::problem::Problem;

/// The default page size when `limit` is absent, and the largest page: the rulebook's.
const DEFAULT_LIMIT: i64 = roq_rules::DEFAULT_PAGE_SIZE as i64;
const MAX_LIMIT: i64 = roq_rules::MAX_PAGE_SIZE as i64;

/// The operators of `IdFilterArgType` and `StringFilterArgType` (ids have no `like`/`iLike`).
#[derive(Clone, Debug, Default)]
pub struct FieldFilter {
  pub equal_to: Option<String>,
  pub not_equal_to: Option<String>,
  pub like: Option<String>,
  pub i_like: Option<String>,
  pub value_in: Option<Vec<String>>,
  pub value_not_in: Option<Vec<String>>,
}

/// Invite fields that can be filtered on, by their schema names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
  AcceptedByUserId,
  CreatedByUserId,
  Id,
  TenantId,
  UserTokenId,
  Email,
  FirstName,
  LastName,
  Locale,
  Status,
  CreatedAt,
  UpdatedAt,
  Data,
}

impl Field {
  /// The column (or expression) in the `invites` view of [`Platform::list_invites`].
  fn column(self) -> &'static str {
    match self {
      Self::AcceptedByUserId => "accepted_by_user_id",
      Self::CreatedByUserId => "created_by_user_id",
      Self::Id => "id",
      Self::TenantId => "tenant_id",
      Self::UserTokenId => "user_token_id",
      Self::Email => "email",
      Self::FirstName => "first_name",
      Self::LastName => "last_name",
      Self::Locale => "locale",
      Self::Status => "effective_status",
      Self::CreatedAt => "created_at",
      Self::UpdatedAt => "updated_at",
      Self::Data => "data",
    }
  }
}

#[derive(Clone, Debug, Default)]
pub struct ListQuery {
  pub filters: Vec<(Field, FieldFilter)>,
  pub limit: Option<i64>,
  pub offset: Option<i64>,
  /// The field to sort by and whether descending.
  pub order: Option<(Field, bool)>,
  /// A field and a text it must contain, ignoring case.
  pub search: Option<(Field, String)>,
}

/// A WHERE clause with numbered parameters.
struct Conditions {
  clauses: Vec<String>,
  params: Vec<SqlValue>,
}

impl Conditions {
  fn param(&mut self, value: impl Into<SqlValue>) -> String {
    self.params.push(value.into());
    format!("?{}", self.params.len())
  }

  fn list(&mut self, values: &[String]) -> String {
    values
      .iter()
      .map(|v| self.param(v.clone()))
      .collect::<Vec<_>>()
      .join(", ")
  }

  fn add(&mut self, field: Field, filter: &FieldFilter) {
    let column = field.column();
    if let Some(v) = &filter.equal_to {
      let p = self.param(v.clone());
      self.clauses.push(format!("{column} = {p}"));
    }
    if let Some(v) = &filter.not_equal_to {
      let p = self.param(v.clone());
      self.clauses.push(format!("{column} <> {p}"));
    }
    if let Some(pattern) = &filter.like {
      let p = self.param(pattern.clone());
      self.clauses.push(format!("pg_like({column}, {p}, 0)"));
    }
    if let Some(pattern) = &filter.i_like {
      let p = self.param(pattern.clone());
      self.clauses.push(format!("pg_like({column}, {p}, 1)"));
    }
    match filter.value_in.as_deref() {
      Some([]) => self.clauses.push("0".to_owned()),
      Some(values) => {
        let list = self.list(values);
        self.clauses.push(format!("{column} IN ({list})"));
      }
      None => {}
    }
    if let Some(values) = filter.value_not_in.as_deref().filter(|v| !v.is_empty()) {
      let list = self.list(values);
      self
        .clauses
        .push(format!("{column} IS NOT NULL AND {column} NOT IN ({list})"));
    }
  }
}

impl Platform {
  /// The invites the caller may see that match `query`, and how many match in all.
  pub fn list_invites(&self, principal: &Principal, query: &ListQuery) -> Result<(Vec<Invite>, i64), Problem> {
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    let offset = query.offset.unwrap_or(0);
    if !(0..=MAX_LIMIT).contains(&limit) {
      return Err(Problem::BadRequest(format!(
        "limit must be between 0 and {MAX_LIMIT}; it is {limit}"
      )));
    }
    if offset < 0 {
      return Err(Problem::BadRequest(format!(
        "offset must not be negative; it is {offset}"
      )));
    }
    let connection = self.store.lock();
    let mut conditions = Conditions {
      clauses: Vec::new(),
      params: Vec::new(),
    };
    let now = conditions.param(self.clock.now_ms());
    if let Principal::User { user_id } = principal {
      match user_tenant(&connection, user_id)?.flatten() {
        Some(tenant) => {
          let p = conditions.param(tenant);
          conditions.clauses.push(format!("tenant_id = {p}"));
        }
        None => return Ok((Vec::new(), 0)),
      }
    }
    for (field, filter) in &query.filters {
      conditions.add(*field, filter);
    }
    if let Some((field, text)) = &query.search {
      let p = conditions.param(text.to_lowercase());
      conditions
        .clauses
        .push(format!("instr(lower(coalesce({}, '')), {p}) > 0", field.column()));
    }
    let filter = if conditions.clauses.is_empty() {
      String::new()
    } else {
      format!("WHERE {}", conditions.clauses.join(" AND "))
    };
    let view = format!(
      "WITH invites AS (SELECT *, CASE WHEN status = 'pending' AND valid_till <= {now} THEN 'expired' ELSE status END AS effective_status FROM user_invites)"
    );
    let order = match query.order {
      Some((field, true)) => format!("{} DESC, seq DESC", field.column()),
      Some((field, false)) => format!("{} ASC, seq ASC", field.column()),
      None => "seq ASC".to_owned(),
    };

    let total: i64 = connection.query_row(
      &format!("{view} SELECT count(*) FROM invites {filter}"),
      rusqlite::params_from_iter(&conditions.params),
      |row| row.get(0),
    )?;
    let limit_param = conditions.param(limit);
    let offset_param = conditions.param(offset);
    let mut statement = connection.prepare(&format!(
      "{view} SELECT {INVITE_COLUMNS} FROM invites {filter} ORDER BY {order} LIMIT {limit_param} OFFSET {offset_param}"
    ))?;
    let invites = statement
      .query_map(rusqlite::params_from_iter(&conditions.params), read_invite)?
      .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((invites, total))
  }
}
