// The emulator's own endpoints and a browser that holds their credentials (issue 19, point 2): a
// page of another origin cannot change the emulator, while curl, Node and the emulator's own
// pages can. Over real HTTP, with the headers browsers send; the last test is a real Chromium.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { createServer, request } from 'node:http'
import { test } from 'node:test'

import { connectEmulator } from '../index.js'
import { NO_CHROMIUM, clientFor, emulatorFor, launchChromium } from './helpers.mjs'

/** What a page of another site would try: queue a fault (the next call fails), mint a session. */
const ATTACKS = [
  {
    path: '/__emulator/faults',
    // As a <form enctype="text/plain"> sends `name=value`: the `=` lands inside a JSON string.
    body: '[{"answer":"status","status":503,"retryAfter":"1=x"}]\r\n',
    good: '[{"answer":"status","status":503}]',
  },
  {
    path: '/__emulator/sessions',
    body: '{"tenantId":"acme","userId":"mallory","firstName":"M=x"}\r\n',
    good: '{"tenantId":"acme","userId":"mallory"}',
  },
]

function basic(emulator) {
  return `Basic ${Buffer.from(`${emulator.environmentId}:${emulator.apiKey}`).toString('base64')}`
}

/** One request with exactly these headers (Node's fetch would add its own), and its answer. */
function send(emulator, method, path, headers, body) {
  return new Promise((resolve, reject) => {
    const outgoing = request(new URL(path, emulator.url), { method, headers }, async (response) => {
      let text = ''
      for await (const chunk of response) text += chunk
      resolve({ status: response.statusCode, type: response.headers['content-type'], text })
    })
    outgoing.on('error', reject)
    outgoing.end(body)
  })
}

/** Whether `userId` exists in a strict emulator: a token for an unknown user is refused. */
async function knows(emulator, userId) {
  const error = await clientFor(emulator)
    .asUser(userId)
    .roqPlatform.userInvites()
    .then(
      () => undefined,
      (e) => e,
    )
  if (error === undefined) return true
  assert.equal(error.code, 'NOT_FOUND', error.message)
  return false
}

test('a cross-site form post or no-cors fetch to a state-changing endpoint is refused and changes nothing', async (t) => {
  const emulator = await emulatorFor(t, { strict: true })
  const authorization = basic(emulator)
  const own = new URL(emulator.url).host
  const cases = [
    // What every browser since 2023 sends with a form post from another site.
    [{ 'content-type': 'text/plain', 'sec-fetch-site': 'cross-site', origin: 'http://evil.test' }, 403],
    // A page on another port of this machine is the same site, and still not the emulator.
    [{ 'content-type': 'text/plain', 'sec-fetch-site': 'same-site', origin: 'http://127.0.0.1:3000' }, 403],
    // A browser from before Sec-Fetch-Site: Origin alone, compared with Host.
    [{ 'content-type': 'text/plain', origin: 'http://evil.test' }, 403],
    [{ 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost:3000' }, 403],
    [{ 'content-type': 'text/plain', origin: 'null' }, 403],
    // JSON does not make a cross-site request welcome.
    [{ 'content-type': 'application/json', 'sec-fetch-site': 'cross-site', origin: 'http://evil.test' }, 403],
    // No browser header, but a body a form could send: not JSON.
    [{ 'content-type': 'text/plain' }, 415],
    [{ 'content-type': 'multipart/form-data; boundary=x' }, 415],
    [{}, 415],
  ]
  for (const { path, body } of ATTACKS) {
    for (const [headers, status] of cases) {
      const answer = await send(emulator, 'POST', path, { authorization, host: own, ...headers }, body)
      const what = `${path} ${JSON.stringify(headers)}`
      assert.equal(answer.status, status, `${what}: ${answer.text}`)
      assert.equal(answer.type, 'application/json; charset=utf-8', what)
      const refusal = JSON.parse(answer.text)
      assert.equal(refusal.statusCode, status, what)
      if (status === 403) {
        assert.equal(refusal.errorCode, 'FORBIDDEN')
        assert.match(refusal.message, /^Cross-origin request refused \(.+\): a page of another origin may not change/)
        assert.match(refusal.message, /from your server, a test or curl/)
      } else {
        assert.equal(refusal.errorCode, 'UNSUPPORTED_MEDIA_TYPE')
        assert.equal(
          refusal.message,
          `POST ${path} takes a JSON body only: send it with Content-Type: application/json (curl -H 'content-type: application/json' --data '...')`,
        )
      }
    }
  }
  // Other methods that change state go through the same guard before anything else answers.
  for (const method of ['PUT', 'PATCH', 'DELETE']) {
    const answer = await send(
      emulator,
      method,
      '/__emulator/faults',
      { authorization, 'sec-fetch-site': 'cross-site', 'content-type': 'text/plain' },
      '[]',
    )
    assert.equal(answer.status, 403, method)
  }
  assert.deepEqual(emulator.faults(), [])
  assert.equal(await knows(emulator, 'mallory'), false)
})

test('curl, Node and pages of the emulator itself still change it; reads are as before', async (t) => {
  const emulator = await emulatorFor(t, { strict: true })
  const authorization = basic(emulator)
  const own = new URL(emulator.url).host
  const json = { authorization, host: own, 'content-type': 'application/json' }
  for (const headers of [
    json,
    { ...json, 'content-type': 'application/json; charset=utf-8' },
    { ...json, 'sec-fetch-site': 'same-origin', origin: emulator.url },
    { ...json, origin: emulator.url },
    { ...json, 'sec-fetch-site': 'none' },
  ]) {
    const faults = await send(emulator, 'POST', '/__emulator/faults', headers, ATTACKS[0].good)
    assert.deepEqual([faults.status, JSON.parse(faults.text)], [200, { queued: 1 }], JSON.stringify(headers))
    emulator.faults([])
    const session = await send(emulator, 'POST', '/__emulator/sessions', headers, ATTACKS[1].good)
    assert.equal(session.status, 201, session.text)
    assert.equal(JSON.parse(session.text).roqUserId, 'mallory')
  }
  assert.equal(await knows(emulator, 'mallory'), true)

  // Node's fetch, through connectEmulator: the same calls the CLI's session command makes.
  const remote = connectEmulator(emulator.env)
  await remote.faults([{ answer: 'status', status: 503, times: 2 }])
  assert.equal(emulator.faults()[0].times, 2)
  await remote.faults([])
  assert.equal((await remote.session({ tenantId: 'acme', userId: 'alice' })).roqUserId, 'alice')

  // GET only reads (with the credentials): a link from another site still opens the dashboard.
  for (const path of ['/__emulator/', '/__emulator/faults', '/__emulator/outbox', '/__emulator/invites']) {
    const answer = await send(emulator, 'GET', path, {
      authorization,
      'sec-fetch-site': 'cross-site',
      origin: 'http://evil.test',
    })
    assert.equal(answer.status, 200, path)
  }
})

const curl = spawnSync('curl', ['--version']).status === 0

test(
  'curl works as docs/emulator.md shows, and a form-encoded --data is told to send JSON',
  { skip: !curl && 'no curl' },
  async (t) => {
    const emulator = await emulatorFor(t)
    const base = ['--silent', '--user', `${emulator.environmentId}:${emulator.apiKey}`, '--write-out', '\n%{http_code}']
    const run = async (...args) => {
      // Asynchronously: the emulator answers on this process's event loop.
      const { spawn } = await import('node:child_process')
      const child = spawn('curl', [...base, ...args])
      let out = ''
      for await (const chunk of child.stdout) out += chunk
      const [body, status] = [out.slice(0, out.lastIndexOf('\n')), out.slice(out.lastIndexOf('\n') + 1)]
      return { status: Number(status), body: JSON.parse(body) }
    }
    const queued = await run(
      '--header',
      'content-type: application/json',
      '--data',
      '{"answer":"drop"}',
      `${emulator.url}/__emulator/faults`,
    )
    assert.deepEqual([queued.status, queued.body], [200, { queued: 1 }])
    const formEncoded = await run('--data', '[]', `${emulator.url}/__emulator/faults`)
    assert.equal(formEncoded.status, 415)
    assert.match(formEncoded.body.message, /Content-Type: application\/json/)
    assert.equal(emulator.faults().length, 1)
  },
)

test(
  "in a real Chromium that holds the emulator's credentials, another origin's page changes nothing",
  { skip: NO_CHROMIUM },
  async (t) => {
    const emulator = await emulatorFor(t, { strict: true })
    // The attacker: pages on localhost (another site than 127.0.0.1) and on 127.0.0.1 at another
    // port (the same site, another origin), each posting to the emulator as soon as it loads.
    const target = (path) => `${emulator.url}${path}`
    const pages = {
      // A form sends `name=value` as text/plain, with no preflight: the `=` lands in a JSON string.
      '/form-faults': formPage(target('/__emulator/faults'), '[{"answer":"status","status":503,"retryAfter":"1', '"}]'),
      '/form-sessions': formPage(
        target('/__emulator/sessions'),
        '{"tenantId":"acme","userId":"mallory","firstName":"M',
        '"}',
      ),
      // fetch without CORS: the answer cannot be read, but the request goes, credentials and all.
      '/fetch': `<!doctype html><title>loading</title><script>
        const post = (path, body) => fetch(${JSON.stringify(emulator.url)} + path,
          { method: 'POST', mode: 'no-cors', credentials: 'include', body })
        Promise.allSettled([
          post('/__emulator/faults', '[{"answer":"drop"}]'),
          post('/__emulator/sessions', '{"tenantId":"acme","userId":"mallory"}'),
        ]).then(() => { document.title = 'done' })
      </script>`,
    }
    const attacker = createServer((request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' }).end(pages[request.url] ?? '')
    }).listen(0, '127.0.0.1')
    await once(attacker, 'listening')
    t.after(() => attacker.close())
    const port = attacker.address().port

    const browser = await launchChromium(t)
    const context = await browser.newContext({
      httpCredentials: { username: emulator.environmentId, password: emulator.apiKey, origin: emulator.url },
    })
    const page = await context.newPage()
    const sent = []
    page.on('request', async (request) => {
      if (request.url().startsWith(`${emulator.url}/__emulator/`) && request.method() === 'POST') {
        const headers = await request.allHeaders()
        sent.push({
          kind: request.resourceType(),
          path: new URL(request.url()).pathname,
          site: headers['sec-fetch-site'],
          auth: 'authorization' in headers,
        })
      }
    })

    // Signed in: the browser answered the dashboard's Basic challenge and keeps the credentials.
    const dashboard = await page.goto(emulator.dashboardUrl)
    assert.equal(dashboard.status(), 200)

    for (const origin of [`http://localhost:${port}`, `http://127.0.0.1:${port}`]) {
      for (const path of ['/form-faults', '/form-sessions']) {
        const [answer] = await Promise.all([
          page.waitForResponse((response) => response.url().startsWith(`${emulator.url}/__emulator/`)),
          page.goto(`${origin}${path}`),
        ])
        assert.equal(answer.status(), 403, `${origin}${path}: ${await answer.text()}`)
      }
      await page.goto(`${origin}/fetch`)
      await page.waitForFunction(() => document.title === 'done')
    }
    // What Chromium sent with each form post: the credentials, and where the post came from.
    assert.deepEqual(
      sent.filter(({ kind }) => kind === 'document').map(({ path, site, auth }) => [path, site, auth]),
      [
        ['/__emulator/faults', 'cross-site', true],
        ['/__emulator/sessions', 'cross-site', true],
        ['/__emulator/faults', 'same-site', true],
        ['/__emulator/sessions', 'same-site', true],
      ],
    )
    assert.equal(sent.filter(({ kind }) => kind === 'fetch').length, 4, JSON.stringify(sent))
    assert.deepEqual(emulator.faults(), [])
    assert.equal(await knows(emulator, 'mallory'), false)

    // The emulator's own page may: a same-origin fetch of JSON. (Its pages run no script, by their
    // Content-Security-Policy; this context lets the test's own script run there.)
    const own = await browser.newContext({
      bypassCSP: true,
      httpCredentials: { username: emulator.environmentId, password: emulator.apiKey, origin: emulator.url },
    })
    t.after(() => own.close())
    const ownPage = await own.newPage()
    await ownPage.goto(emulator.dashboardUrl)
    const status = await ownPage.evaluate(async () => {
      const headers = { 'content-type': 'application/json' }
      const body = JSON.stringify([{ answer: 'drop' }])
      return (await fetch('/__emulator/faults', { method: 'POST', headers, body })).status
    })
    assert.equal(status, 200)
    assert.equal(emulator.faults()[0].answer, 'drop')
  },
)

/** A page whose form posts `name=value` as text/plain to `action` when it loads. */
function formPage(action, name, value) {
  const attribute = (text) => text.replaceAll('&', '&amp;').replaceAll('"', '&quot;')
  return `<!doctype html><form method="post" enctype="text/plain" action="${attribute(action)}">
    <input type="hidden" name="${attribute(name)}" value="${attribute(value)}"></form>
    <script>document.forms[0].submit()</script>`
}
