// The whole invite journey of a ROQ app, in a real browser: a user of tenant acme signs in and
// invites people (one address is bad); the browser-side client lists, resends and cancels; the
// invitee opens the newest link, accepts, and the inviter's page shows it; a user of another
// tenant sees nothing of it; the emulator's dashboard and its own accept page show it all. The
// invite's trace, exported by the app's instrumentation.ts, holds the server action's span, the
// client's call and its HTTP attempts, and the emulator's Requests tab finds them by its id.
// Each page is saved as a screenshot in e2e/screenshots/.
import { join } from 'node:path'

import { expect, test, type Page } from '@playwright/test'

import { connectEmulator } from '../../../index.js'
import { signInAs } from '../../../testing.js'
import { appUrl, emulator, otlpUrl } from './settings'

const platform = connectEmulator(emulator)
const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(__dirname, 'screenshots', `${name}.png`), fullPage: true })

async function signIn(page: Page, email: string, firstName: string, tenantId: string) {
  await page.goto('/')
  await expect(page).toHaveURL(/\/sign-in$/)
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('First name').fill(firstName)
  await page.getByLabel('Tenant').fill(tenantId)
  await page.getByTestId('sign-in-submit').click()
  await expect(page.getByTestId('signed-in-as')).toContainText(`tenant ${tenantId}`)
}

/** A span as e2e/otlp-receiver.mjs keeps it: OTLP's JSON, its attributes as an object. */
interface Span {
  traceId: string
  spanId: string
  parentSpanId?: string
  name: string
  /** OTLP's SpanKind: 1 internal, 2 server, 3 client. */
  kind: number
  attributes: Record<string, unknown>
  scope: string
  service: string
}
const SERVER = 2
const CLIENT = 3
/** Every span the app has exported so far. */
const exported = async (): Promise<Span[]> => (await fetch(`${otlpUrl}/spans`)).json()

/** The invites the page lists, as "email: status". */
const listed = (page: Page) =>
  page
    .getByTestId('invite')
    .evaluateAll((rows) =>
      rows.map((row) => `${(row as HTMLElement).dataset.email}: ${(row as HTMLElement).dataset.status}`),
    )

test('the invite journey: sign in, invite, list, resend, accept, tenant isolation, the emulator pages', async ({
  page,
  browser,
}) => {
  const pageErrors: string[] = []
  page.on('pageerror', (error) => pageErrors.push(error.message))

  await test.step('the app runs from its standalone folder, with its .next/static and public', async () => {
    await page.goto('/sign-in')
    // The page's stylesheet, from .next/static, applies.
    await expect(page.locator('body')).toHaveCSS('background-color', 'rgb(245, 247, 250)')
    const robots = await page.request.get('/robots.txt')
    expect(robots.status()).toBe(200)
    expect(await robots.text()).toContain('Disallow: /')
  })

  await test.step('sign in as a user of tenant acme', async () => {
    await page.goto('/sign-in')
    await shot(page, '01-sign-in')
    await signIn(page, 'alice@acme.io', 'Alice', 'acme')
    await expect(page.getByTestId('no-invites')).toBeVisible()
  })

  await test.step('invite two people and one bad address in one go', async () => {
    const rows = page.getByTestId('invite-row')
    const entries = [
      ['ada@example.com', 'Ada'],
      ['grace@example.com', 'Grace'],
      ['bob@', ''],
    ]
    for (const [i, [email, firstName]] of entries.entries()) {
      await rows
        .nth(i)
        .getByLabel(`Email ${i + 1}`)
        .fill(email!)
      await rows
        .nth(i)
        .getByLabel(`First name ${i + 1}`)
        .fill(firstName!)
    }
    // The list is read by the browser-side client, straight from the platform's browser endpoint.
    const listedByBrowser = page.waitForResponse(
      (r) => r.url() === `${emulator.url}/v01/graphql` && r.request().method() === 'POST',
    )
    const actionPost = page.waitForRequest((r) => r.method() === 'POST' && r.url() === `${appUrl}/`)
    await page.getByTestId('invite-submit').click()
    // The form posts to its server action: the page's URL, with Next's Next-Action header.
    expect(await (await actionPost).headerValue('next-action')).toBeTruthy()
    const results = rows.getByTestId('row-result')
    await expect(results.nth(0)).toHaveAttribute('data-ok', 'true')
    await expect(results.nth(1)).toHaveAttribute('data-ok', 'true')
    await expect(results.nth(2)).toHaveAttribute('data-code', 'INVALID_EMAIL')
    await expect(results.nth(2)).toHaveText('✗ Not an email address')
    await expect(results.nth(2)).toHaveAttribute('title', /"bob@" is not an email address/)
    // Each result stands beside the entry it is about.
    await expect(rows.nth(2).getByLabel('Email 3')).toHaveValue('bob@')
    expect((await listedByBrowser).headers()['content-type']).toBe('application/json; charset=utf-8')
    await expect.poll(() => listed(page)).toEqual(['grace@example.com: pending', 'ada@example.com: pending'])
    await shot(page, '02-invited')
  })

  await test.step("the invite's trace: the server action's span, the call's under it, the attempts under that; the emulator's Requests tab shows it", async () => {
    // The spans arrive in batches: wait until the call's and every span above it, up to the
    // trace's root, are in.
    let trace: Span[] = []
    let call: Span | undefined
    const above = (span: Span) => trace.find((parent) => parent.spanId === span.parentSpanId)
    await expect
      .poll(async () => {
        const spans = await exported()
        call = spans.find((span) => span.name === 'RoqPlatform.sendUserInvites')
        trace = spans.filter((span) => span.traceId === call?.traceId)
        let top = call
        while (top?.parentSpanId) top = above(top)
        return top !== undefined
      }, 'the call span and its ancestors, up to the root')
      .toBe(true)
    const ancestors: Span[] = []
    for (let span = above(call!); span; span = above(span)) ancestors.push(span)
    // The server action: the browser's POST of the form to the page, which Next traces as the
    // request (BaseServer.handleRequest) with the route's name; the call is under it.
    const action = ancestors.at(-1)!
    expect([action.name, action.kind, action.attributes['http.method'], action.attributes['next.route']]).toEqual([
      'POST /',
      SERVER,
      'POST',
      '/',
    ])
    expect(call!).toMatchObject({ scope: 'roq-invites', service: 'roq-invites-nextjs-example' })
    // Its attempts: CLIENT spans right under it, the send's GraphQL request among them.
    const attempts = trace.filter((span) => span.parentSpanId === call!.spanId && span.kind === CLIENT)
    expect(attempts.find((span) => span.attributes['graphql.operation.name'] === 'sendUserInvites')).toMatchObject({
      attributes: { 'url.full': `${emulator.url}/v01/server/graphql`, 'roq.batch.size': 2 },
    })
    for (const attempt of attempts)
      expect(attempt.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.response.status_code': 200 })
    // Nothing exported holds a secret or a person's data: no key, session, token or address.
    const [session] = (await page.context().cookies()).filter((cookie) => cookie.name === 'roq-session-token')
    const { roqAccessToken } = JSON.parse(Buffer.from(session!.value.split('.')[1]!, 'base64url').toString())
    const everything = JSON.stringify(await exported())
    for (const secret of [
      emulator.apiKey,
      emulator.webhookKey,
      session!.value,
      roqAccessToken,
      'alice@acme.io',
      'ada@example.com',
      'grace@example.com',
    ])
      expect(everything).not.toContain(secret)
    expect(everything).not.toMatch(/bearer|basic /i)

    // The emulator's Requests tab, filtered by the trace's id, shows the attempts' requests.
    const developer = await browser.newContext({
      httpCredentials: { username: emulator.environmentId, password: emulator.apiKey },
    })
    const dashboard = await developer.newPage()
    await dashboard.goto(`${emulator.url}/__emulator/?view=requests&traceId=${call!.traceId}`)
    const rows = dashboard.locator('tr[data-request]')
    await expect(rows.locator('[data-trace-id]')).toHaveText(attempts.map(() => call!.traceId))
    expect((await rows.locator('[data-request-id]').allTextContents()).sort()).toEqual(
      attempts.flatMap((span) => span.attributes['http.request.header.x-request-id'] as string[]).sort(),
    )
    await shot(dashboard, '02b-dashboard-requests-trace')
    await developer.close()
  })

  let firstLink = ''
  let newestLink = ''
  await test.step('resend one: its first link no longer accepts', async () => {
    ;[{ acceptUrl: firstLink }] = await platform.outbox({ to: 'ada@example.com' })
    expect(firstLink.startsWith(`${appUrl}/invites/accept?token=`)).toBe(true)
    await page.locator('[data-testid=invite][data-email="ada@example.com"]').getByTestId('resend').click()
    await expect(page.getByTestId('invites-notice')).toHaveText(
      'Sent ada@example.com a new link; the old one no longer works.',
    )
    const mails = await platform.outbox({ to: 'ada@example.com' })
    expect(mails).toHaveLength(2)
    newestLink = mails[1]!.acceptUrl
    expect(newestLink).not.toBe(firstLink)

    const invitee = await (await browser.newContext()).newPage()
    await invitee.goto(firstLink)
    await expect(invitee.getByTestId('accept-page')).toHaveAttribute('data-state', 'unknown')
    await expect(invitee.getByTestId('accept')).toHaveCount(0)
    await shot(invitee, '03-old-link')
    await invitee.close()
  })

  // The invitee, in a browser of their own: not signed in.
  const invitee = await (await browser.newContext()).newPage()
  await test.step('open the newest link, see the invite, accept it', async () => {
    await invitee.goto(newestLink)
    await expect(invitee.getByTestId('accept-page')).toHaveAttribute('data-state', 'pending')
    await expect(invitee.getByTestId('accept-page')).toContainText('ada@example.com')
    await shot(invitee, '04-accept-pending')
    // Opening it (as a mail scanner would) changed nothing.
    expect((await platform.invites({ status: 'pending' })).data.map((i) => i.email).sort()).toEqual([
      'ada@example.com',
      'grace@example.com',
    ])
    await invitee.getByTestId('accept').click()
    await expect(invitee.getByTestId('accept-page')).toHaveAttribute('data-state', 'accepted')
    await expect(invitee.getByTestId('accept-page')).toContainText('ada@example.com is now a member of acme')
    await shot(invitee, '05-accepted')
  })

  await test.step("the platform's webhook tells the app, and the inviter's page shows it without a reload", async () => {
    await page.bringToFront()
    await expect.poll(() => listed(page)).toContain('ada@example.com: accepted')
    await expect(page.getByTestId('activity').locator('li[data-change=accepted]')).toContainText(
      'ada@example.com accepted',
    )
    const [delivery] = (await platform.webhooks()).filter((d) => d.change === 'accepted')
    expect([delivery?.state, delivery?.attempts.at(-1)?.status]).toEqual(['delivered', 200])
  })

  await test.step('a webhook request without the right key gets 401 and changes nothing', async () => {
    // A well-formed event that would cancel Ada's invite on the page, were it believed.
    const [ada] = (await platform.invites({ tenantId: 'acme', status: 'accepted' })).data
    const current = {
      acceptedByUserId: ada!.acceptedByUserId,
      createdAt: ada!.createdAt,
      createdByUserId: ada!.createdByUserId,
      data: null,
      email: ada!.email,
      firstName: ada!.firstName,
      id: ada!.id,
      locale: null,
      lastName: ada!.lastName,
      roleKeys: null,
      status: 'canceled',
      statusUpdatedAt: ada!.createdAt,
      tenantId: 'acme',
      updatedAt: ada!.createdAt,
      userTokenId: 'x',
    }
    const forged = {
      name: 'ROQ_USER_INVITE_UPDATE',
      id: 'forged-event',
      object: 'UserInvite',
      change: 'canceled',
      data: { current, previous: null },
    }
    for (const key of ['whk_not-the-key', undefined]) {
      const response = await page.request.post('/api/roq/webhook', {
        data: forged,
        headers: key ? { 'roq-platform-webhook-key': key } : {},
      })
      expect(response.status()).toBe(401)
    }
    const garbled = await page.request.post('/api/roq/webhook', {
      data: '{"name":',
      headers: { 'roq-platform-webhook-key': emulator.webhookKey!, 'content-type': 'application/json' },
    })
    expect(garbled.status()).toBe(400)
    expect(await listed(page)).toContain('ada@example.com: accepted')
  })

  await test.step('the invitee continues into the tenant, as its new member', async () => {
    await invitee.getByTestId('continue').click()
    await expect(invitee.getByTestId('signed-in-as')).toHaveText(/tenant acme/)
    await expect.poll(() => listed(invitee)).toContain('ada@example.com: accepted')
  })

  await test.step('the link again says it was already accepted', async () => {
    await invitee.goto(newestLink)
    await expect(invitee.getByTestId('accept-page')).toHaveAttribute('data-state', 'already-accepted')
    await shot(invitee, '06-already-accepted')
    await invitee.close()
  })

  await test.step('cancel the other invite; its link says so', async () => {
    await page.locator('[data-testid=invite][data-email="grace@example.com"]').getByTestId('cancel').click()
    await expect(page.getByTestId('invites-notice')).toHaveText('Canceled the invite to grace@example.com.')
    await expect.poll(() => listed(page)).toEqual(['grace@example.com: canceled', 'ada@example.com: accepted'])
    // Events arrive in order: the cancel's came after the forged one would have, and only it did.
    await expect(page.getByTestId('activity').locator('li[data-change=canceled]')).toContainText(
      'grace@example.com canceled',
    )
    await expect(page.getByTestId('activity').locator('li[data-event=forged-event]')).toHaveCount(0)
    const [mail] = await platform.outbox({ to: 'grace@example.com' })
    const canceled = await (await browser.newContext()).newPage()
    await canceled.goto(mail!.acceptUrl)
    await expect(canceled.getByTestId('accept-page')).toHaveAttribute('data-state', 'canceled')
    await canceled.close()
    await shot(page, '07-inviter-list')
  })

  await test.step('POST /api/invites acts as the signed-in user, and refuses without a session', async () => {
    const created = await page.request.post('/api/invites', { data: { email: 'alan@example.com', firstName: 'Alan' } })
    expect(created.status()).toBe(201)
    expect(await created.json()).toMatchObject({ ok: true, email: 'alan@example.com', outcome: 'created' })
    const anonymous = await (
      await browser.newContext()
    ).request.post(`${appUrl}/api/invites`, { data: { email: 'x@example.com' } })
    expect(anonymous.status()).toBe(401)
    const invites = (await platform.invites({ tenantId: 'acme' })).data
    expect(invites.find((i) => i.email === 'alan@example.com')?.createdByUserId).toBe(
      invites.find((i) => i.email === 'ada@example.com')?.createdByUserId,
    )
  })

  await test.step('a user of tenant globex sees none of acme’s invites', async () => {
    await page.getByTestId('sign-out').click()
    // Signed out (the action's redirect) before anything else happens.
    await expect(page).toHaveURL(/\/sign-in$/)
    // Signed in without the sign-in page, as a test that is not about it would: roq-invites/testing,
    // with the emulator the ROQ_* variables name.
    await signInAs(page.context(), { url: appUrl, tenantId: 'globex', email: 'bob@globex.io', firstName: 'Bob' })
    await page.goto('/')
    await expect(page.getByTestId('signed-in-as')).toContainText('tenant globex')
    await expect(page.getByTestId('no-invites')).toBeVisible()
    await shot(page, '08-other-tenant')
  })

  await test.step("the emulator's dashboard shows the invites, their history and the mails", async () => {
    const refused = await page.request.get(`${emulator.url}/__emulator/`)
    expect(refused.status()).toBe(401)
    const developer = await browser.newContext({
      httpCredentials: { username: emulator.environmentId, password: emulator.apiKey },
      viewport: { width: 1280, height: 1400 },
    })
    const dashboard = await developer.newPage()
    await dashboard.goto(`${emulator.url}/__emulator/?view=invites&tenant=acme`)
    await expect(dashboard.locator('tr[data-status=accepted]')).toContainText('ada@example.com')
    await expect(dashboard.locator('tr[data-status=accepted] ol.history')).toContainText('resent')
    await expect(dashboard.locator('tr[data-status=canceled]')).toContainText('grace@example.com')
    await shot(dashboard, '09-dashboard-invites')
    await dashboard.goto(`${emulator.url}/__emulator/?view=outbox`)
    await expect(dashboard.locator('section.mail')).toHaveCount(4)
    await expect(dashboard.locator('section.mail').first()).toContainText('User Invitation')
    await shot(dashboard, '10-dashboard-outbox')
    await dashboard.goto(`${emulator.url}/__emulator/?view=webhooks`)
    await expect(dashboard.locator('tr[data-state=delivered]').first()).toContainText('200')
    await shot(dashboard, '10b-dashboard-webhooks')

    // The emulator's own accept page, for apps that use the default accept link.
    const [alan] = await platform.outbox({ to: 'alan@example.com' })
    const token = new URL(alan!.acceptUrl).searchParams.get('token')!
    await dashboard.goto(`${emulator.url}/accept-invite?token=${encodeURIComponent(token)}`)
    await expect(dashboard.locator('[data-state=pending]')).toContainText('alan@example.com')
    await shot(dashboard, '11-emulator-accept-page')
    await developer.close()
  })

  expect(pageErrors).toEqual([])
})
