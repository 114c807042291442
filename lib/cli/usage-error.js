'use strict'

/**
 * A mistake in the command line or its input: the tool prints it with a hint to the command's
 * help and exits 2, and nothing was sent.
 */
class UsageError extends Error {
  /** `command`: the command whose help the hint names; none for the tool's own. */
  constructor(message, command) {
    super(message)
    this.name = 'UsageError'
    this.command = command
  }
}

module.exports = { UsageError }
