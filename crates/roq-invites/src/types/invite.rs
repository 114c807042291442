//! The invite, as the platform returns it.

use serde::{Deserialize, Serialize};

use super::{JsonObject, UserInviteStatus};

/// An invite, with every field of the platform's `UserInvite` fragment. Dates are ISO-8601
/// strings, as the platform sends them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct UserInvite {
  pub id: String,
  pub email: String,
  pub first_name: Option<String>,
  pub last_name: Option<String>,
  pub locale: Option<String>,
  pub data: Option<JsonObject>,
  pub status: UserInviteStatus,
  pub status_updated_at: Option<String>,
  pub created_by_user_id: String,
  pub accepted_by_user_id: Option<String>,
  pub tenant_id: Option<String>,
  pub role_keys: Option<Vec<String>>,
  /// The id of the invite's one-time accept token.
  pub user_token_id: String,
  pub created_at: String,
  pub updated_at: Option<String>,
}
