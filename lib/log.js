'use strict'

// The client's log: the `logLevel` and `logger` options and ROQ_INVITES_LOG. Off by default.
// A line is a message and a small object of facts (operation, status, durationMs, attempt,
// requestId, ...): never a body, a header, an argument, a platform's message or a secret.

const { describe, invalidArgument } = require('./errors.js')

const LEVELS = ['off', 'error', 'warn', 'info', 'debug']
const rank = (level) => LEVELS.indexOf(level)
const ENV = 'ROQ_INVITES_LOG'

/** A logger whose methods take the facts first and the message second (pino's way). */
function factsFirst(logger) {
  return Symbol.for('pino.serializers') in logger
}

/** A log of one client family, at a level, into a logger. */
class Log {
  /** 0 (off) to 4 (debug). */
  level
  #logger
  #factsFirst
  #warned = false

  constructor(level, logger) {
    this.level = rank(level)
    this.#logger = logger
    this.#factsFirst = factsFirst(logger)
  }

  /** Whether lines at `level` are written. */
  enabled(level) {
    return this.level >= rank(level)
  }

  /** Writes a line at `level` if the log is at that level or below; a logger that throws is ignored (once warned about). */
  write(level, message, facts) {
    if (this.level < rank(level)) return
    try {
      if (this.#factsFirst) this.#logger[level](facts, message)
      else this.#logger[level](message, facts)
    } catch (error) {
      if (!this.#warned) {
        this.#warned = true
        process.emitWarning(
          `the logger given to roq-invites threw (${error?.name ?? typeof error}); its lines are lost`,
          {
            code: 'ROQ_INVITES_LOGGER',
          },
        )
      }
    }
  }
}

/** The level ROQ_INVITES_LOG sets, or undefined; a value that is none is warned about and ignored. */
function levelFromEnv() {
  const value = process.env[ENV]
  if (value === undefined || value === '') return undefined
  const level = value.trim().toLowerCase()
  if (LEVELS.includes(level)) return level
  process.emitWarning(
    `${ENV}=${JSON.stringify(value.slice(0, 20))} is not a log level; use one of ${LEVELS.join(', ')}`,
    {
      code: 'ROQ_INVITES_LOG',
    },
  )
  return undefined
}

/**
 * The log of `new RoqClient({ logLevel, logger })`: `logLevel` wins over ROQ_INVITES_LOG (read
 * now), `logger` defaults to `console`.
 * @throws {RoqError} `INVALID_ARGUMENT` naming `logLevel` or `logger` when it is not one.
 */
function makeLog(logLevel, logger) {
  if (logLevel !== undefined && !LEVELS.includes(logLevel)) {
    const got = typeof logLevel === 'string' ? JSON.stringify(logLevel.slice(0, 20)) : describe(logLevel)
    throw invalidArgument(`logLevel: must be one of ${LEVELS.map((l) => `'${l}'`).join(', ')}; got ${got}`)
  }
  if (
    logger !== undefined &&
    (logger === null ||
      (typeof logger !== 'object' && typeof logger !== 'function') ||
      !['error', 'warn', 'info', 'debug'].every((method) => typeof logger[method] === 'function'))
  ) {
    throw invalidArgument(
      `logger: must be an object with debug, info, warn and error methods, like console or a pino or winston logger; got ${describe(logger)}`,
    )
  }
  return new Log(logLevel ?? levelFromEnv() ?? 'off', logger ?? console)
}

module.exports = { makeLog, LEVELS }
