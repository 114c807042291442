'use strict'

// What the command line prints from data (emails, names, tenants, ids, the platform's messages,
// CSV cells) is text, never something a terminal acts on: an escape sequence can retitle the
// window, clear the screen or hide a line, and a bidirectional override can make a line read
// backwards. Such characters are shown escaped, as git shows odd file names: `\x1b`, `\u202e`.

// The controls (C0, DEL, C1), the line and paragraph separators, and the bidirectional marks,
// embeddings, overrides and isolates.
const UNSAFE = /[\p{Cc}\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu
// The same in JSON text, which escapes the C0 controls itself.
const UNSAFE_IN_JSON = /[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

const NAMED = { '\t': '\\t', '\n': '\\n', '\r': '\\r' }
const hex = (char, width) => char.codePointAt(0).toString(16).padStart(width, '0')
const escaped = (char) => NAMED[char] ?? (char < '\u0100' ? `\\x${hex(char, 2)}` : `\\u${hex(char, 4)}`)

/** `text` as one line a terminal only displays: every control character and line break escaped. */
const printable = (text) => String(text).replace(UNSAFE, escaped)

/**
 * `value` as JSON, exactly (it parses back to the same value), with the characters a terminal
 * would act on written as `\u` escapes, which JSON.stringify leaves raw.
 */
const printableJson = (value) => JSON.stringify(value, null, 2).replace(UNSAFE_IN_JSON, (char) => `\\u${hex(char, 4)}`)

/** Prints `text` as one line on stdout, made printable. */
const say = (text) => console.log(printable(text))

/** Prints `text` as one line on stderr, made printable. */
const complain = (text) => console.error(printable(text))

module.exports = { printable, printableJson, say, complain }
