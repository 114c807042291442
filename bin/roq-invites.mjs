#!/usr/bin/env node
// roq-invites: the package's command line. Each command is a file of lib/cli/commands/ (its
// table, its help and its run); this entry picks the command, shows a help, and turns the outcome
// into the exit code: 0 done, 1 an invite was refused or a call failed, 2 a usage error (nothing
// was sent).
import { RoqError } from '../index.js'
import { parse, toolUsage, usage } from '../lib/cli/command.js'
import cancel from '../lib/cli/commands/cancel.js'
import emulator from '../lib/cli/commands/emulator.js'
import emulatorExec from '../lib/cli/commands/emulator-exec.js'
import list from '../lib/cli/commands/list.js'
import resend from '../lib/cli/commands/resend.js'
import requests from '../lib/cli/commands/requests.js'
import reset from '../lib/cli/commands/reset.js'
import send from '../lib/cli/commands/send.js'
import session from '../lib/cli/commands/session.js'
import webhooks from '../lib/cli/commands/webhooks.js'
import { connectionNote } from '../lib/cli/connection.js'
import { complain } from '../lib/cli/terminal.js'
import { UsageError } from '../lib/cli/usage-error.js'

const COMMANDS = [emulator, send, list, resend, cancel, session, emulatorExec, reset, webhooks, requests]

const TOOL_HELP = toolUsage({
  description: 'Invite users into a ROQ Platform tenant and manage their invites.',
  commands: COMMANDS,
  notes: [connectionNote(COMMANDS), 'Exit codes: 0 done, 1 an invite was refused or a call failed, 2 a usage error.'],
  examples: [
    'roq-invites emulator --db platform.db      # then paste its ROQ_* lines into .env.local\n' +
      'roq-invites send ada@example.com --tenant acme --from alice',
  ],
})

async function main(args) {
  const [name, ...rest] = args
  const beforeEnd = (list) => (list.includes('--') ? list.slice(0, list.indexOf('--')) : list)
  if (name === undefined) {
    console.error(TOOL_HELP)
    return 2
  }
  if (name === '-h' || name === '--help' || (name === 'help' && rest.length === 0)) {
    console.log(TOOL_HELP)
    return 0
  }
  const words = name === 'help' ? rest : args
  const wanted = words[0]
  // A command's name is one word or two (`emulator exec`): the longest that the words start with.
  const command = COMMANDS.filter((c) => c.name.split(' ').every((word, i) => words[i] === word)).sort(
    (a, b) => b.name.length - a.name.length,
  )[0]
  if (!command) {
    if (wanted.startsWith('-')) throw new UsageError(`unknown option ${wanted}; options go after the command`)
    const names = [...new Set(COMMANDS.map((c) => c.name.split(' ')[0]))]
    throw new UsageError(`unknown command "${wanted}"; the commands are ${names.join(', ')}`)
  }
  const given = args.slice(command.name.split(' ').length)
  // Before parsing: `send --bogus --help` shows the help rather than refusing --bogus.
  if (name === 'help' || beforeEnd(given).some((arg) => arg === '-h' || arg === '--help')) {
    console.log(usage(command))
    return 0
  }
  const { values, positionals } = parse(command, given)
  return command.run(values, positionals)
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error) => {
    // Messages quote what was given and what the platform said: printed as text, never as
    // control sequences.
    if (error instanceof UsageError) {
      complain(`roq-invites: ${error.message}`)
      console.error(`Run "roq-invites ${error.command ? `${error.command} ` : ''}--help" for usage.`)
      process.exitCode = 2
    } else if (error instanceof RoqError) {
      complain(`roq-invites: ${error.message} (${error.code})`)
      // INVALID_ARGUMENT: something given was wrong and nothing was sent, as with a usage error.
      process.exitCode = error.code === 'INVALID_ARGUMENT' ? 2 : 1
    } else {
      for (const line of `roq-invites: ${error?.stack ?? error}`.split('\n')) complain(line)
      process.exitCode = 1
    }
  },
)
