//! The invite operations of `roqPlatform` after sending (sending is in `bulk`).

use crate::client::{Client, Replay};
use crate::documents::{
  ACCEPT_USER_INVITE_V1, ACCEPT_USER_INVITE_V2, CANCEL_USER_INVITE, CHECK_USER_INVITE_TOKEN, RESEND_USER_INVITE,
  UPDATE_USER_INVITE, USER_INVITE, USER_INVITES,
};
use crate::error::Result;
use crate::types::{
  AcceptUserInvite, CheckUserInviteToken, IdArgs, TokenArgs, UpdateUserInviteArgs, UserInvite, UserInviteIdArgs,
  UserInvitePage, UserInvitesArgs,
};
use crate::validate::{check_accept, check_update, id};

impl Client {
  /// Mails a pending invite again, with a new link; the old link stops working.
  pub async fn resend_user_invite(&self, args: &UserInviteIdArgs) -> Result<UserInvite> {
    id(&"userInviteId", &args.user_invite_id)?;
    self.execute(&RESEND_USER_INVITE, args, Replay::Never).await
  }

  /// Cancels a pending invite.
  pub async fn cancel_user_invite(&self, args: &UserInviteIdArgs) -> Result<UserInvite> {
    id(&"userInviteId", &args.user_invite_id)?;
    self.execute(&CANCEL_USER_INVITE, args, Replay::Never).await
  }

  /// One invite by id.
  pub async fn user_invite(&self, args: &IdArgs) -> Result<UserInvite> {
    id(&"id", &args.id)?;
    self.execute(&USER_INVITE, args, Replay::Safe).await
  }

  /// A page of invites that match a filter, in an order, and how many match in all.
  pub async fn user_invites(&self, args: &UserInvitesArgs) -> Result<UserInvitePage> {
    self.execute(&USER_INVITES, args, Replay::Safe).await
  }

  /// Accepts the invite whose mail carried the token.
  pub async fn accept_user_invite(&self, args: &AcceptUserInvite) -> Result<UserInvite> {
    check_accept(args)?;
    let operation = match args {
      AcceptUserInvite::V1(_) => &ACCEPT_USER_INVITE_V1,
      AcceptUserInvite::V2(_) => &ACCEPT_USER_INVITE_V2,
    };
    self.execute(operation, args, Replay::Never).await
  }

  /// Whether a token from an invitation mail can still be used, and for which email.
  pub async fn check_user_invite_token(&self, args: &TokenArgs) -> Result<CheckUserInviteToken> {
    id(&"token", &args.token)?;
    self.execute(&CHECK_USER_INVITE_TOKEN, args, Replay::Safe).await
  }

  /// Changes an invite's names, locale, data or `acceptedByUserId`.
  pub async fn update_user_invite(&self, args: &UpdateUserInviteArgs) -> Result<UserInvite> {
    check_update(args)?;
    self.execute(&UPDATE_USER_INVITE, args, Replay::Safe).await
  }
}
