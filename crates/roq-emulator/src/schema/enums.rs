//! The enums: an invite's status, and the order and search keys of a listing. Each is a `remote`
//! copy of the rulebook's (roq-rules), which the client spells too: the derive converts between
//! them variant by variant, so a variant added on one side and not the other does not compile.
//! (Their values are listed here in the platform's order, as its schema prints them.)

use async_graphql::Enum;

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(
  name = "UserInviteStatusEnum",
  rename_items = "lowercase",
  remote = "roq_rules::UserInviteStatus"
)]
pub enum UserInviteStatusEnum {
  Accepted,
  Canceled,
  Expired,
  Pending,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(name = "OrderEnum", rename_items = "UPPERCASE", remote = "roq_rules::SortOrder")]
pub enum OrderEnum {
  Asc,
  Desc,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(
  name = "UserInviteOrderSortEnum",
  rename_items = "camelCase",
  remote = "roq_rules::UserInviteSortField"
)]
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
#[graphql(
  name = "UserInviteSearchKeyEnum",
  rename_items = "camelCase",
  remote = "roq_rules::UserInviteSearchKey"
)]
pub enum UserInviteSearchKeyEnum {
  FirstName,
  LastName,
  Locale,
}
