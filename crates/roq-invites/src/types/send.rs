//! `sendUserInvites`: its argument in both generations, the view of one entry and of a batch,
//! and what a send resolves to.

use serde::{Deserialize, Serialize};

use super::{JsonObject, UserInvite, UserInviteStatus};

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
  /// The tenant named on the entry itself (V1's `tenantId` of an entry; V2 has none).
  pub own_tenant_id: Option<&'a str>,
  pub first_name: Option<&'a str>,
  pub last_name: Option<&'a str>,
  pub locale: Option<&'a str>,
  pub roles: Option<&'a [String]>,
  /// The data kept with the invite, under the name the caller gave it: V1's `data`, V2's
  /// `injectableVariables`.
  pub data: (&'static str, Option<&'a JsonObject>),
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
          own_tenant_id: e.tenant_id.as_deref(),
          first_name: e.first_name.as_deref(),
          last_name: e.last_name.as_deref(),
          locale: e.locale.as_deref(),
          roles: e.roles.as_deref(),
          data: ("data", e.data.as_ref()),
        }
      }
      Self::V2(v2) => {
        let e = &v2.user_invites[index];
        EntryView {
          email: &e.email,
          created_by_user_id: &e.created_by_user_id,
          tenant_id: Some(&v2.tenant_id),
          own_tenant_id: None,
          first_name: e.first_name.as_deref(),
          last_name: e.last_name.as_deref(),
          locale: e.locale.as_deref(),
          roles: e.roles.as_deref(),
          data: ("injectableVariables", e.injectable_variables.as_ref()),
        }
      }
    }
  }

  /// The tenant named for the whole list: always in V2, where it is required; optional in V1.
  pub(crate) fn list_tenant_id(&self) -> Option<&str> {
    match self {
      Self::V1(v1) => v1.tenant_id.as_deref(),
      Self::V2(v2) => Some(&v2.tenant_id),
    }
  }

  /// The variables of a request with only the entries at `indices`, in that order: written
  /// from the caller's entries, not from copies of them.
  pub(crate) fn batch<'a>(&'a self, indices: &'a [usize]) -> Batch<'a> {
    Batch { request: self, indices }
  }

  /// How many bytes the entry at `index` takes in a request's JSON body.
  pub(crate) fn entry_json_len(&self, index: usize) -> usize {
    /// Counts what is written, and keeps none of it.
    struct Counter(usize);
    impl std::io::Write for Counter {
      fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
      }
      fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
      }
    }
    let mut counter = Counter(0);
    // Writing to a counter cannot fail, nor can serializing an entry that was read from JSON.
    let _ = match self {
      Self::V1(v1) => serde_json::to_writer(&mut counter, &v1.user_invites[index]),
      Self::V2(v2) => serde_json::to_writer(&mut counter, &v2.user_invites[index]),
    };
    counter.0
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
