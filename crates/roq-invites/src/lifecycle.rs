//! What happens to an invite after it is sent: resend, cancel, accept, check a token, update.

use crate::client::Replay;
use crate::documents::{
  ACCEPT_USER_INVITE_V1, ACCEPT_USER_INVITE_V2, CANCEL_USER_INVITE, CHECK_USER_INVITE_TOKEN, RESEND_USER_INVITE,
  UPDATE_USER_INVITE,
};
use crate::error::Result;
use crate::roq_platform::RoqPlatform;
use crate::types::{
  AcceptUserInvite, CheckUserInviteToken, TokenArgs, UpdateUserInviteArgs, UserInvite, UserInviteIdArgs,
};
use crate::validate::{check_accept, check_update, id};

impl RoqPlatform<'_> {
  /// Mails a pending invite again, with a new link; the old link stops working.
  pub async fn resend_user_invite(&self, args: &UserInviteIdArgs) -> Result<UserInvite> {
    id(&"userInviteId", &args.user_invite_id)?;
    self.client.execute(&RESEND_USER_INVITE, args, Replay::Never).await
  }

  /// Cancels a pending invite.
  pub async fn cancel_user_invite(&self, args: &UserInviteIdArgs) -> Result<UserInvite> {
    id(&"userInviteId", &args.user_invite_id)?;
    self.client.execute(&CANCEL_USER_INVITE, args, Replay::Never).await
  }

  /// Accepts the invite whose mail carried the token.
  pub async fn accept_user_invite(&self, args: &AcceptUserInvite) -> Result<UserInvite> {
    check_accept(args)?;
    let operation = match args {
      AcceptUserInvite::V1(_) => &ACCEPT_USER_INVITE_V1,
      AcceptUserInvite::V2(_) => &ACCEPT_USER_INVITE_V2,
    };
    self.client.execute(operation, args, Replay::Never).await
  }

  /// Whether a token from an invitation mail can still be used, and for which email.
  pub async fn check_user_invite_token(&self, args: &TokenArgs) -> Result<CheckUserInviteToken> {
    id(&"token", &args.token)?;
    self.client.execute(&CHECK_USER_INVITE_TOKEN, args, Replay::Safe).await
  }

  /// Changes an invite's names, locale, data or `acceptedByUserId`.
  pub async fn update_user_invite(&self, args: &UpdateUserInviteArgs) -> Result<UserInvite> {
    check_update(args)?;
    self.client.execute(&UPDATE_USER_INVITE, args, Replay::Safe).await
  }
}
