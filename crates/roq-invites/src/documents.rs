//! The GraphQL documents we send. Where `@roq/nodejs` 1.0.20 has the operation, the text is the
//! SDK's own (graphql-js `print()` output, see reference/roq-golden/), so the platform sees exactly
//! what the official client sends; the others follow the same style and select the same fragment.

/// One GraphQL operation: its name (in messages, and as `operationName` when it is sent), the
/// root field its answer is read from (the whole `data` if none), and its document.
pub(crate) struct Operation<'a> {
  pub name: &'a str,
  pub operation_name: Option<&'a str>,
  pub root_field: Option<&'a str>,
  pub document: &'a str,
}

impl Operation<'static> {
  /// One of our operations: sent with its name, read from its root field.
  const fn ours(name: &'static str, root_field: &'static str, document: &'static str) -> Self {
    Self {
      name,
      operation_name: Some(name),
      root_field: Some(root_field),
      document,
    }
  }
}

/// The SDK's `UserInvite` fragment, appended to every document that returns invites.
macro_rules! user_invite_fragment {
  () => {
    "fragment UserInvite on UserInviteModel {\n  acceptedByUserId\n  createdAt\n  createdByUserId\n  data\n  email\n  firstName\n  id\n  locale\n  lastName\n  roleKeys\n  status\n  statusUpdatedAt\n  tenantId\n  updatedAt\n  userTokenId\n}"
  };
}

/// V2 send, as the SDK sends it (golden 02).
pub(crate) const SEND_USER_INVITES_V2: Operation = Operation::ours(
  "sendUserInvites",
  "sendUserInvitesV2",
  concat!(
    "mutation sendUserInvites($data: UserInvitesCreateV2Dto!) {\n  sendUserInvitesV2(data: $data) {\n    success {\n      ...UserInvite\n    }\n    errors {\n      email\n      error\n      firstName\n      lastName\n    }\n  }\n}\n\n",
    user_invite_fragment!()
  ),
);

/// V1 send (`sendUserInvites(userInvites:)`), the root field of the docs' call.
pub(crate) const SEND_USER_INVITES_V1: Operation = Operation::ours(
  "sendUserInvitesV1",
  "sendUserInvites",
  concat!(
    "mutation sendUserInvitesV1($userInvites: UserInvitesCreateDto!) {\n  sendUserInvites(userInvites: $userInvites) {\n    success {\n      ...UserInvite\n    }\n    errors {\n      email\n      error\n      firstName\n      lastName\n    }\n  }\n}\n\n",
    user_invite_fragment!()
  ),
);
/// As the SDK sends it (golden 03).
pub(crate) const RESEND_USER_INVITE: Operation = Operation::ours(
  "resendUserInvite",
  "resendUserInvite",
  concat!(
    "mutation resendUserInvite($userInviteId: ID!) {\n  resendUserInvite(id: $userInviteId) {\n    ...UserInvite\n  }\n}\n\n",
    user_invite_fragment!()
  ),
);

/// As the SDK sends it (golden 04).
pub(crate) const USER_INVITES: Operation = Operation::ours(
  "userInvites",
  "userInvites",
  concat!(
    "query userInvites($filter: UserInviteFilterArgType, $limit: Int, $offset: Int, $order: UserInviteOrderArgType, $search: UserInviteSearchArgType) {\n  userInvites(\n    filter: $filter\n    limit: $limit\n    offset: $offset\n    order: $order\n    search: $search\n  ) {\n    data {\n      ...UserInvite\n    }\n    totalCount\n  }\n}\n\n",
    user_invite_fragment!()
  ),
);

/// As the SDK sends it (golden 06).
pub(crate) const USER_INVITE: Operation = Operation::ours(
  "userInvite",
  "userInvite",
  concat!(
    "query userInvite($id: ID!) {\n  userInvite(id: $id) {\n    ...UserInvite\n  }\n}\n\n",
    user_invite_fragment!()
  ),
);

/// As the SDK sends it (golden 07).
pub(crate) const CANCEL_USER_INVITE: Operation = Operation::ours(
  "cancelUserInvite",
  "cancelUserInvite",
  concat!(
    "mutation cancelUserInvite($userInviteId: ID!) {\n  cancelUserInvite(id: $userInviteId) {\n    ...UserInvite\n  }\n}\n\n",
    user_invite_fragment!()
  ),
);

/// As the SDK sends it (golden 08).
pub(crate) const ACCEPT_USER_INVITE_V2: Operation = Operation::ours(
  "acceptUserInvite",
  "acceptUserInviteV2",
  concat!(
    "mutation acceptUserInvite($data: AcceptUserInviteV2Dto!) {\n  acceptUserInviteV2(data: $data) {\n    ...UserInvite\n  }\n}\n\n",
    user_invite_fragment!()
  ),
);

/// V1 accept (`acceptUserInvite(acceptUserInvite:)`), for older callers.
pub(crate) const ACCEPT_USER_INVITE_V1: Operation = Operation::ours(
  "acceptUserInviteV1",
  "acceptUserInvite",
  concat!(
    "mutation acceptUserInviteV1($acceptUserInvite: AcceptUserInviteDto!) {\n  acceptUserInvite(acceptUserInvite: $acceptUserInvite) {\n    ...UserInvite\n  }\n}\n\n",
    user_invite_fragment!()
  ),
);

/// `checkUserInviteToken(token:)`, which the SDK reaches only through `graphqlRequest`.
pub(crate) const CHECK_USER_INVITE_TOKEN: Operation = Operation::ours(
  "checkUserInviteToken",
  "checkUserInviteToken",
  "query checkUserInviteToken($token: String!) {\n  checkUserInviteToken(token: $token) {\n    isValid\n    isExpired\n    email\n  }\n}",
);

/// `updateUserInvite(id:, userInvite:)`, an SDK method before 1.0.15.
pub(crate) const UPDATE_USER_INVITE: Operation = Operation::ours(
  "updateUserInvite",
  "updateUserInvite",
  concat!(
    "mutation updateUserInvite($id: ID!, $userInvite: UserInviteUpdateDto!) {\n  updateUserInvite(id: $id, userInvite: $userInvite) {\n    ...UserInvite\n  }\n}\n\n",
    user_invite_fragment!()
  ),
);
