'use strict'

// The base of every command, after npm's base-cmd: a command is a plain object (one file in
// lib/cli/commands/) with its name, a summary, a description, its positionals, its option table,
// notes, examples and run(values, positionals). From that one table come its --help, its line in
// the tool's help and the parsing of its argv (util.parseArgs), so the help cannot list a flag
// the parser refuses, or leave out one it takes.
//
// Positionals: { name, multiple? } or, for a command to run (`-- <command> [args...]`), { name,
// afterEnd: true }.
//
// An option: { name, type: 'string' | 'boolean', multiple?, valueName?, help, default?,
// required?, section? }. `default` is what applies when the flag is absent, shown in the help;
// the library (or, for the emulator, the conversion of its flags) applies it, not the parser.
// `section` puts the option under a heading of its own (the connection flags).

const { parseArgs } = require('node:util')

const { UsageError } = require('./usage-error.js')

const TOOL = 'roq-invites'
// The width the help is wrapped to: it reads the same on any terminal, and in a file.
const WIDTH = 100
const HELP_OPTION = { name: 'help', short: 'h', type: 'boolean', help: 'Show this help' }

/** The command's --help. */
function usage(command) {
  const sections = new Map([['Options', []]])
  for (const option of command.options) {
    const title = option.section ?? 'Options'
    sections.set(title, [...(sections.get(title) ?? []), option])
  }
  sections.get('Options').push(HELP_OPTION)
  const labels = command.options.map(optionLabel)
  const column = Math.max(25, ...labels.map((label) => label.length + 4))
  const lists = [...sections].map(([title, options]) =>
    [`${title}:`, ...options.map((option) => entry(optionLabel(option), describeOption(option), column))].join('\n'),
  )
  const required = command.options.filter((option) => option.required).map(optionUsage)
  const { afterEnd } = command.positionals ?? {}
  const positionals = positionalsUsage(command)
  const line = [`Usage: ${TOOL} ${command.name}`, afterEnd ? '' : positionals, ...required, '[options]']
  if (afterEnd) line.push(positionals, '[args...]')
  return [
    line.filter(Boolean).join(' '),
    wrap(command.description),
    ...lists,
    ...(command.notes ?? []).map((note) => wrap(note)),
    examples(command.examples),
  ].join('\n\n')
}

/** The tool's help: its commands, each with its summary, from their tables. */
function toolUsage({ description, commands, notes, examples: given }) {
  const labels = commands.map((command) => [command.name, positionalsUsage(command)].filter(Boolean).join(' '))
  const column = Math.max(24, ...labels.map((label) => label.length + 4))
  return [
    `Usage: ${TOOL} <command> [options]`,
    wrap(description),
    ['Commands:', ...commands.map((command, i) => entry(labels[i], command.summary, column))].join('\n'),
    ['Options:', entry('-h, --help', `Show this help; \`${TOOL} <command> --help\` shows a command's`, column)].join(
      '\n',
    ),
    ...notes.map((note) => wrap(note)),
    examples(given),
  ].join('\n\n')
}

/**
 * The flags and positionals of `args`, checked against the command's table: an unknown flag, a
 * flag without its value, the wrong number of positionals or a missing required flag is a
 * UsageError.
 */
function parse(command, args) {
  const options = Object.fromEntries(
    command.options.map(({ name, type, multiple }) => [name, multiple ? { type, multiple } : { type }]),
  )
  const takes = command.positionals
  // A command to run comes after `--`, with its own flags, which are not ours to parse.
  const end = takes?.afterEnd ? args.indexOf('--') : -1
  // Without --, the command's own flags would read as unknown ones of ours: say what is missing.
  if (takes?.afterEnd && end === -1) throw missingCommand(command)
  let parsed
  try {
    parsed = parseArgs({ args: end === -1 ? args : args.slice(0, end), options, allowPositionals: true, strict: true })
  } catch (error) {
    const unknown = /^Unknown option '([^']+)'/.exec(error.message)
    throw new UsageError(unknown ? `unknown option ${unknown[1]}` : error.message.replace(/\s*\n/g, ' '), command.name)
  }
  const { values, positionals } = parsed
  const after = end === -1 ? [] : args.slice(end + 1)
  // The values are not echoed: a stray argument may be a secret pasted in the wrong place.
  if (takes?.afterEnd && (positionals.length > 0 || after.length === 0)) throw missingCommand(command)
  if (!takes && positionals.length > 0)
    throw new UsageError(`${command.name} takes no arguments, got ${positionals.length}`, command.name)
  if (takes && !takes.multiple && !takes.afterEnd && positionals.length !== 1)
    throw new UsageError(
      `${command.name} takes one ${takes.name.replaceAll('-', ' ')}, got ${positionals.length}`,
      command.name,
    )
  for (const option of command.options) {
    // The help line says what the flag is for; the message says it again, as a reason.
    if (option.required && !values[option.name])
      throw new UsageError(`${optionUsage(option)} is required: ${lowerFirst(option.help)}`, command.name)
  }
  return { values, positionals: takes?.afterEnd ? after : positionals }
}

const missingCommand = (command) =>
  new UsageError(
    `give the ${command.positionals.name} to run after --, e.g. ${TOOL} ${command.name} -- npm test`,
    command.name,
  )

/**
 * `<invite-id>` for exactly one, `[emails...]` for any number, `-- <command>` for a command to
 * run, or the command's own `usage`.
 */
function positionalsUsage({ positionals }) {
  if (!positionals) return ''
  if (positionals.afterEnd) return `-- <${positionals.name}>`
  // A command with actions (`webhooks list | redeliver <id>`) says them itself.
  if (positionals.usage) return positionals.usage
  return positionals.multiple ? `[${positionals.name}...]` : `<${positionals.name}>`
}

/** `--tenant ID`, `--strict`. */
const optionUsage = (option) => [`--${option.name}`, option.valueName].filter(Boolean).join(' ')

/** The option as its line in the help starts: `--csv FILE`, `-h, --help`. */
const optionLabel = (option) => (option.short ? `-${option.short}, ` : '') + optionUsage(option)

/** The help line, marked required or with its default as clap marks them: the emulator's two helps read alike. */
function describeOption(option) {
  const required = option.required ? ' [required]' : ''
  const fallback = option.default !== undefined ? ` [default: ${option.default}]` : ''
  return option.help + required + fallback
}

/** `label`, padded to `column`, then the text wrapped under itself. */
function entry(label, text, column) {
  const indent = ' '.repeat(column)
  // A label too long for its column puts the text on the next line.
  const first = label.length + 3 > column ? `  ${label}\n${indent}` : `  ${label}`.padEnd(column)
  return first + wrap(text, column).slice(column)
}

/** The examples; one of several steps is one string of several lines. */
function examples(given) {
  const lines = given.flatMap((example) => example.split('\n')).map((line) => `  ${line}`)
  return [given.length > 1 ? 'Examples:' : 'Example:', ...lines].join('\n')
}

/**
 * Prose wrapped to WIDTH, every line indented by `indent` columns; a blank line keeps paragraphs
 * apart, and a line break inside one is a space (the sources wrap by hand).
 */
function wrap(text, indent = 0) {
  const room = WIDTH - indent
  return text
    .split(/\n\s*\n/)
    .map((paragraph) => {
      const lines = []
      let line = ''
      for (const word of paragraph.split(/\s+/).filter(Boolean)) {
        if (line && line.length + 1 + word.length > room) {
          lines.push(line)
          line = word
        } else line = line ? `${line} ${word}` : word
      }
      lines.push(line)
      return lines.map((l) => ' '.repeat(indent) + l).join('\n')
    })
    .join('\n\n')
}

const lowerFirst = (text) => text[0].toLowerCase() + text.slice(1)

module.exports = { usage, toolUsage, parse }
