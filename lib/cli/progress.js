'use strict'

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

module.exports = { progressDisplay }
