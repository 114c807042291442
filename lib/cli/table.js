'use strict'

const { printable } = require('./terminal.js')

/** Prints rows of text under a header, each column as wide as its widest cell (as it prints). */
function printTable(header, rows) {
  const cells = rows.map((row) => row.map(printable))
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((row) => row[i].length)))
  for (const row of [header, ...cells])
    console.log(
      row
        .map((cell, i) => cell.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
}

module.exports = { printTable }
