//! The platform's enums that both sides spell: statuses, sort orders, sort fields, search keys.
//!
//! Names on the wire are the schema's. The emulator's GraphQL enums are `remote` copies of these,
//! so the compiler, not a test, keeps them the same.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// An invite's status (`UserInviteStatusEnum`): lower case on the wire, and "canceled" has
/// one `l`. A pending invite past its validity reads as `expired`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum UserInviteStatus {
  Pending,
  Accepted,
  Canceled,
  Expired,
}

impl UserInviteStatus {
  pub const ALL: [Self; 4] = [Self::Pending, Self::Accepted, Self::Canceled, Self::Expired];

  /// The status as the wire (and the emulator's store) spells it.
  pub fn as_str(self) -> &'static str {
    match self {
      Self::Pending => "pending",
      Self::Accepted => "accepted",
      Self::Canceled => "canceled",
      Self::Expired => "expired",
    }
  }
}

impl fmt::Display for UserInviteStatus {
  fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.write_str(self.as_str())
  }
}

/// Text that is not one of the four statuses.
#[derive(Debug, PartialEq, Eq)]
pub struct UnknownStatus;

impl FromStr for UserInviteStatus {
  type Err = UnknownStatus;

  fn from_str(text: &str) -> Result<Self, UnknownStatus> {
    Self::ALL.into_iter().find(|s| s.as_str() == text).ok_or(UnknownStatus)
  }
}

/// `OrderEnum`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "UPPERCASE")]
pub enum SortOrder {
  Asc,
  Desc,
}

/// `UserInviteOrderSortEnum`: the fields invites can be sorted by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum UserInviteSortField {
  CreatedAt,
  Data,
  Email,
  FirstName,
  LastName,
  Locale,
  Status,
  UpdatedAt,
}

/// `UserInviteSearchKeyEnum`: the fields `search` looks in (not email: filter on it instead).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum UserInviteSearchKey {
  FirstName,
  LastName,
  Locale,
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn a_status_reads_back_what_it_writes() {
    for status in UserInviteStatus::ALL {
      assert_eq!(status.as_str().parse(), Ok(status));
      assert_eq!(serde_json::to_string(&status).unwrap(), format!("\"{status}\""));
    }
    assert_eq!("cancelled".parse::<UserInviteStatus>(), Err(UnknownStatus));
  }
}
