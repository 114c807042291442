//! `userInvite` and `userInvites`: the arguments, the filters, order and search, and a page.

use serde::{Deserialize, Serialize};

use super::{SortOrder, UserInvite, UserInviteSearchKey, UserInviteSortField, UserInviteStatus};

/// `{ id }`: the argument of `userInvite`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdArgs {
  pub id: String,
}

/// Conditions on an id field (`IdFilterArgType`); all given ones must hold.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IdFilter {
  #[serde(default, skip_serializing_if = "Option::is_none")]
  pub equal_to: Option<String>,
  #[serde(default, skip_serializing_if = "Option::is_none")]
  pub not_equal_to: Option<String>,
  #[serde(default, skip_serializing_if = "Option::is_none")]
  pub value_in: Option<Vec<String>>,
  #[serde(default, skip_serializing_if = "Option::is_none")]
  pub value_not_in: Option<Vec<String>>,
}

/// Conditions on a text field (`StringFilterArgType`); all given ones must hold. `like` is
/// case-sensitive and `iLike` is not; both take `%` (any run) and `_` (one character).
/// `notEqualTo` and `valueNotIn` do not match a field that is null.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StringFilter<T = String> {
  #[serde(default = "none", skip_serializing_if = "Option::is_none")]
  pub equal_to: Option<T>,
  #[serde(default = "none", skip_serializing_if = "Option::is_none")]
  pub not_equal_to: Option<T>,
  #[serde(default, skip_serializing_if = "Option::is_none")]
  pub like: Option<String>,
  #[serde(default, rename = "iLike", skip_serializing_if = "Option::is_none")]
  pub i_like: Option<String>,
  #[serde(default = "none", skip_serializing_if = "Option::is_none")]
  pub value_in: Option<Vec<T>>,
  #[serde(default = "none", skip_serializing_if = "Option::is_none")]
  pub value_not_in: Option<Vec<T>>,
}

fn none<T>() -> Option<T> {
  None
}

impl<T> Default for StringFilter<T> {
  fn default() -> Self {
    Self {
      equal_to: None,
      not_equal_to: None,
      like: None,
      i_like: None,
      value_in: None,
      value_not_in: None,
    }
  }
}

/// Which invites `userInvites` returns (`UserInviteFilterArgType`). `status` takes the status
/// names, so a misspelt status is an error instead of a filter that silently matches nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserInviteFilter {
  #[serde(default, skip_serializing_if = "Option::is_none")]
  pub accepted_by_user_id: Option<IdFilter>,
  #[serde(default, skip_serializing_if = "Option::is_none")]
  pub created_by_user_id: Option<IdFilter>,
  #[serde(default, skip_serializing_if = "Option::is_none")]
  pub email: Option<StringFilter>,
  #[serde(default, skip_serializing_if = "Option::is_none")]
  pub first_name: Option<StringFilter>,
  #[serde(default, skip_serializing_if = "Option::is_none")]
  pub id: Option<IdFilter>,
  #[serde(default, skip_serializing_if = "Option::is_none")]
  pub last_name: Option<StringFilter>,
  #[serde(default, skip_serializing_if = "Option::is_none")]
  pub locale: Option<StringFilter>,
  /// Takes status names; a pending invite past its validity filters as `expired`.
  #[serde(default, skip_serializing_if = "Option::is_none")]
  pub status: Option<StringFilter<UserInviteStatus>>,
  #[serde(default, skip_serializing_if = "Option::is_none")]
  pub tenant_id: Option<IdFilter>,
  #[serde(default, skip_serializing_if = "Option::is_none")]
  pub user_token_id: Option<IdFilter>,
}

/// `UserInviteOrderArgType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct UserInviteOrder {
  pub order: SortOrder,
  pub sort: UserInviteSortField,
}

/// `UserInviteSearchArgType`: invites whose `key` field contains `value`, ignoring case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct UserInviteSearch {
  pub key: UserInviteSearchKey,
  pub value: String,
}

/// The argument of `userInvites`; every part is optional.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(optional_fields))]
#[serde(deny_unknown_fields)]
pub struct UserInvitesArgs {
  #[serde(default, skip_serializing_if = "Option::is_none")]
  pub filter: Option<UserInviteFilter>,
  /// At most this many invites (0 to 1000; 100 if absent, in the emulator).
  #[serde(default, skip_serializing_if = "Option::is_none")]
  pub limit: Option<u32>,
  /// Skip this many first.
  #[serde(default, skip_serializing_if = "Option::is_none")]
  pub offset: Option<u32>,
  /// The order; insertion order if absent.
  #[serde(default, skip_serializing_if = "Option::is_none")]
  pub order: Option<UserInviteOrder>,
  /// Invites whose `key` field contains `value`, ignoring case (email is not a key: filter on it).
  #[serde(default, skip_serializing_if = "Option::is_none")]
  pub search: Option<UserInviteSearch>,
}

/// A page of invites (`UserInvitePageModel`), and how many match in all (whatever the page).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct UserInvitePage {
  pub data: Vec<UserInvite>,
  pub total_count: u64,
}
