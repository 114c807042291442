//! What happens to an invite after it is sent: resend, cancel, accept, check a token, update.
//!
//! Each argument type is also the operation's GraphQL variables object, field for field.

use serde::{Deserialize, Serialize};

use super::JsonObject;

/// `{ userInviteId }`: the argument of `resendUserInvite` and `cancelUserInvite`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserInviteIdArgs {
  pub user_invite_id: String,
}

/// `{ token }`: the one-time token from the invitation mail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenArgs {
  pub token: String,
}

/// The argument of `acceptUserInvite`: `{ data: { token } }` (V2, what `@roq/nodejs` sends) or
/// `{ acceptUserInvite: { token } }` (V1, older docs).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AcceptUserInvite {
  #[serde(rename = "acceptUserInvite")]
  V1(TokenArgs),
  #[serde(rename = "data")]
  V2(TokenArgs),
}

/// `CheckUserInviteTokenModel`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(rename = "CheckUserInviteTokenResult", optional_fields = nullable))]
#[serde(rename_all = "camelCase")]
pub struct CheckUserInviteToken {
  /// Whether the token can be used to accept its invite now.
  pub is_valid: bool,
  /// Whether its invite has expired; null for an unknown token.
  #[serde(default)]
  pub is_expired: Option<bool>,
  /// Its invite's email; null for an unknown token.
  #[serde(default)]
  pub email: Option<String>,
}

/// `UserInviteUpdateDto`: the fields to change; absent ones are kept.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
  feature = "typescript",
  derive(ts_rs::TS),
  ts(rename = "UserInviteUpdateInput", optional_fields)
)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserInviteUpdate {
  #[serde(default, skip_serializing_if = "Option::is_none")]
  pub accepted_by_user_id: Option<String>,
  #[serde(default, skip_serializing_if = "Option::is_none")]
  pub data: Option<JsonObject>,
  #[serde(default, skip_serializing_if = "Option::is_none")]
  pub first_name: Option<String>,
  #[serde(default, skip_serializing_if = "Option::is_none")]
  pub last_name: Option<String>,
  #[serde(default, skip_serializing_if = "Option::is_none")]
  pub locale: Option<String>,
}

/// `{ id, userInvite }`: the argument of `updateUserInvite`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateUserInviteArgs {
  pub id: String,
  pub user_invite: UserInviteUpdate,
}
