//! Attribution: which result belongs to which entry of the caller's list. Before sending, the
//! entries that need no request (a bad address, one already earlier in the list) are refused at
//! their index; after, the platform's answer (two lists keyed by email, with no positions) is
//! matched to the entries sent; at the end, the results are put back in the caller's order.

use std::borrow::Cow;
use std::collections::{HashMap, VecDeque, hash_map};

use roq_rules::{email_key, is_email};

use super::results::EntryResult;
use crate::error::{Error, Result};
use crate::types::{
  CreateUserInviteError, CreateUserInvitesModel, InviteErrorCode, InviteOutcome, SendUserInvites,
  SendUserInvitesResult, SentInvite, UserInvite, UserInviteError,
};

/// Refuses, without sending them, entries that are not email addresses and entries whose address
/// is already earlier in the list; returns the indices to send and the refusals.
pub(super) fn precheck(request: &SendUserInvites) -> (Vec<usize>, Vec<(usize, EntryResult)>) {
  let mut first_seen: HashMap<(Option<&str>, &str, String), usize> = HashMap::with_capacity(request.len());
  let mut to_send = Vec::with_capacity(request.len());
  let mut refused = Vec::new();
  for index in 0..request.len() {
    let entry = request.entry(index);
    if !is_email(entry.email) {
      let text = format!(
        "{}.userInvites[{index}].email: {:?} is not an email address; correct it or leave the entry out",
        request.root(),
        entry.email
      );
      refused.push((index, Err(refusal(request, index, InviteErrorCode::InvalidEmail, text))));
      continue;
    }
    // Without a tenant, the platform uses the inviter's: the inviter stands in for it.
    let scope = if entry.tenant_id.is_some() {
      ""
    } else {
      entry.created_by_user_id
    };
    match first_seen.entry((entry.tenant_id, scope, email_key(entry.email))) {
      hash_map::Entry::Occupied(first) => {
        let text = format!(
          "{} is already at index {} of this call, and is sent once",
          entry.email.trim(),
          first.get()
        );
        refused.push((
          index,
          Err(refusal(request, index, InviteErrorCode::DuplicateInRequest, text)),
        ));
      }
      hash_map::Entry::Vacant(slot) => {
        slot.insert(index);
        to_send.push(index);
      }
    }
  }
  (to_send, refused)
}

pub(super) fn refusal(
  request: &SendUserInvites,
  index: usize,
  code: InviteErrorCode,
  error: String,
) -> UserInviteError {
  let entry = request.entry(index);
  UserInviteError {
    index,
    code,
    email: entry.email.to_owned(),
    error,
    first_name: entry.first_name.unwrap_or_default().to_owned(),
    last_name: entry.last_name.unwrap_or_default().to_owned(),
  }
}

pub(super) fn unknown_text(error: &Error) -> String {
  format!(
    "this entry was on its way when the send stopped ({}), and whether it was created could not be checked; look it up with userInvites before sending it again",
    error.message()
  )
}

/// An invite in the platform's answer, as far as attribution needs it.
pub(super) trait Answered {
  fn email(&self) -> Cow<'_, str>;
}

impl Answered for UserInvite {
  fn email(&self) -> Cow<'_, str> {
    Cow::Borrowed(&self.email)
  }
}

/// [`attribute`] for the typed model: each created invite as a [`SentInvite`].
pub(super) fn attribute_results(
  request: &SendUserInvites,
  indices: &[usize],
  model: CreateUserInvitesModel,
) -> Result<Vec<(usize, EntryResult)>> {
  let attributed = attribute(request, indices, model.success, model.errors)?;
  Ok(
    attributed
      .into_iter()
      .map(|(index, result)| {
        let sent = result.map(|invite| SentInvite {
          invite,
          index,
          outcome: InviteOutcome::Created,
        });
        (index, sent)
      })
      .collect(),
  )
}

/// Gives every entry at `indices` its outcome. The platform answers with two lists keyed by
/// email and no positions, so entries are matched by email (ignoring case and surrounding
/// space), in order: of two entries with the same email, the first takes the first outcome.
pub(super) fn attribute<I: Answered>(
  request: &SendUserInvites,
  indices: &[usize],
  success: Option<Vec<I>>,
  errors: Option<Vec<CreateUserInviteError>>,
) -> Result<Vec<(usize, std::result::Result<I, UserInviteError>)>> {
  let mut created: HashMap<String, VecDeque<I>> = HashMap::new();
  for invite in success.unwrap_or_default() {
    created.entry(email_key(&invite.email())).or_default().push_back(invite);
  }
  let mut refused: HashMap<String, VecDeque<CreateUserInviteError>> = HashMap::new();
  for error in errors.unwrap_or_default() {
    refused.entry(email_key(&error.email)).or_default().push_back(error);
  }
  let mut results = Vec::with_capacity(indices.len());
  for &index in indices {
    let email = request.entry(index).email;
    let key = email_key(email);
    if let Some(invite) = created.get_mut(&key).and_then(VecDeque::pop_front) {
      results.push((index, Ok(invite)));
    } else if let Some(error) = refused.get_mut(&key).and_then(VecDeque::pop_front) {
      let code = InviteErrorCode::from_platform_text(&error.error, &error.email);
      let refusal = UserInviteError {
        index,
        code,
        email: error.email,
        error: error.error,
        first_name: error.first_name,
        last_name: error.last_name,
      };
      results.push((index, Err(refusal)));
    } else {
      return Err(
        Error::protocol(format!(
          "sendUserInvites: the platform's answer says nothing about invite {index} ({email:?})"
        ))
        .with_outcome_unknown(),
      );
    }
  }
  let unclaimed =
    created.values().map(VecDeque::len).sum::<usize>() + refused.values().map(VecDeque::len).sum::<usize>();
  if unclaimed > 0 {
    return Err(
      Error::protocol("sendUserInvites: the platform answered with more outcomes than invites were sent")
        .with_outcome_unknown(),
    );
  }
  Ok(results)
}

/// The results in the caller's order.
pub(super) fn collect(mut results: Vec<(usize, EntryResult)>) -> SendUserInvitesResult {
  results.sort_unstable_by_key(|(index, _)| *index);
  results.into_iter().map(|(_, result)| result).collect()
}

/// Entries' results, sent ones in `success` and refused ones in `errors`, in the order given.
impl FromIterator<EntryResult> for SendUserInvitesResult {
  fn from_iter<I: IntoIterator<Item = EntryResult>>(results: I) -> Self {
    let mut collected = Self::default();
    for result in results {
      match result {
        Ok(sent) => collected.success.push(sent),
        Err(refusal) => collected.errors.push(refusal),
      }
    }
    collected
  }
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::error::ErrorCode;
  use crate::input::from_json;

  fn request(emails: &[&str]) -> SendUserInvites {
    let entries: Vec<_> = emails
      .iter()
      .map(|e| serde_json::json!({ "createdByUserId": "u", "email": e }))
      .collect();
    from_json(
      &serde_json::json!({ "data": { "tenantId": "t", "userInvites": entries } }).to_string(),
      "args",
    )
    .unwrap()
  }

  fn invite(email: &str) -> UserInvite {
    serde_json::from_value(serde_json::json!({
      "id": format!("id-{email}"), "email": email, "firstName": null, "lastName": null, "locale": null, "data": null,
      "status": "pending", "statusUpdatedAt": null, "createdByUserId": "u", "acceptedByUserId": null, "tenantId": "t",
      "roleKeys": null, "userTokenId": "tok", "createdAt": "2024-01-01T00:00:00.000Z", "updatedAt": null
    }))
    .unwrap()
  }

  fn refused(email: &str, error: &str) -> CreateUserInviteError {
    CreateUserInviteError {
      email: email.into(),
      error: error.into(),
      first_name: String::new(),
      last_name: String::new(),
    }
  }

  #[test]
  fn prechecks_report_bad_and_repeated_addresses_with_their_index() {
    let request = request(&["a@x.io", "bob@", "A@X.io ", "b@x.io"]);
    let (to_send, refused) = precheck(&request);
    assert_eq!(to_send, [0, 3]);
    let codes: Vec<_> = refused
      .iter()
      .map(|(i, r)| (*i, r.as_ref().unwrap_err().code))
      .collect();
    assert_eq!(
      codes,
      [
        (1, InviteErrorCode::InvalidEmail),
        (2, InviteErrorCode::DuplicateInRequest)
      ]
    );
    assert_eq!(
      refused[0].1.as_ref().unwrap_err().error,
      "data.userInvites[1].email: \"bob@\" is not an email address; correct it or leave the entry out"
    );
    assert_eq!(
      refused[1].1.as_ref().unwrap_err().error,
      "A@X.io is already at index 0 of this call, and is sent once"
    );
  }

  #[test]
  fn gives_each_outcome_the_index_of_its_entry() {
    let request = request(&["a@x.io", "p@x.io", "c@x.io"]);
    let model = CreateUserInvitesModel {
      success: Some(vec![invite("C@x.io"), invite("a@x.io")]),
      errors: Some(vec![refused(
        "p@x.io",
        "An invite to p@x.io is already pending in this tenant",
      )]),
    };
    let results = attribute_results(&request, &[0, 1, 2], model).unwrap();
    let summary: Vec<_> = results
      .iter()
      .map(|(i, r)| (*i, r.as_ref().map(|s| s.index).map_err(|e| e.code)))
      .collect();
    assert_eq!(
      summary,
      [(0, Ok(0)), (1, Err(InviteErrorCode::AlreadyInvited)), (2, Ok(2))]
    );
  }

  #[test]
  fn an_answer_that_does_not_account_for_every_entry_is_an_unknown_outcome() {
    let request = request(&["a@x.io", "b@x.io"]);
    let missing = CreateUserInvitesModel {
      success: Some(vec![invite("a@x.io")]),
      errors: None,
    };
    let error = attribute_results(&request, &[0, 1], missing).unwrap_err();
    assert!(error.outcome_unknown() && error.code() == ErrorCode::ProtocolError);
    let extra = CreateUserInvitesModel {
      success: Some(vec![invite("a@x.io"), invite("z@x.io")]),
      errors: None,
    };
    assert!(attribute_results(&request, &[0], extra).is_err());
  }

  #[test]
  fn classifies_refusals_without_reading_the_address() {
    let code = |text: &str, email: &str| InviteErrorCode::from_platform_text(text, email);
    assert_eq!(
      code("\"already@\" is not a valid email address", "already@"),
      InviteErrorCode::InvalidEmail
    );
    assert_eq!(
      code("dup@x.io appears more than once in this request", "dup@x.io"),
      InviteErrorCode::DuplicateInRequest
    );
    assert_eq!(
      code("An invite to a@x.io is already pending in this tenant", "a@x.io"),
      InviteErrorCode::AlreadyInvited
    );
    assert_eq!(
      code("roles must be at most 50 non-empty role keys", "a@x.io"),
      InviteErrorCode::Rejected
    );
  }
}
