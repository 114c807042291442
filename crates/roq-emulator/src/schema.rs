//! The GraphQL schema: the invite part of the platform's schema, with the exact type, field and
//! argument names of reference/roq-golden/invites-schema.graphql, so that the documents of the
//! official SDK validate against it. Requests are parsed and routed by root field, never by
//! `operationName`.

use std::sync::Arc;

use async_graphql::{
  ComplexObject, Context, EmptySubscription, Enum, ErrorExtensions, ID, InputObject, InputValueError, InputValueResult,
  MergedObject, Object, Scalar, ScalarType, Schema, SimpleObject, Value, value,
};
use serde_json::Map;

use crate::invites::{Invite, NewInvite, Refusal, SendOutcome, Status};
use crate::lifecycle::InvitePatch;
use crate::listing::{Field, FieldFilter, ListQuery};
use crate::platform::{Platform, Principal, Problem, iso};
use crate::users::User;

pub type RoqSchema = Schema<Query, Mutation, EmptySubscription>;

/// The mutations: sending, and what happens to an invite afterwards.
#[derive(MergedObject, Default)]
pub struct Mutation(SendMutation, LifecycleMutation);

#[derive(Default)]
pub struct SendMutation;

#[derive(Default)]
pub struct LifecycleMutation;

pub fn build(platform: Arc<Platform>) -> RoqSchema {
  Schema::build(Query, Mutation::default(), EmptySubscription)
    .data(platform)
    .finish()
}

/// A problem as the platform reports it: `extensions.response {statusCode, errorCode, message}`,
/// which the official SDK turns into its `HttpException`.
pub fn graphql_error(problem: &Problem) -> async_graphql::Error {
  let (status, code, message) = (
    problem.status_code(),
    problem.error_code(),
    problem.message().to_owned(),
  );
  async_graphql::Error::new(message.clone()).extend_with(|_, e| {
    e.set("code", code);
    e.set(
      "response",
      value!({ "statusCode": status, "errorCode": code, "message": message }),
    );
  })
}

fn platform<'a>(ctx: &Context<'a>) -> &'a Platform {
  ctx.data_unchecked::<Arc<Platform>>()
}

fn principal<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Principal> {
  ctx.data::<Principal>()
}

// ---- scalars ------------------------------------------------------------------------------

/// `JsonObject`: any JSON object.
#[derive(Clone, Debug)]
pub struct JsonObject(pub Map<String, serde_json::Value>);

#[Scalar(name = "JsonObject")]
impl ScalarType for JsonObject {
  fn parse(value: Value) -> InputValueResult<Self> {
    match value.into_json() {
      Ok(serde_json::Value::Object(map)) => Ok(Self(map)),
      Ok(other) => Err(InputValueError::custom(format!("expected a JSON object, got {other}"))),
      Err(e) => Err(InputValueError::custom(e)),
    }
  }

  fn is_valid(value: &Value) -> bool {
    matches!(value, Value::Object(_))
  }

  fn to_value(&self) -> Value {
    Value::from_json(serde_json::Value::Object(self.0.clone())).unwrap_or(Value::Null)
  }
}

/// `Date`: an ISO-8601 date with milliseconds.
pub struct Date(String);

#[Scalar(name = "Date")]
impl ScalarType for Date {
  fn parse(value: Value) -> InputValueResult<Self> {
    match value {
      Value::String(text) => Ok(Self(text)),
      other => Err(InputValueError::expected_type(other)),
    }
  }

  fn to_value(&self) -> Value {
    Value::String(self.0.clone())
  }
}

fn date(ms: i64) -> Date {
  Date(iso(ms))
}

// ---- enums ------------------------------------------------------------------------------

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "UserInviteStatusEnum", rename_items = "lowercase")]
pub enum UserInviteStatusEnum {
  Accepted,
  Canceled,
  Expired,
  Pending,
}

impl From<Status> for UserInviteStatusEnum {
  fn from(status: Status) -> Self {
    match status {
      Status::Pending => Self::Pending,
      Status::Accepted => Self::Accepted,
      Status::Canceled => Self::Canceled,
      Status::Expired => Self::Expired,
    }
  }
}

// ---- inputs -----------------------------------------------------------------------------

#[derive(InputObject)]
#[graphql(name = "UserInviteCreateDto")]
pub struct UserInviteCreateDto {
  created_by_user_id: ID,
  data: Option<JsonObject>,
  email: String,
  first_name: Option<String>,
  last_name: Option<String>,
  locale: Option<String>,
  roles: Option<Vec<String>>,
  status: Option<UserInviteStatusEnum>,
  tenant_id: Option<ID>,
}

#[derive(InputObject)]
#[graphql(name = "UserInvitesCreateDto")]
pub struct UserInvitesCreateDto {
  tenant_id: Option<ID>,
  user_invites: Vec<UserInviteCreateDto>,
}

#[derive(InputObject)]
#[graphql(name = "UserInviteCreateV2Dto")]
pub struct UserInviteCreateV2Dto {
  created_by_user_id: ID,
  email: String,
  first_name: Option<String>,
  injectable_variables: Option<JsonObject>,
  last_name: Option<String>,
  locale: Option<String>,
  roles: Option<Vec<String>>,
}

#[derive(InputObject)]
#[graphql(name = "UserInvitesCreateV2Dto")]
pub struct UserInvitesCreateV2Dto {
  tenant_id: ID,
  user_invites: Vec<UserInviteCreateV2Dto>,
}

#[derive(InputObject)]
#[graphql(name = "IdFilterArgType")]
pub struct IdFilterArgType {
  equal_to: Option<ID>,
  not_equal_to: Option<ID>,
  value_in: Option<Vec<ID>>,
  value_not_in: Option<Vec<ID>>,
}

impl From<IdFilterArgType> for FieldFilter {
  fn from(f: IdFilterArgType) -> Self {
    let ids = |list: Option<Vec<ID>>| list.map(|ids| ids.into_iter().map(|id| id.0).collect());
    Self {
      equal_to: f.equal_to.map(|id| id.0),
      not_equal_to: f.not_equal_to.map(|id| id.0),
      like: None,
      i_like: None,
      value_in: ids(f.value_in),
      value_not_in: ids(f.value_not_in),
    }
  }
}

#[derive(InputObject)]
#[graphql(name = "StringFilterArgType")]
pub struct StringFilterArgType {
  equal_to: Option<String>,
  i_like: Option<String>,
  like: Option<String>,
  not_equal_to: Option<String>,
  value_in: Option<Vec<String>>,
  value_not_in: Option<Vec<String>>,
}

impl From<StringFilterArgType> for FieldFilter {
  fn from(f: StringFilterArgType) -> Self {
    Self {
      equal_to: f.equal_to,
      not_equal_to: f.not_equal_to,
      like: f.like,
      i_like: f.i_like,
      value_in: f.value_in,
      value_not_in: f.value_not_in,
    }
  }
}

#[derive(InputObject)]
#[graphql(name = "UserInviteFilterArgType")]
pub struct UserInviteFilterArgType {
  accepted_by_user_id: Option<IdFilterArgType>,
  created_by_user_id: Option<IdFilterArgType>,
  email: Option<StringFilterArgType>,
  first_name: Option<StringFilterArgType>,
  id: Option<IdFilterArgType>,
  last_name: Option<StringFilterArgType>,
  locale: Option<StringFilterArgType>,
  status: Option<StringFilterArgType>,
  tenant_id: Option<IdFilterArgType>,
  user_token_id: Option<IdFilterArgType>,
}

impl UserInviteFilterArgType {
  fn into_filters(self) -> Vec<(Field, FieldFilter)> {
    let ids = [
      (Field::AcceptedByUserId, self.accepted_by_user_id),
      (Field::CreatedByUserId, self.created_by_user_id),
      (Field::Id, self.id),
      (Field::TenantId, self.tenant_id),
      (Field::UserTokenId, self.user_token_id),
    ];
    let texts = [
      (Field::Email, self.email),
      (Field::FirstName, self.first_name),
      (Field::LastName, self.last_name),
      (Field::Locale, self.locale),
      (Field::Status, self.status),
    ];
    let ids = ids.into_iter().filter_map(|(field, f)| Some((field, f?.into())));
    ids
      .chain(texts.into_iter().filter_map(|(field, f)| Some((field, f?.into()))))
      .collect()
  }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "OrderEnum", rename_items = "UPPERCASE")]
pub enum OrderEnum {
  Asc,
  Desc,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "UserInviteOrderSortEnum", rename_items = "camelCase")]
pub enum UserInviteOrderSortEnum {
  CreatedAt,
  Data,
  Email,
  FirstName,
  LastName,
  Locale,
  Status,
  UpdatedAt,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "UserInviteSearchKeyEnum", rename_items = "camelCase")]
pub enum UserInviteSearchKeyEnum {
  FirstName,
  LastName,
  Locale,
}

#[derive(InputObject)]
#[graphql(name = "UserInviteOrderArgType")]
pub struct UserInviteOrderArgType {
  order: OrderEnum,
  sort: UserInviteOrderSortEnum,
}

#[derive(InputObject)]
#[graphql(name = "UserInviteSearchArgType")]
pub struct UserInviteSearchArgType {
  key: UserInviteSearchKeyEnum,
  value: String,
}

#[derive(InputObject)]
#[graphql(name = "AcceptUserInviteDto")]
pub struct AcceptUserInviteDto {
  token: String,
}

#[derive(InputObject)]
#[graphql(name = "AcceptUserInviteV2Dto")]
pub struct AcceptUserInviteV2Dto {
  token: String,
}

#[derive(InputObject)]
#[graphql(name = "UserInviteUpdateDto")]
pub struct UserInviteUpdateDto {
  accepted_by_user_id: Option<ID>,
  data: Option<JsonObject>,
  first_name: Option<String>,
  last_name: Option<String>,
  locale: Option<String>,
}

// ---- outputs ----------------------------------------------------------------------------

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
  fn new(outcome: SendOutcome, now: i64) -> Self {
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
  data: Vec<UserInviteModel>,
  total_count: i32,
}

#[derive(SimpleObject)]
#[graphql(name = "CheckUserInviteTokenModel")]
pub struct CheckUserInviteTokenModel {
  email: Option<String>,
  is_expired: Option<bool>,
  is_valid: bool,
}

// ---- roots ------------------------------------------------------------------------------

pub struct Query;

#[Object]
impl Query {
  async fn user_invite(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<UserInviteModel> {
    invite_model(ctx, |platform, principal| platform.invite(principal, &id))
  }

  async fn user_invites(
    &self,
    ctx: &Context<'_>,
    filter: Option<UserInviteFilterArgType>,
    limit: Option<i32>,
    offset: Option<i32>,
    order: Option<UserInviteOrderArgType>,
    search: Option<UserInviteSearchArgType>,
  ) -> async_graphql::Result<UserInvitePageModel> {
    let query = ListQuery {
      filters: filter.map(UserInviteFilterArgType::into_filters).unwrap_or_default(),
      limit: limit.map(i64::from),
      offset: offset.map(i64::from),
      order: order.map(|o| (sort_field(o.sort), o.order == OrderEnum::Desc)),
      search: search.map(|s| (search_field(s.key), s.value)),
    };
    let platform = platform(ctx);
    let (invites, total) = platform
      .list_invites(principal(ctx)?, &query)
      .map_err(|p| graphql_error(&p))?;
    let now = platform.clock.now_ms();
    Ok(UserInvitePageModel {
      data: invites.into_iter().map(|i| UserInviteModel::new(i, now)).collect(),
      total_count: i32::try_from(total).unwrap_or(i32::MAX),
    })
  }

  async fn check_user_invite_token(
    &self,
    ctx: &Context<'_>,
    token: String,
  ) -> async_graphql::Result<CheckUserInviteTokenModel> {
    principal(ctx)?;
    let check = platform(ctx).check_token(&token).map_err(|p| graphql_error(&p))?;
    Ok(CheckUserInviteTokenModel {
      email: check.email,
      is_expired: check.is_expired,
      is_valid: check.is_valid,
    })
  }
}

fn sort_field(sort: UserInviteOrderSortEnum) -> Field {
  match sort {
    UserInviteOrderSortEnum::CreatedAt => Field::CreatedAt,
    UserInviteOrderSortEnum::Data => Field::Data,
    UserInviteOrderSortEnum::Email => Field::Email,
    UserInviteOrderSortEnum::FirstName => Field::FirstName,
    UserInviteOrderSortEnum::LastName => Field::LastName,
    UserInviteOrderSortEnum::Locale => Field::Locale,
    UserInviteOrderSortEnum::Status => Field::Status,
    UserInviteOrderSortEnum::UpdatedAt => Field::UpdatedAt,
  }
}

fn search_field(key: UserInviteSearchKeyEnum) -> Field {
  match key {
    UserInviteSearchKeyEnum::FirstName => Field::FirstName,
    UserInviteSearchKeyEnum::LastName => Field::LastName,
    UserInviteSearchKeyEnum::Locale => Field::Locale,
  }
}

/// Runs an operation that yields one invite, as the caller, and reads it at this moment.
fn invite_model(
  ctx: &Context<'_>,
  operation: impl FnOnce(&Platform, &Principal) -> Result<Invite, Problem>,
) -> async_graphql::Result<UserInviteModel> {
  let platform = platform(ctx);
  let invite = operation(platform, principal(ctx)?).map_err(|p| graphql_error(&p))?;
  Ok(UserInviteModel::new(invite, platform.clock.now_ms()))
}

#[Object]
impl SendMutation {
  /// Create UserInvite and send email
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
  #[graphql(name = "sendUserInvitesV2")]
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

#[Object]
impl LifecycleMutation {
  async fn resend_user_invite(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<UserInviteModel> {
    invite_model(ctx, |platform, principal| platform.resend_invite(principal, &id))
  }

  async fn cancel_user_invite(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<UserInviteModel> {
    invite_model(ctx, |platform, principal| platform.cancel_invite(principal, &id))
  }

  async fn accept_user_invite(
    &self,
    ctx: &Context<'_>,
    accept_user_invite: AcceptUserInviteDto,
  ) -> async_graphql::Result<UserInviteModel> {
    invite_model(ctx, |platform, _| platform.accept_invite(&accept_user_invite.token))
  }

  #[graphql(name = "acceptUserInviteV2")]
  async fn accept_user_invite_v2(
    &self,
    ctx: &Context<'_>,
    data: AcceptUserInviteV2Dto,
  ) -> async_graphql::Result<UserInviteModel> {
    invite_model(ctx, |platform, _| platform.accept_invite(&data.token))
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
    invite_model(ctx, |platform, principal| platform.update_invite(principal, &id, patch))
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

#[cfg(test)]
mod tests {
  use std::collections::BTreeMap;

  use async_graphql::parser::parse_schema;
  use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};

  /// Every type of a schema, as `kind name` and its members (`field(args): Type`, enum values).
  fn shape(sdl: &str) -> BTreeMap<String, Vec<String>> {
    let document = parse_schema(sdl).expect("valid SDL");
    let mut types = BTreeMap::new();
    for definition in document.definitions {
      let TypeSystemDefinition::Type(ty) = definition else {
        continue;
      };
      let ty = ty.node;
      let (kind, mut members): (&str, Vec<String>) = match ty.kind {
        TypeKind::Object(object) => (
          "type",
          object
            .fields
            .iter()
            .map(|f| {
              let mut args: Vec<String> = f
                .node
                .arguments
                .iter()
                .map(|a| format!("{}: {}", a.node.name.node, a.node.ty.node))
                .collect();
              args.sort();
              format!("{}({}): {}", f.node.name.node, args.join(", "), f.node.ty.node)
            })
            .collect(),
        ),
        TypeKind::InputObject(input) => (
          "input",
          input
            .fields
            .iter()
            .map(|f| format!("{}: {}", f.node.name.node, f.node.ty.node))
            .collect(),
        ),
        TypeKind::Enum(e) => ("enum", e.values.iter().map(|v| v.node.value.node.to_string()).collect()),
        TypeKind::Scalar => ("scalar", Vec::new()),
        _ => continue,
      };
      members.sort();
      types.insert(format!("{kind} {}", ty.name.node), members);
    }
    types
  }

  #[test]
  fn the_schema_has_every_type_field_and_argument_of_the_reference_sdl() {
    let reference = shape(include_str!("../../../reference/roq-golden/invites-schema.graphql"));
    let ours = shape(
      &super::Schema::build(super::Query, super::Mutation::default(), super::EmptySubscription)
        .finish()
        .sdl(),
    );
    for (name, members) in &reference {
      let Some(our_members) = ours.get(name) else {
        panic!("{name} is missing")
      };
      for member in members {
        assert!(
          our_members.contains(member),
          "{name}: {member} is missing or differs; ours: {our_members:?}"
        );
      }
    }
  }
}
