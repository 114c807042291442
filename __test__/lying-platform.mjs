// A lying platform, for the tests that no secret ever leaves: it echoes every header and body it
// receives (the API key, the Basic credentials, the bearer tokens, the invites' emails) into its
// answers, as their message, their error code and their `x-request-id` (the API key, which is a
// valid request id by the rule), in whatever way `state.mode` says.
import { createServer } from 'node:http'

export const API_KEY = 'roq_live_0123456789abcdef_SECRET'
export const jwt = (claims) =>
  ['{"alg":"none"}', JSON.stringify({ exp: Math.floor(Date.now() / 1000) + 3600, ...claims })]
    .map((part) => Buffer.from(part).toString('base64url'))
    .join('.') + '.signature'
export const SERVICE_TOKEN = jwt({ sub: 'service-account-SECRET' })
export const USER_TOKEN = jwt({ sub: 'user-SECRET' })
export const BASIC = Buffer.from(`env-1:${API_KEY}`).toString('base64')
export const SECRETS = [API_KEY, SERVICE_TOKEN, USER_TOKEN, BASIC]

/** A platform that answers with whatever `mode` says, and puts everything it was sent in it. */
export async function lyingPlatform(t) {
  const state = { mode: 'ok' }
  const server = createServer(async (request, response) => {
    let body = ''
    for await (const chunk of request) body += chunk
    const echo = `you sent ${JSON.stringify(request.headers)} and ${body}`
    const json = (status, value) => {
      response.writeHead(status, { 'content-type': 'application/json', 'x-request-id': API_KEY })
      response.end(JSON.stringify(value))
    }
    const refusal = { statusCode: 401, errorCode: `UNAUTHORIZED ${echo}`, message: echo }
    if (state.mode === 'redirect' || (state.mode === 'token-redirect' && request.url.startsWith('/v01/authorize'))) {
      // Every secret in the Location, its host included (where it reads in lower case).
      response.writeHead(307, { location: `http://user:${API_KEY}@${API_KEY}.example/${SERVICE_TOKEN}?b=${BASIC}` })
      return response.end()
    }
    if (request.url === '/v01/authorize/serviceAccount') {
      return state.mode === 'token-refused' ? json(401, refusal) : json(201, { accessToken: SERVICE_TOKEN })
    }
    if (request.url === '/v01/authorize') {
      return state.mode === 'user-token-refused' ? json(401, refusal) : json(201, { accessToken: USER_TOKEN })
    }
    switch (state.mode) {
      case '503-once':
        state.mode = 'ok'
        response.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '0' })
        return response.end(echo)
      case 'http-500':
        response.writeHead(500, { 'content-type': 'text/plain' })
        return response.end(echo)
      case 'graphql-error':
        return json(200, {
          errors: [{ message: echo, extensions: { response: { ...refusal, statusCode: 403 } } }],
          data: null,
        })
      case 'refusals': {
        const { variables } = JSON.parse(body)
        const errors = variables.data.userInvites.map((i) => ({
          email: i.email,
          error: echo,
          firstName: '',
          lastName: '',
        }))
        return json(200, { data: { sendUserInvitesV2: { success: [], errors } } })
      }
      default:
        return json(200, { data: { userInvites: { data: [], totalCount: 0 } } })
    }
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  // close() waits for each connection to end, and the client keeps its own for the next call
  // (reqwest's pool, 90 s idle): on Node 24 that held a test 90 s now and then.
  t.after(() => {
    server.closeAllConnections()
    return new Promise((resolve) => server.close(resolve))
  })
  return { url: `http://127.0.0.1:${server.address().port}`, state }
}
