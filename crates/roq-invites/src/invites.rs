//! The invite operations of `roqPlatform`.

use std::collections::{HashMap, VecDeque};

use crate::client::Client;
use crate::documents::{
  ACCEPT_USER_INVITE_V1, ACCEPT_USER_INVITE_V2, CANCEL_USER_INVITE, CHECK_USER_INVITE_TOKEN, RESEND_USER_INVITE,
  SEND_USER_INVITES_V1, SEND_USER_INVITES_V2, UPDATE_USER_INVITE, USER_INVITE, USER_INVITES,
};
use crate::error::{Error, Result};
use crate::types::{
  AcceptUserInvite, CheckUserInviteToken, CreateUserInviteError, CreateUserInvitesModel, IdArgs, InviteErrorCode,
  SendUserInvites, SendUserInvitesResult, TokenArgs, UpdateUserInviteArgs, UserInvite, UserInviteError,
  UserInviteIdArgs, UserInvitePage, UserInvitesArgs,
};

impl Client {
  /// Creates one invite per entry and has the platform mail each invitee. Invites the platform
  /// refuses come back in `errors`, each with its position in the caller's list, beside the
  /// ones created.
  pub async fn send_user_invites(&self, request: &SendUserInvites) -> Result<SendUserInvitesResult> {
    let operation = match request {
      SendUserInvites::V1(_) => &SEND_USER_INVITES_V1,
      SendUserInvites::V2(_) => &SEND_USER_INVITES_V2,
    };
    // The request serializes as `{"userInvites": ...}` or `{"data": ...}`: the variables.
    let model: CreateUserInvitesModel = self.execute(operation, request).await?;
    attribute_results(&request.emails(), model)
  }

  /// Mails a pending invite again, with a new link; the old link stops working.
  pub async fn resend_user_invite(&self, args: &UserInviteIdArgs) -> Result<UserInvite> {
    self.execute(&RESEND_USER_INVITE, args).await
  }

  /// Cancels a pending invite.
  pub async fn cancel_user_invite(&self, args: &UserInviteIdArgs) -> Result<UserInvite> {
    self.execute(&CANCEL_USER_INVITE, args).await
  }

  /// One invite by id.
  pub async fn user_invite(&self, args: &IdArgs) -> Result<UserInvite> {
    self.execute(&USER_INVITE, args).await
  }

  /// A page of invites that match a filter, in an order, and how many match in all.
  pub async fn user_invites(&self, args: &UserInvitesArgs) -> Result<UserInvitePage> {
    self.execute(&USER_INVITES, args).await
  }

  /// Accepts the invite whose mail carried the token.
  pub async fn accept_user_invite(&self, args: &AcceptUserInvite) -> Result<UserInvite> {
    let operation = match args {
      AcceptUserInvite::V1(_) => &ACCEPT_USER_INVITE_V1,
      AcceptUserInvite::V2(_) => &ACCEPT_USER_INVITE_V2,
    };
    self.execute(operation, args).await
  }

  /// Whether a token from an invitation mail can still be used, and for which email.
  pub async fn check_user_invite_token(&self, args: &TokenArgs) -> Result<CheckUserInviteToken> {
    self.execute(&CHECK_USER_INVITE_TOKEN, args).await
  }

  /// Changes an invite's names, locale, data or `acceptedByUserId`.
  pub async fn update_user_invite(&self, args: &UpdateUserInviteArgs) -> Result<UserInvite> {
    self.execute(&UPDATE_USER_INVITE, args).await
  }
}

/// Gives every entry of the caller's list its outcome. The platform answers with two lists keyed
/// by email and no positions, so entries are matched by email (ignoring case and surrounding
/// space), in order: of two entries with the same email, the first takes the first outcome.
fn attribute_results(emails: &[&str], model: CreateUserInvitesModel) -> Result<SendUserInvitesResult> {
  let mut created: HashMap<String, VecDeque<UserInvite>> = HashMap::new();
  for invite in model.success.unwrap_or_default() {
    created.entry(email_key(&invite.email)).or_default().push_back(invite);
  }
  let mut refused: HashMap<String, VecDeque<CreateUserInviteError>> = HashMap::new();
  for error in model.errors.unwrap_or_default() {
    refused.entry(email_key(&error.email)).or_default().push_back(error);
  }

  let mut result = SendUserInvitesResult::default();
  for (index, email) in emails.iter().enumerate() {
    let key = email_key(email);
    if let Some(invite) = created.get_mut(&key).and_then(VecDeque::pop_front) {
      result.success.push(invite);
    } else if let Some(error) = refused.get_mut(&key).and_then(VecDeque::pop_front) {
      result.errors.push(UserInviteError {
        index,
        code: InviteErrorCode::from_platform_text(&error.error, &error.email),
        email: error.email,
        error: error.error,
        first_name: error.first_name,
        last_name: error.last_name,
      });
    } else {
      return Err(Error::protocol(format!(
        "sendUserInvites: the platform's answer says nothing about invite {index} ({email:?}); check its status with userInvites before sending it again"
      )));
    }
  }
  let unclaimed =
    created.values().map(VecDeque::len).sum::<usize>() + refused.values().map(VecDeque::len).sum::<usize>();
  if unclaimed > 0 {
    return Err(Error::protocol(
      "sendUserInvites: the platform answered with more outcomes than invites were sent",
    ));
  }
  Ok(result)
}

fn email_key(email: &str) -> String {
  email.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::types::UserInviteStatus;

  fn invite(email: &str) -> UserInvite {
    UserInvite {
      id: format!("id-{email}"),
      email: email.to_owned(),
      first_name: None,
      last_name: None,
      locale: None,
      data: None,
      status: UserInviteStatus::Pending,
      status_updated_at: None,
      created_by_user_id: "u".to_owned(),
      accepted_by_user_id: None,
      tenant_id: None,
      role_keys: None,
      user_token_id: "t".to_owned(),
      created_at: "2024-01-01T00:00:00.000Z".to_owned(),
      updated_at: None,
    }
  }

  fn refusal(email: &str, error: &str) -> CreateUserInviteError {
    CreateUserInviteError {
      email: email.to_owned(),
      error: error.to_owned(),
      first_name: String::new(),
      last_name: String::new(),
    }
  }

  #[test]
  fn gives_each_refusal_the_index_of_its_entry() {
    let model = CreateUserInvitesModel {
      success: Some(vec![invite("a@x.io"), invite("c@x.io")]),
      errors: Some(vec![
        refusal("bob@", "\"bob@\" is not a valid email address"),
        refusal("A@x.io", "appears more than once"),
      ]),
    };
    let result = attribute_results(&["a@x.io", "bob@", "c@x.io", "A@x.io"], model).unwrap();
    assert_eq!(
      result.success.iter().map(|i| i.email.as_str()).collect::<Vec<_>>(),
      ["a@x.io", "c@x.io"]
    );
    let errors: Vec<_> = result.errors.iter().map(|e| (e.index, e.code)).collect();
    assert_eq!(
      errors,
      [
        (1, InviteErrorCode::InvalidEmail),
        (3, InviteErrorCode::DuplicateInRequest)
      ]
    );
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

  #[test]
  fn an_answer_that_does_not_account_for_every_entry_is_a_protocol_error() {
    let missing = CreateUserInvitesModel {
      success: Some(vec![invite("a@x.io")]),
      errors: None,
    };
    assert!(attribute_results(&["a@x.io", "b@x.io"], missing).is_err());
    let extra = CreateUserInvitesModel {
      success: Some(vec![invite("a@x.io"), invite("b@x.io")]),
      errors: None,
    };
    assert!(attribute_results(&["a@x.io"], extra).is_err());
  }
}
