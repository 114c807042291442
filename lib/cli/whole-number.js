'use strict'

const { UsageError } = require('./usage-error.js')

/**
 * A flag's whole number, or undefined when it is absent. Only the form is checked here: the
 * library checks the range, with the same message as for a caller of its API.
 */
function wholeNumber(value, flag, command) {
  if (value === undefined) return undefined
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} must be a whole number, got "${value}"`, command)
  return Number(value)
}

module.exports = { wholeNumber }
