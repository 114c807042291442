//! The mutation root that sends invites (`sendUserInvites`, `sendUserInvitesV2`). `Mutation`
//! merges it first, so its fields come first in the SDL, as before the split.

use async_graphql::{Context, Object};

use crate::platform::send::NewInvite;
use crate::problem::Problem;

use super::context::{graphql_error, platform, principal};
use super::enums::UserInviteStatusEnum;
use super::inputs::{UserInvitesCreateDto, UserInvitesCreateV2Dto};
use super::limits;
use super::models::CreateUserInvitesModel;

#[derive(Default)]
pub struct SendMutation;

#[Object]
impl SendMutation {
  /// Create UserInvite and send email
  #[graphql(complexity = "limits::send_cost(child_complexity)")]
  async fn send_user_invites(
    &self,
    ctx: &Context<'_>,
    user_invites: UserInvitesCreateDto,
  ) -> async_graphql::Result<CreateUserInvitesModel> {
    let status_error = user_invites
      .user_invites
      .iter()
      .any(|i| i.status.is_some_and(|s| s != UserInviteStatusEnum::Pending));
    if status_error {
      let problem =
        Problem::BadRequest("userInvites[].status: a new invite is always pending; leave status out".into());
      return Err(graphql_error(&problem));
    }
    let entries = user_invites
      .user_invites
      .into_iter()
      .map(|i| NewInvite {
        created_by_user_id: i.created_by_user_id.0,
        email: i.email,
        first_name: i.first_name,
        last_name: i.last_name,
        locale: i.locale,
        roles: i.roles,
        data: i.data.map(|d| d.0),
        tenant_id: i.tenant_id.map(|t| t.0),
      })
      .collect();
    send(ctx, user_invites.tenant_id.map(|t| t.0), entries)
  }

  /// Create UserInvite and send email
  #[graphql(name = "sendUserInvitesV2", complexity = "limits::send_cost(child_complexity)")]
  async fn send_user_invites_v2(
    &self,
    ctx: &Context<'_>,
    data: UserInvitesCreateV2Dto,
  ) -> async_graphql::Result<CreateUserInvitesModel> {
    let entries = data
      .user_invites
      .into_iter()
      .map(|i| NewInvite {
        created_by_user_id: i.created_by_user_id.0,
        email: i.email,
        first_name: i.first_name,
        last_name: i.last_name,
        locale: i.locale,
        roles: i.roles,
        data: i.injectable_variables.map(|d| d.0),
        tenant_id: None,
      })
      .collect();
    send(ctx, Some(data.tenant_id.0), entries)
  }
}

fn send(
  ctx: &Context<'_>,
  tenant_id: Option<String>,
  entries: Vec<NewInvite>,
) -> async_graphql::Result<CreateUserInvitesModel> {
  let platform = platform(ctx);
  let outcome = platform
    .send_invites(principal(ctx)?, tenant_id, entries)
    .map_err(|p| graphql_error(&p))?;
  Ok(CreateUserInvitesModel::new(outcome, platform.clock.now_ms()))
}
