'use strict'

// The invite CSV of `send --csv`: a header row naming the columns, then one invite a row.

const { isUtf8 } = require('node:buffer')
const { readFileSync } = require('node:fs')

const { parse } = require('csv-parse/sync')

const { printable } = require('./terminal.js')
const { UsageError } = require('./usage-error.js')

const CSV_COLUMNS = ['email', 'firstName', 'lastName', 'locale', 'roles']

/** The rows of an invite CSV ("-" for stdin), each with its line number as `label`. */
function readCsv(file) {
  const source = file === '-' ? 'stdin' : file
  let bytes
  try {
    bytes = readFileSync(file === '-' ? 0 : file)
  } catch (error) {
    throw new UsageError(`cannot read --csv ${file}: ${error.message}`, 'send')
  }
  bytes = asUtf8(bytes, source, file)
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
 * The file as UTF-8, which it must be (with or without its byte order mark), or UTF-16 with one,
 * as Excel's "Unicode Text" is. Anything else is refused, not decoded with U+FFFD in place of
 * each letter it cannot read: a Latin-1 "René" would be invited as "Ren\uFFFD".
 */
function asUtf8(bytes, source, file) {
  const utf16 = { 0xfffe: 'utf-16le', 0xfeff: 'utf-16be' }[bytes.length >= 2 && bytes.readUInt16BE(0)]
  if (utf16) {
    try {
      return Buffer.from(new TextDecoder(utf16, { fatal: true }).decode(bytes.subarray(2)))
    } catch {
      throw new UsageError(`${source}: starts as ${utf16.toUpperCase()} but is not; save it as UTF-8`, 'send')
    }
  }
  if (isUtf8(bytes)) return bytes
  // A line break never occurs inside a UTF-8 character: the first line that is not UTF-8 is where
  // the file stops being so.
  const lines = []
  for (let start = 0, end; start <= bytes.length; start = end + 1) {
    end = bytes.indexOf(0x0a, start)
    if (end === -1) end = bytes.length
    lines.push(bytes.subarray(start, end))
  }
  const bad = lines.findIndex((line) => !isUtf8(line))
  const shown = printable(new TextDecoder().decode(lines[bad]).trimEnd().slice(0, 80))
  throw new UsageError(
    `${source}: line ${bad + 1} is not UTF-8 ("${shown}"); the file was saved in another encoding, ` +
      'such as Latin-1 or Windows-1252. Save it as UTF-8 (in Excel: Save As, "CSV UTF-8"), or convert ' +
      `it: iconv -f WINDOWS-1252 -t UTF-8 ${file} > utf8.csv`,
    'send',
  )
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

module.exports = { CSV_COLUMNS, readCsv }
