// `npm run demo`, as the README runs it from a clone (after the build): the docs' call on the
// embedded emulator, the refusals by index, and the mail.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

test('the demo sends the docs call, reports refusals by index, prints the mail and ends by itself', () => {
  const demo = fileURLToPath(new URL('../examples/demo.mjs', import.meta.url))
  const { status, signal, stdout, stderr } = spawnSync(process.execPath, [demo], { encoding: 'utf8', timeout: 60_000 })
  assert.deepEqual([status, signal], [0, null], stderr)
  assert.match(stdout, /^invited grace\.hopper@example\.com: pending, invite [\w-]+, tenant acme-tenant$/m)
  assert.match(stdout, /^second call: 2 sent, 2 refused$/m)
  assert.match(stdout, /^ {2}entry 1 \(not-an-email\): INVALID_EMAIL: /m)
  assert.match(stdout, /^ {2}entry 2 \(Grace\.Hopper@example\.com\): ALREADY_INVITED: /m)
  assert.match(stdout, /^ {2}Subject: User Invitation$/m)
  assert.match(stdout, /^ {2}Accept Invite: http:\/\/127\.0\.0\.1:\d+\/accept-invite\?token=[\w-]+$/m)
})
