#!/usr/bin/env node
// roq-invites: the package's command line. Runs the emulator, sends invites (from arguments or a
// CSV file), lists them, resends and cancels them. Exit codes: 0 done, 1 an invite was refused or
// a call failed, 2 a usage error (nothing was sent).
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'

import { parse } from 'csv-parse/sync'

import { RoqClient, RoqError, connectEmulator, startEmulator } from '../index.js'

const CONNECTION_HELP = `Connection (else the environment variables, e.g. from .env.local):
  --host URL             The platform's base URL (ROQ_PLATFORM_URL)
  --environment-id ID    The environment's id (ROQ_ENVIRONMENT_ID)
  --api-key KEY          The environment's API key (ROQ_API_KEY); prefer the variable, since
                         other users of this machine can see a flag in \`ps\``

const MAIN_HELP = `Usage: roq-invites <command> [options]

Invite users into a ROQ Platform tenant and manage their invites.

Commands:
  emulator              Run a local ROQ Platform emulator and print its ROQ_* settings
  send [emails...]      Invite the emails given, or the rows of a CSV file (--csv)
  list                  List invites, with filters
  resend <invite-id>    Mail a pending invite again, with a new link
  cancel <invite-id>    Cancel a pending invite
  session               Sign a development user in on the emulator: a roq-session-token

Options:
  -h, --help            Show this help; \`roq-invites <command> --help\` shows a command's

send, list, resend, cancel and session connect with ROQ_PLATFORM_URL, ROQ_ENVIRONMENT_ID and
ROQ_API_KEY, or the flags --host, --environment-id and --api-key.

Exit codes: 0 done, 1 an invite was refused or a call failed, 2 a usage error.

Example:
  roq-invites emulator --db platform.db      # then paste its ROQ_* lines into .env.local
  roq-invites send ada@example.com --tenant acme --from alice`

const CONNECTION = { host: { type: 'string' }, 'environment-id': { type: 'string' }, 'api-key': { type: 'string' } }

const COMMANDS = {
  emulator: {
    run: emulator,
    options: {
      port: { type: 'string' },
      db: { type: 'string' },
      'environment-id': { type: 'string' },
      'api-key': { type: 'string' },
      'accept-url': { type: 'string' },
      'invite-validity-days': { type: 'string' },
      strict: { type: 'boolean' },
      'cors-origin': { type: 'string', multiple: true },
      'app-name': { type: 'string' },
      webhook: { type: 'string', multiple: true },
      'webhook-key': { type: 'string' },
    },
    help: `Usage: roq-invites emulator [options]

Runs the ROQ Platform emulator (invites in SQLite, an outbox instead of mail) until Ctrl+C or
SIGTERM. Prints "roq-invites emulator listening on <url>", then the ROQ_PLATFORM_URL,
ROQ_ENVIRONMENT_ID and ROQ_API_KEY to use, one per line, ready for .env.local, and the address of
its dashboard (sign in with the environment id and the API key). With --webhook, it prints
ROQ_WEBHOOK_KEY too, for the app that verifies them.

Options:
  --port N                    The port on 127.0.0.1 (default 4077; 0 picks a free one)
  --db FILE                   A SQLite file that keeps invites, mails and credentials across
                              restarts (default: in memory)
  --environment-id ID         The environment id (default: made up, and kept in --db)
  --api-key KEY               The API key (default: made up, and kept in --db)
  --accept-url URL            The page each mail's accept link points to (?token= is added)
  --invite-validity-days N    How long an invite can be accepted (default 7)
  --strict                    Refuse user ids it has not seen instead of registering them
  --cors-origin ORIGIN        An origin whose pages may call the browser endpoint, besides
                              http://localhost:* and http://127.0.0.1:*; repeat for several
  --app-name NAME             What the mail invites to ("you are invited to join NAME");
                              the tenant's id if absent
  --webhook URL               A URL that receives a POST of each change of an invite (created,
                              resent, canceled, accepted, updated, expired); repeat for several
  --webhook-key KEY           The roq-platform-webhook-key sent with them (default: made up,
                              kept in --db, and printed as ROQ_WEBHOOK_KEY)
  -h, --help                  Show this help

Examples:
  roq-invites emulator --port 4077 --db platform.db
  roq-invites emulator --accept-url http://localhost:3000/invites/accept --webhook http://localhost:3000/api/roq/webhook`,
  },
  send: {
    run: send,
    positionals: 'emails',
    options: {
      csv: { type: 'string' },
      tenant: { type: 'string' },
      from: { type: 'string' },
      locale: { type: 'string' },
      role: { type: 'string', multiple: true },
      'batch-size': { type: 'string' },
      concurrency: { type: 'string' },
      'on-existing': { type: 'string' },
      json: { type: 'boolean' },
      ...CONNECTION,
    },
    help: `Usage: roq-invites send [emails...] [--csv FILE] --tenant ID --from USER_ID [options]

Invites each email given, or each row of a CSV file, into a tenant; the platform mails each
invitee. Prints how many invites were created, skipped, resent and refused, and why each refused
one was, with its CSV line or argument position.

Options:
  --csv FILE             A CSV file with a header row naming its columns: email (required),
                         firstName, lastName, locale, roles (separated by ";"); "-" reads stdin
  --tenant ID            The tenant to invite into (required)
  --from USER_ID         The id of the user who invites: createdByUserId (required)
  --locale L             The mail's language, e.g. en-US, for invites that give none
  --role KEY             A role for invites that give none; repeat it for several
  --batch-size N         Invites per request, 1 to 1000 (default 100)
  --concurrency N        Requests in flight, 1 to 16 (default 4)
  --on-existing MODE     For an email that already has a pending invite in the tenant:
                         error (refuse it; the default), skip (leave it) or resend (mail it again)
  --json                 Print the result, { success, errors }, as JSON on stdout
  -h, --help             Show this help

${CONNECTION_HELP}

Progress goes to stderr: a bar on a terminal, "sent N/M" lines otherwise. Ctrl+C stops after the
requests in flight and reports who was invited.

Examples:
  roq-invites send ada@example.com grace@example.com --tenant acme --from alice --locale en-US
  roq-invites send --csv people.csv --tenant acme --from alice --on-existing skip`,
  },
  list: {
    run: list,
    options: {
      tenant: { type: 'string' },
      status: { type: 'string' },
      email: { type: 'string' },
      limit: { type: 'string' },
      offset: { type: 'string' },
      json: { type: 'boolean' },
      ...CONNECTION,
    },
    help: `Usage: roq-invites list [options]

Prints a table of invites (id, email, status, tenant, created) and how many match in all.

Options:
  --tenant ID            Only this tenant's invites
  --status STATUS        Only pending, accepted, canceled or expired invites
  --email PATTERN        Only emails like PATTERN, ignoring case; % matches any run, _ one character
  --limit N              At most N invites (0 to 1000; default 100)
  --offset N             Skip the first N
  --json                 Print { data, totalCount } as JSON on stdout
  -h, --help             Show this help

${CONNECTION_HELP}

Example:
  roq-invites list --tenant acme --status pending --email '%@example.com'`,
  },
  resend: inviteCommand(
    'resend',
    'resendUserInvite',
    `Mails a pending invite again, with a new link (the old one stops working) and a new validity
period. Prints the invite's email and status.`,
    ', mailed again with a new link',
  ),
  cancel: inviteCommand(
    'cancel',
    'cancelUserInvite',
    "Cancels a pending invite; its link stops working. Prints the invite's email and status.",
  ),
  session: {
    run: session,
    options: {
      tenant: { type: 'string' },
      user: { type: 'string' },
      email: { type: 'string' },
      'first-name': { type: 'string' },
      'last-name': { type: 'string' },
      role: { type: 'string', multiple: true },
      locale: { type: 'string' },
      'expires-in': { type: 'string' },
      json: { type: 'boolean' },
      ...CONNECTION,
    },
    help: `Usage: roq-invites session --tenant ID [--email EMAIL | --user ID] [options]

Signs a development user of a tenant in on the emulator (not the real platform) and prints its
roq-session-token: the cookie a ROQ app reads its user from, and acts as. The user is registered
in the tenant; signing in again with the same email (or --user) is the same user.

Options:
  --tenant ID            The user's tenant (required)
  --email EMAIL          The user's email; the tenant's user with it, or a new one
  --user ID              The user's id, instead of --email
  --first-name NAME      The user's first name
  --last-name NAME       The user's last name
  --role KEY             A role of the user; repeat it for several
  --locale L             The user's locale, e.g. en-US
  --expires-in SECONDS   How long the session lasts (default: the emulator's token lifetime)
  --json                 Print { token, roqUserId, tenantId, accessToken } as JSON
  -h, --help             Show this help

${CONNECTION_HELP}

Prints roq-session-token=..., roqUserId=... and tenantId=..., one per line; set the first as the
app's cookie (in the browser's console: document.cookie = "roq-session-token=...; path=/").

Example:
  roq-invites session --tenant acme --email alice@acme.io --first-name Alice --role owner`,
  },
}

/** `resend` and `cancel`: an operation on one invite, given by its id. */
function inviteCommand(command, operation, description, done = '') {
  return {
    run: async (values, [id]) => {
      const invite = await clientFrom(values, command).roqPlatform[operation]({ userInviteId: id })
      console.log(values.json ? JSON.stringify(invite, null, 2) : `${invite.email}: ${invite.status}${done}`)
      return 0
    },
    positionals: 'invite-id',
    options: { json: { type: 'boolean' }, ...CONNECTION },
    help: `Usage: roq-invites ${command} <invite-id> [options]

${description}

Options:
  --json                 Print the invite as JSON on stdout
  -h, --help             Show this help

${CONNECTION_HELP}

Example:
  roq-invites ${command} 6e57a1c2-0b7e-4d8a-9f1e-2b3c4d5e6f70`,
  }
}

/** A mistake in the command line or its input: exit 2, with a hint to the help. */
class UsageError extends Error {
  constructor(message, command) {
    super(message)
    this.command = command
  }
}

// ---- emulator ----------------------------------------------------------------------------------

async function emulator(values) {
  const days = values['invite-validity-days']
  if (days !== undefined && !(/^\d+(\.\d+)?$/.test(days) && Number(days) > 0)) {
    throw new UsageError(`--invite-validity-days must be a positive number of days, got "${days}"`, 'emulator')
  }
  const running = await startEmulator({
    port: wholeNumber(values.port ?? '4077', '--port', 'emulator'),
    dbPath: values.db,
    environmentId: values['environment-id'],
    apiKey: values['api-key'],
    acceptUrl: values['accept-url'],
    inviteValidityMs: days && Math.round(Number(days) * 24 * 3600 * 1000),
    strict: values.strict,
    corsOrigins: values['cors-origin'],
    appName: values['app-name'],
    webhooks: values.webhook?.map((url) => ({ url })),
    webhookKey: values['webhook-key'],
  })
  // The emulator runs on native threads and does not keep Node alive unless asked to.
  running.ref()
  const stopped = new Promise((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  console.log(`roq-invites emulator listening on ${running.url}`)
  for (const [name, value] of Object.entries(running.env)) console.log(`${name}=${value}`)
  if (values.webhook) console.log(`ROQ_WEBHOOK_KEY=${running.webhookKey}`)
  console.log(`dashboard: ${running.dashboardUrl} (user: the environment id, password: the API key)`)
  console.error('Press Ctrl+C to stop.')
  await stopped
  await running.stop()
  console.error('roq-invites emulator stopped')
  return 0
}

// ---- send --------------------------------------------------------------------------------------

async function send(values, emails) {
  if (emails.length > 0 && values.csv !== undefined)
    throw new UsageError('give emails as arguments or --csv FILE, not both', 'send')
  if (emails.length === 0 && values.csv === undefined)
    throw new UsageError('give the emails to invite, or --csv FILE', 'send')
  if (!values.tenant) throw new UsageError('--tenant ID is required: the tenant to invite into', 'send')
  if (!values.from) throw new UsageError('--from USER_ID is required: the id of the user who invites', 'send')
  const options = {
    batchSize: wholeNumber(values['batch-size'], '--batch-size', 'send'),
    concurrency: wholeNumber(values.concurrency, '--concurrency', 'send'),
    onExisting: values['on-existing'],
  }
  const client = clientFrom(values, 'send')
  const rows =
    values.csv !== undefined ? readCsv(values.csv) : emails.map((email, i) => ({ label: `argument ${i + 1}`, email }))

  const userInvites = rows.map((row) => ({
    createdByUserId: values.from,
    email: row.email,
    firstName: row.firstName,
    lastName: row.lastName,
    locale: row.locale ?? values.locale,
    roles: row.roles ?? values.role,
  }))
  const progress = progressDisplay(process.stderr, rows.length)
  // Ctrl+C stops further batches; the send then rejects with what it did (err.partial).
  const controller = new AbortController()
  const abort = () => controller.abort()
  process.once('SIGINT', abort)
  process.once('SIGTERM', abort)
  let result
  try {
    result = await client.roqPlatform.sendUserInvites(
      { data: { tenantId: values.tenant, userInvites } },
      { ...options, onProgress: progress.update, signal: controller.signal },
    )
  } catch (error) {
    progress.end()
    if (error instanceof RoqError) {
      // A call-level mistake names the entry by its index in the list; name its row as well.
      const row = rows[/^data\.userInvites\[(\d+)\]/.exec(error.message)?.[1]]
      if (row) error.message = `${row.label}: ${error.message}`
      if (error.partial) printResult(error.partial, rows, values.json, true)
    }
    throw error
  } finally {
    process.off('SIGINT', abort)
    process.off('SIGTERM', abort)
  }
  progress.end()
  printResult(result, rows, values.json, false)
  return result.errors.length === 0 ? 0 : 1
}

/** Prints the summary, or the result as JSON. */
function printResult(result, rows, json, stopped) {
  if (json) {
    console.log(JSON.stringify(result, null, 2))
    return
  }
  const count = (outcome) => result.success.filter((invite) => invite.outcome === outcome).length
  const notSent = rows.length - result.success.length - result.errors.length
  const counts = [
    `created ${count('created')}`,
    `skipped ${count('skipped')}`,
    `resent ${count('resent')}`,
    `refused ${result.errors.length}`,
  ]
  if (stopped) counts.push(`not sent ${notSent}`)
  console.log(`${stopped ? 'stopped part way: ' : ''}${counts.join(', ')} (of ${rows.length})`)
  if (result.errors.length > 0) console.log('refused:')
  for (const { index, code, email, error } of result.errors) {
    // The row label says which entry, so the message's own path to it is left out.
    let message = error.replace(`data.userInvites[${index}].`, '')
    if (code === 'DUPLICATE_IN_REQUEST') {
      const first = rows.findIndex((row) => row.email.toLowerCase() === email.toLowerCase())
      if (first >= 0 && first < index) message += ` (first at ${rows[first].label})`
    }
    console.log(`  ${rows[index].label} (${email}): ${code}: ${message}`)
  }
}

/** A progress bar redrawn in place on a terminal; plain "sent N/M" lines elsewhere. */
function progressDisplay(stream, total) {
  if (!stream.isTTY) {
    return { update: ({ completed, total }) => stream.write(`sent ${completed}/${total}\n`), end() {} }
  }
  // Narrower on a narrow terminal: a line that wraps can no longer be redrawn with \r.
  const width = Math.max(10, Math.min(30, (stream.columns ?? 80) - 25))
  const draw = ({ completed, total }) => {
    const share = total > 0 ? completed / total : 1
    const filled = Math.round(share * width)
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled)
    stream.write(`\r${bar} ${String(Math.floor(share * 100)).padStart(3)}% ${completed}/${total}`)
  }
  draw({ completed: 0, total })
  return { update: draw, end: () => stream.write('\r\x1b[2K') }
}

const CSV_COLUMNS = ['email', 'firstName', 'lastName', 'locale', 'roles']

/** The rows of an invite CSV, each with its line number as `label`. */
function readCsv(file) {
  const source = file === '-' ? 'stdin' : file
  let bytes
  try {
    bytes = readFileSync(file === '-' ? 0 : file)
  } catch (error) {
    throw new UsageError(`cannot read --csv ${file}: ${error.message}`, 'send')
  }
  let records
  try {
    records = parse(bytes, { bom: true, info: true, skip_empty_lines: true })
  } catch (error) {
    throw new UsageError(`${source}: ${error.message}`, 'send')
  }
  if (records.length === 0)
    throw new UsageError(
      `${source} is empty; its first line must name the columns, e.g. email,firstName,lastName,locale,roles`,
      'send',
    )
  const [header, ...data] = records
  const names = header.record.map((cell, i) => {
    const name = CSV_COLUMNS.find((column) => column.toLowerCase() === cell.trim().toLowerCase())
    if (!name)
      throw new UsageError(
        `${source}: unknown column "${cell}" (column ${i + 1}); the columns are ${CSV_COLUMNS.join(', ')}`,
        'send',
      )
    return name
  })
  const repeated = names.find((name, i) => names.indexOf(name) !== i)
  if (repeated) throw new UsageError(`${source}: the column "${repeated}" appears twice`, 'send')
  if (!names.includes('email'))
    throw new UsageError(
      `${source}: has no "email" column; the first line must name the columns, e.g. email,firstName`,
      'send',
    )
  if (records.length === 1) throw new UsageError(`${source}: has a header but no rows to invite`, 'send')

  const lines = startLines(bytes, records)
  return data.map(({ record }, i) => {
    // An empty email stays, so the platform refuses that row alone (INVALID_EMAIL).
    const row = { label: `line ${lines[i + 1]}`, email: '' }
    names.forEach((name, j) => {
      const value = record[j].trim()
      if (value === '') return
      row[name] =
        name === 'roles'
          ? value
              .split(';')
              .map((role) => role.trim())
              .filter(Boolean)
          : value
    })
    return row
  })
}

/**
 * The line each record starts on. Counted from the bytes: csv-parse's own `info.lines` is where a
 * record ends, and it counts a CRLF inside quotes as two lines.
 */
function startLines(bytes, records) {
  let line = 1
  let at = 0
  let start = 0
  return records.map(({ info }) => {
    while (bytes[start] === 0x0a || bytes[start] === 0x0d) start++ // blank lines before the record
    for (; at < start; at++) if (bytes[at] === 0x0a || (bytes[at] === 0x0d && bytes[at + 1] !== 0x0a)) line++
    start = info.bytes
    return line
  })
}

// ---- list, resend, cancel ----------------------------------------------------------------------

async function list(values) {
  const filter = {}
  if (values.tenant !== undefined) filter.tenantId = { equalTo: values.tenant }
  if (values.status !== undefined) filter.status = { equalTo: values.status }
  if (values.email !== undefined) filter.email = { iLike: values.email }
  const limit = wholeNumber(values.limit, '--limit', 'list')
  const offset = wholeNumber(values.offset, '--offset', 'list')
  const page = await clientFrom(values, 'list').roqPlatform.userInvites({ filter, limit, offset })
  if (values.json) {
    console.log(JSON.stringify(page, null, 2))
    return 0
  }
  const rows = page.data.map((invite) => [
    invite.id,
    invite.email,
    invite.status,
    invite.tenantId ?? '-',
    invite.createdAt.replace(/\.\d+Z$/, 'Z'),
  ])
  if (rows.length > 0) printTable(['ID', 'EMAIL', 'STATUS', 'TENANT', 'CREATED'], rows)
  console.log(
    `showing ${rows.length} of ${page.totalCount} matching invites${offset ? `, after the first ${offset}` : ''}`,
  )
  return 0
}

function printTable(header, rows) {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)))
  for (const row of [header, ...rows])
    console.log(
      row
        .map((cell, i) => cell.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
}

// ---- session -------------------------------------------------------------------------------------

async function session(values) {
  if (!values.tenant) throw new UsageError('--tenant ID is required: the tenant the user belongs to', 'session')
  if (values.user !== undefined && values.email !== undefined)
    throw new UsageError('give --email or --user, not both', 'session')
  const signedIn = await emulatorFrom(values, 'session').session({
    tenantId: values.tenant,
    userId: values.user,
    email: values.email,
    firstName: values['first-name'],
    lastName: values['last-name'],
    roles: values.role,
    locale: values.locale,
    expiresIn: wholeNumber(values['expires-in'], '--expires-in', 'session'),
  })
  if (values.json) {
    console.log(JSON.stringify(signedIn, null, 2))
    return 0
  }
  console.log(`roq-session-token=${signedIn.token}`)
  console.log(`roqUserId=${signedIn.roqUserId}`)
  console.log(`tenantId=${signedIn.tenantId}`)
  console.error("Set the token as the roq-session-token cookie of your app, e.g. in the browser's console on its page:")
  console.error(`  document.cookie = "roq-session-token=${signedIn.token}; path=/"`)
  return 0
}

// ---- configuration and arguments ---------------------------------------------------------------

const SETTINGS = [
  { option: 'host', variable: 'ROQ_PLATFORM_URL', flag: 'host' },
  { option: 'environmentId', variable: 'ROQ_ENVIRONMENT_ID', flag: 'environment-id' },
  { option: 'apiKey', variable: 'ROQ_API_KEY', flag: 'api-key' },
]

/** The connection settings from the flags, else the environment; a missing one names its variable and flag. */
function settingsFrom(values, command) {
  const settings = Object.fromEntries(
    SETTINGS.map(({ option, variable, flag }) => [option, values[flag] ?? process.env[variable]]),
  )
  const missing = SETTINGS.filter(({ option }) => !settings[option])
  if (missing.length > 0) {
    const variables = andList(missing.map(({ variable }) => variable))
    const flags = andList(missing.map(({ flag }) => `--${flag}`))
    const verb = missing.length > 1 ? 'are not set: set them' : 'is not set: set it'
    throw new UsageError(`${variables} ${verb} in the environment (e.g. in .env.local) or pass ${flags}`, command)
  }
  return settings
}

/** A client of the platform the settings name. */
function clientFrom(values, command) {
  const settings = settingsFrom(values, command)
  return SETTINGS.every(({ flag }) => values[flag] === undefined) ? RoqClient.fromEnv() : new RoqClient(settings)
}

/** The emulator the settings name, through its own endpoints. */
function emulatorFrom(values, command) {
  const { host, environmentId, apiKey } = settingsFrom(values, command)
  return connectEmulator({ url: host, environmentId, apiKey })
}

/** "a", "a and b", "a, b and c". */
function andList(items) {
  return items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items.at(-1)}` : items[0]
}

/** A flag's whole number, or undefined when it is absent; the library checks the range. */
function wholeNumber(value, flag, command) {
  if (value === undefined) return undefined
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} must be a whole number, got "${value}"`, command)
  return Number(value)
}

function parseCommand(name, args) {
  const { options, positionals: takes } = COMMANDS[name]
  let parsed
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true })
  } catch (error) {
    const unknown = /^Unknown option '([^']+)'/.exec(error.message)
    throw new UsageError(unknown ? `unknown option ${unknown[1]}` : error.message.replace(/\s*\n/g, ' '), name)
  }
  const { values, positionals } = parsed
  // The values are not echoed: a stray argument may be a secret pasted in the wrong place.
  if (!takes && positionals.length > 0)
    throw new UsageError(`${name} takes no arguments, got ${positionals.length}`, name)
  if (takes === 'invite-id' && positionals.length !== 1)
    throw new UsageError(`${name} takes one invite id, got ${positionals.length}`, name)
  return { values, positionals }
}

async function main(args) {
  const [name, ...rest] = args
  const beforeEnd = (list) => (list.includes('--') ? list.slice(0, list.indexOf('--')) : list)
  if (name === undefined) {
    console.error(MAIN_HELP)
    return 2
  }
  if (name === '-h' || name === '--help' || (name === 'help' && rest.length === 0)) {
    console.log(MAIN_HELP)
    return 0
  }
  const helpFor = name === 'help' ? rest[0] : name
  if (!Object.hasOwn(COMMANDS, helpFor)) {
    if (helpFor.startsWith('-')) throw new UsageError(`unknown option ${helpFor}; options go after the command`)
    throw new UsageError(`unknown command "${helpFor}"; the commands are ${Object.keys(COMMANDS).join(', ')}`)
  }
  const command = COMMANDS[helpFor]
  if (name === 'help' || beforeEnd(rest).some((arg) => arg === '-h' || arg === '--help')) {
    console.log(command.help)
    return 0
  }
  const { values, positionals } = parseCommand(name, rest)
  return command.run(values, positionals)
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error) => {
    if (error instanceof UsageError) {
      console.error(`roq-invites: ${error.message}`)
      console.error(`Run "roq-invites ${error.command ? `${error.command} ` : ''}--help" for usage.`)
      process.exitCode = 2
    } else if (error instanceof RoqError) {
      console.error(`roq-invites: ${error.message} (${error.code})`)
      // INVALID_ARGUMENT: something given was wrong and nothing was sent, as with a usage error.
      process.exitCode = error.code === 'INVALID_ARGUMENT' ? 2 : 1
    } else {
      console.error(`roq-invites: ${error?.stack ?? error}`)
      process.exitCode = 1
    }
  },
)
