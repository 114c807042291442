//! The enums: an invite's status (from the data layer's `Status`), and the order and search keys
//! of a listing.

use async_graphql::Enum;

use crate::invites::Status;

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
