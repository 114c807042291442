//! The invite types of the platform's schema (reference/roq-golden/invites-schema.graphql).
//!
//! Field names are the schema's (camelCase on the wire and in JavaScript). Inputs reject unknown
//! fields, so a misspelt key is an error instead of a silently dropped value.

use serde::{Deserialize, Serialize};

pub use roq_rules::{SortOrder, UserInviteSearchKey, UserInviteSortField, UserInviteStatus};

pub use crate::json_object::JsonObject;

/// One invite to send, in the docs' (V1) shape (`UserInviteCreateDto`): what ROQ's docs and the
/// browser SDK up to 0.0.6 send.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(rename = "UserInviteCreateInput", optional_fields = nullable))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserInviteCreate {
  /// The id of the user who invites.
  pub created_by_user_id: String,
  pub email: String,
  #[serde(default, skip_serializing_if = "Option::is_none")]
  pub first_name: Option<String>,
  #[serde(default, skip_serializing_if = "Option::is_none")]
  pub last_name: Option<String>,
  /// The invitation mail's language, e.g. `en-US`.
  #[serde(default, skip_serializing_if = "Option::is_none")]
  pub locale: Option<String>,
  /// Role keys the invitee gets, e.g. `['content-creator']`.
  #[serde(default, skip_serializing_if = "Option::is_none")]
  pub roles: Option<Vec<String>>,
  /// Data kept with the invite.
  #[serde(default, skip_serializing_if = "Option::is_none")]
  pub data: Option<JsonObject>,
  /// New invites are always pending.
  #[serde(default, skip_serializing_if = "Option::is_none")]
  #[cfg_attr(feature = "typescript", ts(type = "'pending' | null", optional))]
  pub status: Option<UserInviteStatus>,
  /// The tenant, for this entry only.
  #[serde(default, skip_serializing_if = "Option::is_none")]
  pub tenant_id: Option<String>,
}

/// A list of invites, in the docs' (V1) shape (`UserInvitesCreateDto`): `tenantId` is optional.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(rename = "UserInvitesCreateInput", optional_fields = nullable))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserInvitesCreate {
  #[serde(default, skip_serializing_if = "Option::is_none")]
  pub tenant_id: Option<String>,
  pub user_invites: Vec<UserInviteCreate>,
}

/// One invite to send, in the API reference's (V2) shape (`UserInviteCreateV2Dto`): what
/// `@roq/nodejs` 1.0.20 sends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(rename = "UserInviteCreateV2Input", optional_fields = nullable))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserInviteCreateV2 {
  /// The id of the user who invites.
  pub created_by_user_id: String,
  pub email: String,
  #[serde(default, skip_serializing_if = "Option::is_none")]
  pub first_name: Option<String>,
  #[serde(default, skip_serializing_if = "Option::is_none")]
  pub last_name: Option<String>,
  /// The invitation mail's language, e.g. `en-US`.
  #[serde(default, skip_serializing_if = "Option::is_none")]
  pub locale: Option<String>,
  /// Role keys the invitee gets.
  #[serde(default, skip_serializing_if = "Option::is_none")]
  pub roles: Option<Vec<String>>,
  /// Variables for the invitation mail's template; kept as the invite's `data`.
  #[serde(default, skip_serializing_if = "Option::is_none")]
  pub injectable_variables: Option<JsonObject>,
}

/// A list of invites, in the V2 shape (`UserInvitesCreateV2Dto`): `tenantId` is required.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(rename = "UserInvitesCreateV2Input"))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserInvitesCreateV2 {
  pub tenant_id: String,
  pub user_invites: Vec<UserInviteCreateV2>,
}

/// The argument of `sendUserInvites`, in either generation: `{ userInvites: {...} }` (V1, the
/// docs' call) or `{ data: {...} }` (V2, the API reference and `@roq/nodejs`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum SendUserInvites {
  #[serde(rename = "userInvites")]
  V1(UserInvitesCreate),
  #[serde(rename = "data")]
  V2(UserInvitesCreateV2),
}

/// What a send needs to know of one entry, whichever generation it came in.
#[derive(Clone, Copy, Debug)]
pub(crate) struct EntryView<'a> {
  pub email: &'a str,
  pub created_by_user_id: &'a str,
  /// The tenant the entry goes to, when the caller named it (V1 may leave it to the inviter's).
  pub tenant_id: Option<&'a str>,
  pub first_name: Option<&'a str>,
  pub last_name: Option<&'a str>,
}

impl SendUserInvites {
  pub fn len(&self) -> usize {
    match self {
      Self::V1(v1) => v1.user_invites.len(),
      Self::V2(v2) => v2.user_invites.len(),
    }
  }

  pub fn is_empty(&self) -> bool {
    self.len() == 0
  }

  /// The emails in the caller's order.
  pub fn emails(&self) -> Vec<&str> {
    (0..self.len()).map(|i| self.entry(i).email).collect()
  }

  pub(crate) fn entry(&self, index: usize) -> EntryView<'_> {
    match self {
      Self::V1(v1) => {
        let e = &v1.user_invites[index];
        EntryView {
          email: &e.email,
          created_by_user_id: &e.created_by_user_id,
          tenant_id: e.tenant_id.as_deref().or(v1.tenant_id.as_deref()),
          first_name: e.first_name.as_deref(),
          last_name: e.last_name.as_deref(),
        }
      }
      Self::V2(v2) => {
        let e = &v2.user_invites[index];
        EntryView {
          email: &e.email,
          created_by_user_id: &e.created_by_user_id,
          tenant_id: Some(&v2.tenant_id),
          first_name: e.first_name.as_deref(),
          last_name: e.last_name.as_deref(),
        }
      }
    }
  }

  /// The variables of a request with only the entries at `indices`, in that order: written
  /// from the caller's entries, not from copies of them.
  pub(crate) fn batch<'a>(&'a self, indices: &'a [usize]) -> Batch<'a> {
    Batch { request: self, indices }
  }

  /// The argument name the caller used, for error paths.
  pub fn root(&self) -> &'static str {
    match self {
      Self::V1(_) => "userInvites",
      Self::V2(_) => "data",
    }
  }
}

/// Some entries of a [`SendUserInvites`], serialized as a request of their own.
pub(crate) struct Batch<'a> {
  request: &'a SendUserInvites,
  indices: &'a [usize],
}

/// `{ tenantId?, userInvites: [the picked entries] }`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BatchList<'a, E: Serialize> {
  #[serde(skip_serializing_if = "Option::is_none")]
  tenant_id: Option<&'a str>,
  #[serde(serialize_with = "picked")]
  user_invites: (&'a [E], &'a [usize]),
}

fn picked<E: Serialize, S: serde::Serializer>(
  (entries, indices): &(&[E], &[usize]),
  serializer: S,
) -> Result<S::Ok, S::Error> {
  serializer.collect_seq(indices.iter().map(|&i| &entries[i]))
}

impl Serialize for Batch<'_> {
  fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = serializer.serialize_map(Some(1))?;
    match self.request {
      SendUserInvites::V1(v1) => map.serialize_entry(
        "userInvites",
        &BatchList {
          tenant_id: v1.tenant_id.as_deref(),
          user_invites: (&v1.user_invites, self.indices),
        },
      )?,
      SendUserInvites::V2(v2) => map.serialize_entry(
        "data",
        &BatchList {
          tenant_id: Some(&v2.tenant_id),
          user_invites: (&v2.user_invites, self.indices),
        },
      )?,
    }
    map.end()
  }
}

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

/// `CreateUserInviteErrorModel`: one invite the platform refused, as it reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateUserInviteError {
  pub email: String,
  pub error: String,
  pub first_name: String,
  pub last_name: String,
}

/// `CreateUserInvitesModel`: the answer of both send mutations. Both lists are nullable in the
/// schema.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct CreateUserInvitesModel {
  #[serde(default)]
  pub success: Option<Vec<UserInvite>>,
  #[serde(default)]
  pub errors: Option<Vec<CreateUserInviteError>>,
}

/// Why one entry of a send was not sent, a stable code beside the platform's text:
/// - `INVALID_EMAIL`: the email is not a valid address.
/// - `ALREADY_INVITED`: the email already has a pending invite in this tenant.
/// - `DUPLICATE_IN_REQUEST`: the same email (ignoring case) is earlier in the same call.
/// - `REJECTED`: the platform refused it for another reason (see `error`).
/// - `OUTCOME_UNKNOWN`: a send stopped while this entry was on its way, and whether the platform
///   created it could not be checked; look it up with `userInvites` before sending it again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum InviteErrorCode {
  InvalidEmail,
  AlreadyInvited,
  DuplicateInRequest,
  Rejected,
  OutcomeUnknown,
}

impl InviteErrorCode {
  /// Classifies the platform's text about `email`. The platform has no per-invite error codes,
  /// so this reads the words the emulator uses (and that a real platform is likely to use),
  /// leaving out the address itself, whose words must not count.
  pub fn from_platform_text(text: &str, email: &str) -> Self {
    let text = text.replace(email, "").to_lowercase();
    if text.contains("more than once") || text.contains("duplicate") {
      Self::DuplicateInRequest
    } else if text.contains("already") {
      Self::AlreadyInvited
    } else if text.contains("email") && (text.contains("valid") || text.contains("format")) {
      Self::InvalidEmail
    } else {
      Self::Rejected
    }
  }
}

/// An entry that was not sent: the platform's fields, its position in your list (`index`), and
/// a stable `code`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct UserInviteError {
  /// The entry's position in the list you passed.
  pub index: usize,
  pub code: InviteErrorCode,
  pub email: String,
  /// The platform's explanation.
  pub error: String,
  pub first_name: String,
  pub last_name: String,
}

/// What happened to an entry that stands as an invite now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum InviteOutcome {
  /// A new invite was created and mailed.
  Created,
  /// The email had a pending invite, which was mailed again (`onExisting: 'resend'`).
  Resent,
  /// The email had a pending invite, which was left as it was (`onExisting: 'skip'`).
  Skipped,
}

/// An invite that stands for an entry of your list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SentInvite {
  #[serde(flatten)]
  pub invite: UserInvite,
  /// The entry's position in the list you passed.
  pub index: usize,
  /// `created`, or what `onExisting` did with the email's pending invite.
  pub outcome: InviteOutcome,
}

/// A sent invite reads as the invite it is.
impl std::ops::Deref for SentInvite {
  type Target = UserInvite;

  fn deref(&self) -> &UserInvite {
    &self.invite
  }
}

/// What `sendUserInvites` resolves to: one result per entry of your list, each either in
/// `success` or in `errors`, both in your order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct SendUserInvitesResult {
  pub success: Vec<SentInvite>,
  pub errors: Vec<UserInviteError>,
}

// ---- the lifecycle of an invite ------------------------------------------------------------
//
// Each argument type is also the operation's GraphQL variables object, field for field.

/// `{ userInviteId }`: the argument of `resendUserInvite` and `cancelUserInvite`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserInviteIdArgs {
  pub user_invite_id: String,
}

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
