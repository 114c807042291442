//! Reading invites: one by id, and pages of them with filters, order and search.

use crate::client::Replay;
use crate::documents::{USER_INVITE, USER_INVITES};
use crate::error::Result;
use crate::roq_platform::RoqPlatform;
use crate::types::{IdArgs, UserInvite, UserInvitePage, UserInvitesArgs};
use crate::validate::id;

impl RoqPlatform<'_> {
  /// One invite by id.
  pub async fn user_invite(&self, args: &IdArgs) -> Result<UserInvite> {
    id(&"id", &args.id)?;
    self.client.execute(&USER_INVITE, args, Replay::Safe).await
  }

  /// A page of invites that match a filter, in an order, and how many match in all.
  pub async fn user_invites(&self, args: &UserInvitesArgs) -> Result<UserInvitePage> {
    self.client.execute(&USER_INVITES, args, Replay::Safe).await
  }
}
