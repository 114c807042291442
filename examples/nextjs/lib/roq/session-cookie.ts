/** The cookie a ROQ app keeps its session in; ROQ's browser SDK reads it, so it is not HttpOnly. */
export const SESSION_COOKIE = 'roq-session-token'
