//! The input objects: what a send, a listing (filters, order, search), an accept and an update
//! take, and the filters' conversions into the data layer's `FieldFilter`s.

use async_graphql::{ID, InputObject};

use crate::platform::listing::{Field, FieldFilter};

use super::enums::{OrderEnum, UserInviteOrderSortEnum, UserInviteSearchKeyEnum, UserInviteStatusEnum};
use super::scalars::JsonObject;

#[derive(InputObject)]
#[graphql(name = "UserInviteCreateDto")]
pub struct UserInviteCreateDto {
  pub(super) created_by_user_id: ID,
  pub(super) data: Option<JsonObject>,
  pub(super) email: String,
  pub(super) first_name: Option<String>,
  pub(super) last_name: Option<String>,
  pub(super) locale: Option<String>,
  pub(super) roles: Option<Vec<String>>,
  pub(super) status: Option<UserInviteStatusEnum>,
  pub(super) tenant_id: Option<ID>,
}

#[derive(InputObject)]
#[graphql(name = "UserInvitesCreateDto")]
pub struct UserInvitesCreateDto {
  pub(super) tenant_id: Option<ID>,
  pub(super) user_invites: Vec<UserInviteCreateDto>,
}

#[derive(InputObject)]
#[graphql(name = "UserInviteCreateV2Dto")]
pub struct UserInviteCreateV2Dto {
  pub(super) created_by_user_id: ID,
  pub(super) email: String,
  pub(super) first_name: Option<String>,
  pub(super) injectable_variables: Option<JsonObject>,
  pub(super) last_name: Option<String>,
  pub(super) locale: Option<String>,
  pub(super) roles: Option<Vec<String>>,
}

#[derive(InputObject)]
#[graphql(name = "UserInvitesCreateV2Dto")]
pub struct UserInvitesCreateV2Dto {
  pub(super) tenant_id: ID,
  pub(super) user_invites: Vec<UserInviteCreateV2Dto>,
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
  pub(super) fn into_filters(self) -> Vec<(Field, FieldFilter)> {
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

#[derive(InputObject)]
#[graphql(name = "UserInviteOrderArgType")]
pub struct UserInviteOrderArgType {
  pub(super) order: OrderEnum,
  pub(super) sort: UserInviteOrderSortEnum,
}

#[derive(InputObject)]
#[graphql(name = "UserInviteSearchArgType")]
pub struct UserInviteSearchArgType {
  pub(super) key: UserInviteSearchKeyEnum,
  pub(super) value: String,
}

#[derive(InputObject)]
#[graphql(name = "AcceptUserInviteDto")]
pub struct AcceptUserInviteDto {
  pub(super) token: String,
}

#[derive(InputObject)]
#[graphql(name = "AcceptUserInviteV2Dto")]
pub struct AcceptUserInviteV2Dto {
  pub(super) token: String,
}

#[derive(InputObject)]
#[graphql(name = "UserInviteUpdateDto")]
pub struct UserInviteUpdateDto {
  pub(super) accepted_by_user_id: Option<ID>,
  pub(super) data: Option<JsonObject>,
  pub(super) first_name: Option<String>,
  pub(super) last_name: Option<String>,
  pub(super) locale: Option<String>,
}
