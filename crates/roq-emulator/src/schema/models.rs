//! The output objects: invites, users, roles and the pages and outcomes that hold them, built
//! from the data layer's types.

use async_graphql::{ComplexObject, Context, ID, Object, SimpleObject};

use crate::platform::Platform;
use crate::platform::invite::Invite;
use crate::platform::send::{Refusal, SendOutcome};
use crate::platform::users::User;
use crate::principal::Principal;
use crate::problem::Problem;

use super::context::{graphql_error, platform, principal};
use super::enums::UserInviteStatusEnum;
use super::limits;
use super::scalars::{Date, JsonObject, date};

/// `UserInviteModel`: an invite as read at one moment (its status depends on the time).
pub struct UserInviteModel {
  invite: Invite,
  now: i64,
}

impl UserInviteModel {
  pub fn new(invite: Invite, now: i64) -> Self {
    Self { invite, now }
  }
}

/// Runs an operation that yields one invite, as the caller, and reads it at this moment.
pub(super) fn invite_model(
  ctx: &Context<'_>,
  operation: impl FnOnce(&Platform, &Principal) -> Result<Invite, Problem>,
) -> async_graphql::Result<UserInviteModel> {
  let platform = platform(ctx);
  let invite = operation(platform, principal(ctx)?).map_err(|p| graphql_error(&p))?;
  Ok(UserInviteModel::new(invite, platform.clock.now_ms()))
}

#[Object(name = "UserInviteModel")]
impl UserInviteModel {
  async fn accepted_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<UserModel>> {
    match &self.invite.accepted_by_user_id {
      Some(id) => Ok(
        platform(ctx)
          .user(id)
          .map_err(|p| graphql_error(&p))?
          .map(UserModel::from),
      ),
      None => Ok(None),
    }
  }

  async fn accepted_by_user_id(&self) -> Option<ID> {
    self.invite.accepted_by_user_id.clone().map(ID)
  }

  async fn created_at(&self) -> Date {
    date(self.invite.created_at)
  }

  async fn created_by(&self, ctx: &Context<'_>) -> async_graphql::Result<UserModel> {
    let id = &self.invite.created_by_user_id;
    let user = platform(ctx).user(id).map_err(|p| graphql_error(&p))?;
    user
      .map(UserModel::from)
      .ok_or_else(|| graphql_error(&Problem::NotFound(format!("No user with id {id}"))))
  }

  async fn created_by_user_id(&self) -> ID {
    ID(self.invite.created_by_user_id.clone())
  }

  async fn data(&self) -> Option<JsonObject> {
    self.invite.data.clone().map(JsonObject)
  }

  async fn email(&self) -> &str {
    &self.invite.email
  }

  /// Omitted names read as "", as in the platform's documented answers.
  async fn first_name(&self) -> Option<&str> {
    Some(self.invite.first_name.as_deref().unwrap_or_default())
  }

  async fn id(&self) -> ID {
    ID(self.invite.id.clone())
  }

  async fn last_name(&self) -> Option<&str> {
    Some(self.invite.last_name.as_deref().unwrap_or_default())
  }

  async fn locale(&self) -> Option<&str> {
    self.invite.locale.as_deref()
  }

  async fn role_keys(&self) -> Option<&[String]> {
    self.invite.role_keys.as_deref()
  }

  #[graphql(complexity = "limits::roles_cost(child_complexity)")]
  async fn roles(&self) -> Option<RolePageModel> {
    let data: Vec<RoleModel> = self
      .invite
      .role_keys
      .as_ref()?
      .iter()
      .map(|key| RoleModel::from_key(key))
      .collect();
    Some(RolePageModel {
      total_count: data.len() as i32,
      data,
    })
  }

  async fn status(&self) -> UserInviteStatusEnum {
    self.invite.status(self.now).into()
  }

  async fn status_updated_at(&self) -> Option<Date> {
    Some(date(self.invite.status_updated_at(self.now)))
  }

  async fn tenant_id(&self) -> Option<ID> {
    Some(ID(self.invite.tenant_id.clone()))
  }

  async fn updated_at(&self) -> Option<Date> {
    Some(date(self.invite.updated_at))
  }

  async fn user_token_id(&self) -> ID {
    ID(self.invite.user_token_id.clone())
  }
}

#[derive(SimpleObject)]
#[graphql(name = "UserModel", complex)]
pub struct UserModel {
  id: ID,
  reference: String,
  first_name: Option<String>,
  last_name: Option<String>,
  active: Option<bool>,
  email: String,
  phone: Option<String>,
  locale: Option<String>,
  is_opted_in: Option<bool>,
  synced: Option<bool>,
  tenant_id: Option<ID>,
  custom_data: Option<JsonObject>,
  timezone: Option<String>,
  avatar_url: Option<String>,
  #[graphql(skip)]
  created: i64,
  #[graphql(skip)]
  updated: i64,
}

#[ComplexObject]
impl UserModel {
  async fn created_at(&self) -> Date {
    date(self.created)
  }

  async fn updated_at(&self) -> Date {
    date(self.updated)
  }
}

impl From<User> for UserModel {
  fn from(user: User) -> Self {
    Self {
      reference: user.id.clone(),
      id: ID(user.id),
      first_name: user.first_name,
      last_name: user.last_name,
      active: Some(true),
      email: user.email.unwrap_or_default(),
      phone: None,
      locale: user.locale,
      is_opted_in: None,
      synced: None,
      tenant_id: user.tenant_id.map(ID),
      custom_data: None,
      timezone: None,
      avatar_url: None,
      created: user.created_at,
      updated: user.updated_at,
    }
  }
}

#[derive(SimpleObject)]
#[graphql(name = "RoleModel")]
pub struct RoleModel {
  id: ID,
  key: String,
  name: String,
  description: Option<String>,
  reference: Option<String>,
  is_system_managed: bool,
  invite_role_keys: Option<Vec<String>>,
  project_entity_id: Option<ID>,
  user_id_field: Option<String>,
}

impl RoleModel {
  /// The emulator has no role store: a role is known by its key.
  fn from_key(key: &str) -> Self {
    Self {
      id: ID(key.to_owned()),
      key: key.to_owned(),
      name: key.to_owned(),
      description: None,
      reference: None,
      is_system_managed: false,
      invite_role_keys: None,
      project_entity_id: None,
      user_id_field: None,
    }
  }
}

#[derive(SimpleObject)]
#[graphql(name = "RolePageModel")]
pub struct RolePageModel {
  data: Vec<RoleModel>,
  total_count: i32,
}

#[derive(SimpleObject)]
#[graphql(name = "CreateUserInviteErrorModel")]
pub struct CreateUserInviteErrorModel {
  email: String,
  error: String,
  first_name: String,
  last_name: String,
}

impl From<Refusal> for CreateUserInviteErrorModel {
  fn from(r: Refusal) -> Self {
    Self {
      email: r.email,
      error: r.error,
      first_name: r.first_name,
      last_name: r.last_name,
    }
  }
}

#[derive(SimpleObject)]
#[graphql(name = "CreateUserInvitesModel")]
pub struct CreateUserInvitesModel {
  errors: Option<Vec<CreateUserInviteErrorModel>>,
  success: Option<Vec<UserInviteModel>>,
}

impl CreateUserInvitesModel {
  pub(super) fn new(outcome: SendOutcome, now: i64) -> Self {
    Self {
      success: Some(
        outcome
          .success
          .into_iter()
          .map(|i| UserInviteModel::new(i, now))
          .collect(),
      ),
      errors: Some(outcome.errors.into_iter().map(Into::into).collect()),
    }
  }
}

#[derive(SimpleObject)]
#[graphql(name = "UserInvitePageModel")]
pub struct UserInvitePageModel {
  pub(super) data: Vec<UserInviteModel>,
  pub(super) total_count: i32,
}

#[derive(SimpleObject)]
#[graphql(name = "CheckUserInviteTokenModel")]
pub struct CheckUserInviteTokenModel {
  pub(super) email: Option<String>,
  pub(super) is_expired: Option<bool>,
  pub(super) is_valid: bool,
}
