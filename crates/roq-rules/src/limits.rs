//! The limits of what the platform keeps and takes. One name, one meaning: a "call" is one
//! `sendUserInvites` of the client, which it splits into "requests" to the platform.

/// The most invites one `sendUserInvites` call of the client takes; split larger lists.
pub const MAX_INVITES_PER_CALL: usize = 100_000;

/// The most invites one request to the platform carries: the client's largest batch, and what
/// the emulator takes in one `sendUserInvites` mutation.
pub const MAX_INVITES_PER_REQUEST: usize = 1000;

/// Ids, tokens and role keys: at most this many characters.
pub const MAX_ID: usize = 255;

/// The longest request id (`x-request-id`) either side takes from the other: 1 to this many of
/// `[A-Za-z0-9._:-]`.
pub const MAX_REQUEST_ID: usize = 128;

/// `firstName` and `lastName`: at most this many characters.
pub const MAX_NAME: usize = 255;

/// A locale (a BCP 47 language tag such as `en-US`): at most this many characters.
pub const MAX_LOCALE: usize = 35;

/// Role keys of one invite or one user.
pub const MAX_ROLES: usize = 50;

/// An invite's `data` (or `injectableVariables`), as JSON text: at most this many bytes.
pub const MAX_DATA_BYTES: usize = 64 * 1024;

/// How deeply `data` may nest objects and arrays.
pub const MAX_DATA_DEPTH: usize = 32;

/// One request to the platform, its JSON body: at most this many bytes. The client cuts a batch
/// short of it (a batch is at most `MAX_INVITES_PER_REQUEST` invites and at most this many
/// bytes); the emulator refuses a larger body. One invite at its largest takes under 150 KiB.
pub const MAX_REQUEST_BYTES: usize = 16 * 1024 * 1024;

/// One answer of the platform: at most this many bytes. The client reads no more; the emulator
/// sends no more (it answers with an error that says so instead).
pub const MAX_ANSWER_BYTES: usize = 64 * 1024 * 1024;

/// The page size of `userInvites` when `limit` is absent, and the largest one.
pub const DEFAULT_PAGE_SIZE: usize = 100;
pub const MAX_PAGE_SIZE: usize = 1000;
