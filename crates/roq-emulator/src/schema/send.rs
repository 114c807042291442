//! The mutation root that sends invites (`sendUserInvites`, `sendUserInvitesV2`). `Mutation`
//! merges it first, so its fields come first in the SDL, as before the split.

use async_graphql::{Context, Object};

use crate::platform::send::NewInvite;
use crate::problem::Problem;

use super::context::{graphql_error, platform, principal};
use super::enums::UserInviteStatusEnum;
use super::inputs::{UserInviteCreateDto, UserInviteCreateV2Dto, UserInvitesCreateDto, UserInvitesCreateV2Dto};
use super::limits;
use super::models::CreateUserInvitesModel;
use super::request_note::note_invites;

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
    let entries = user_invites.user_invites.into_iter().map(NewInvite::from).collect();
    send(ctx, user_invites.tenant_id.map(|t| t.0), entries)
  }

  /// Create UserInvite and send email
  #[graphql(name = "sendUserInvitesV2", complexity = "limits::send_cost(child_complexity)")]
  async fn send_user_invites_v2(
    &self,
    ctx: &Context<'_>,
    data: UserInvitesCreateV2Dto,
  ) -> async_graphql::Result<CreateUserInvitesModel> {
    let entries = data.user_invites.into_iter().map(NewInvite::from).collect();
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
  let created = &outcome.success;
  note_invites(ctx, created.len(), created.iter().map(|invite| invite.id.as_str()));
  Ok(CreateUserInvitesModel::new(outcome, platform.clock.now_ms()))
}

/// An entry of `sendUserInvitesV2`: a new invite, its `injectableVariables` kept as its data.
impl From<UserInviteCreateV2Dto> for NewInvite {
  fn from(entry: UserInviteCreateV2Dto) -> Self {
    Self {
      created_by_user_id: entry.created_by_user_id.0,
      email: entry.email,
      first_name: entry.first_name,
      last_name: entry.last_name,
      locale: entry.locale,
      roles: entry.roles,
      data: entry.injectable_variables.map(|data| data.0),
      tenant_id: None,
    }
  }
}

/// An entry of `sendUserInvites` (V1): the V2 entry it is, with `data` for `injectableVariables`,
/// and a tenant of its own, which V2 has only for the whole call. (Its `status` is checked, as
/// always pending, before.)
impl From<UserInviteCreateDto> for NewInvite {
  fn from(entry: UserInviteCreateDto) -> Self {
    let UserInviteCreateDto {
      created_by_user_id,
      data,
      email,
      first_name,
      last_name,
      locale,
      roles,
      status: _,
      tenant_id,
    } = entry;
    let v2 = UserInviteCreateV2Dto {
      created_by_user_id,
      email,
      first_name,
      injectable_variables: data,
      last_name,
      locale,
      roles,
    };
    Self {
      tenant_id: tenant_id.map(|tenant| tenant.0),
      ..Self::from(v2)
    }
  }
}
