//! The query root: one invite, a page of them, and a token check.

use async_graphql::{Context, ID, Object};

use crate::platform::listing::{Field, ListQuery};

use super::context::{graphql_error, platform, principal};
use super::enums::{OrderEnum, UserInviteOrderSortEnum, UserInviteSearchKeyEnum};
use super::inputs::{UserInviteFilterArgType, UserInviteOrderArgType, UserInviteSearchArgType};
use super::limits;
use super::models::{CheckUserInviteTokenModel, UserInviteModel, UserInvitePageModel, invite_model};

pub struct Query;

#[Object]
impl Query {
  async fn user_invite(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<UserInviteModel> {
    invite_model(ctx, |platform, principal| platform.invite(principal, &id))
  }

  #[graphql(complexity = "limits::page_cost(limit, child_complexity)")]
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
