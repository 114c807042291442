//! The mutation root for what happens to an invite after it is sent: resend, cancel, accept
//! (both versions) and update; each notes the invite it changed for the request log.

use async_graphql::{Context, ID, Object};

use crate::platform::Platform;
use crate::platform::invite::Invite;
use crate::platform::lifecycle::InvitePatch;
use crate::principal::Principal;
use crate::problem::Problem;

use super::inputs::{AcceptUserInviteDto, AcceptUserInviteV2Dto, UserInviteUpdateDto};
use super::models::{UserInviteModel, invite_model};
use super::request_note::note_invites;

#[derive(Default)]
pub struct LifecycleMutation;

#[Object]
impl LifecycleMutation {
  async fn resend_user_invite(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<UserInviteModel> {
    changed(ctx, |platform, principal| platform.resend_invite(principal, &id))
  }

  async fn cancel_user_invite(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<UserInviteModel> {
    changed(ctx, |platform, principal| platform.cancel_invite(principal, &id))
  }

  async fn accept_user_invite(
    &self,
    ctx: &Context<'_>,
    accept_user_invite: AcceptUserInviteDto,
  ) -> async_graphql::Result<UserInviteModel> {
    changed(ctx, |platform, _| platform.accept_invite(&accept_user_invite.token))
  }

  #[graphql(name = "acceptUserInviteV2")]
  async fn accept_user_invite_v2(
    &self,
    ctx: &Context<'_>,
    data: AcceptUserInviteV2Dto,
  ) -> async_graphql::Result<UserInviteModel> {
    changed(ctx, |platform, _| platform.accept_invite(&data.token))
  }

  async fn update_user_invite(
    &self,
    ctx: &Context<'_>,
    id: ID,
    user_invite: UserInviteUpdateDto,
  ) -> async_graphql::Result<UserInviteModel> {
    let patch = InvitePatch {
      accepted_by_user_id: user_invite.accepted_by_user_id.map(|id| id.0),
      data: user_invite.data.map(|d| d.0),
      first_name: user_invite.first_name,
      last_name: user_invite.last_name,
      locale: user_invite.locale,
    };
    changed(ctx, |platform, principal| platform.update_invite(principal, &id, patch))
  }
}

/// Runs an operation that changes one invite, as [`invite_model`] does, and notes the invite.
fn changed(
  ctx: &Context<'_>,
  operation: impl FnOnce(&Platform, &Principal) -> Result<Invite, Problem>,
) -> async_graphql::Result<UserInviteModel> {
  invite_model(ctx, |platform, principal| {
    let invite = operation(platform, principal)?;
    note_invites(ctx, 1, [invite.id.as_str()]);
    Ok(invite)
  })
}
