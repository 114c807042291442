//! The GraphQL documents we send. Where `@roq/nodejs` 1.0.20 has the operation, the text is the
//! SDK's own (graphql-js `print()` output, see reference/roq-golden/), so the platform sees exactly
//! what the official client sends; the others follow the same style and select the same fragment.

/// One GraphQL operation: the name sent as `operationName` and the root field its answer is under.
pub(crate) struct Operation {
  pub name: &'static str,
  pub root_field: &'static str,
  pub document: &'static str,
}

/// The SDK's `UserInvite` fragment, appended to every document that returns invites.
macro_rules! user_invite_fragment {
  () => {
    "fragment UserInvite on UserInviteModel {\n  acceptedByUserId\n  createdAt\n  createdByUserId\n  data\n  email\n  firstName\n  id\n  locale\n  lastName\n  roleKeys\n  status\n  statusUpdatedAt\n  tenantId\n  updatedAt\n  userTokenId\n}"
  };
}

/// V2 send, as the SDK sends it (golden 02).
pub(crate) const SEND_USER_INVITES_V2: Operation = Operation {
  name: "sendUserInvites",
  root_field: "sendUserInvitesV2",
  document: concat!(
    "mutation sendUserInvites($data: UserInvitesCreateV2Dto!) {\n  sendUserInvitesV2(data: $data) {\n    success {\n      ...UserInvite\n    }\n    errors {\n      email\n      error\n      firstName\n      lastName\n    }\n  }\n}\n\n",
    user_invite_fragment!()
  ),
};

/// V1 send (`sendUserInvites(userInvites:)`), the root field of the docs' call.
pub(crate) const SEND_USER_INVITES_V1: Operation = Operation {
  name: "sendUserInvitesV1",
  root_field: "sendUserInvites",
  document: concat!(
    "mutation sendUserInvitesV1($userInvites: UserInvitesCreateDto!) {\n  sendUserInvites(userInvites: $userInvites) {\n    success {\n      ...UserInvite\n    }\n    errors {\n      email\n      error\n      firstName\n      lastName\n    }\n  }\n}\n\n",
    user_invite_fragment!()
  ),
};
