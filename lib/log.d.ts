// The client's log: the `logLevel` and `logger` options of `new RoqClient({...})`.

/**
 * How much the client logs, from nothing (`'off'`, the default) to a line per HTTP attempt
 * (`'debug'`). `ROQ_INVITES_LOG` in the environment sets it when the option is left out.
 * - `error`: a call that failed (`SERVER_ERROR`, `NETWORK_ERROR`, ...).
 * - `warn`: a call the platform refused as asked (`INVALID_ARGUMENT`, `NOT_FOUND`, `CONFLICT`).
 * - `info`: each retry's backoff, each wait at the rate limit, each token refresh, each abort.
 * - `debug`: each HTTP attempt (operation, status, duration, attempt, request id) and each call's end.
 */
export type LogLevel = 'off' | 'error' | 'warn' | 'info' | 'debug'

/**
 * Where lines go: `console` (the default), or a pino- or winston-like object. Each method is
 * called with a message and an object of facts (pino: the facts first); never a body, a header,
 * an argument or a secret. A method that throws loses its line, not the call.
 */
export interface Logger {
  debug(...args: any[]): unknown
  info(...args: any[]): unknown
  warn(...args: any[]): unknown
  error(...args: any[]): unknown
}

/** The log options of `new RoqClient({...})`, beside {@link RoqClientOptions}. */
export interface LogOptions {
  /**
   * How much to log. Default `'off'`, or `ROQ_INVITES_LOG` when set.
   * @throws {RoqError} `INVALID_ARGUMENT` naming `logLevel` when it is not a {@link LogLevel}.
   */
  logLevel?: LogLevel
  /**
   * Where to log. Default `console`.
   * @throws {RoqError} `INVALID_ARGUMENT` naming `logger` when it lacks a `debug`, `info`, `warn` or `error` method.
   */
  logger?: Logger
}
