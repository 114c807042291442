'use strict'

// Generated from SENT_INVITE_FIELDS in crates/roq-invites/src/send/answer.rs: do not edit.
// `npm run types` writes it again; CI fails when it differs from what the Rust side writes.

/**
 * A created invite from its array (`SentJson` in crates/roq-invites/src/send/results.rs), each
 * field at the position the binding writes it: `JSON.parse` reads arrays in about half the time of
 * objects with 17 keys each, and the object literal gives every invite one shape.
 */
function sentInvite(fields) {
  return {
    id: fields[0],
    email: fields[1],
    firstName: fields[2],
    lastName: fields[3],
    locale: fields[4],
    data: fields[5],
    status: fields[6],
    statusUpdatedAt: fields[7],
    createdByUserId: fields[8],
    acceptedByUserId: fields[9],
    tenantId: fields[10],
    roleKeys: fields[11],
    userTokenId: fields[12],
    createdAt: fields[13],
    updatedAt: fields[14],
    index: fields[15],
    outcome: fields[16],
  }
}

module.exports = { sentInvite }
