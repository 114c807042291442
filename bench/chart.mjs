// bench/chart.svg: one row of bars per headline metric, one bar per client (medians).

const PANELS = [
  ['load.loadMs', 'Cold start: load the package (ms, lower is better)'],
  ['single.p50Ms', 'One invite per call: p50 latency (ms, lower is better)'],
  ['bulk.invitesPerSec', '10,000 invites in one send: invites/s (higher is better)'],
  ['bulk.mainThreadUtilization', 'During that send: main-thread utilisation (lower is better)'],
  [
    'pinned.cpuUsPerInvite',
    'The same send, emulator and client on a core each: CPU per invite of the client (µs, lower is better)',
  ],
  ['concurrent.wallMs', '200 concurrent calls: wall time (ms, lower is better)'],
]
const COLORS = {
  'roq-invites': '#2563eb',
  '@roq/nodejs': '#9ca3af',
  fetch: '#d1d5db',
  'rust alone': '#93c5fd',
  'emulator alone': '#bfdbfe',
}
const escape = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;')

export function chart({ medians, machine, date }) {
  const width = 860
  const label = 150
  const barHeight = 18
  let y = 40
  const parts = [
    `<text x="10" y="22" font-size="15" font-weight="bold">roq-invites vs @roq/nodejs vs fetch — ${escape(machine.cpus)} × ${escape(machine.cpu)}, Node ${escape(machine.node)}, ${escape(date.slice(0, 10))}</text>`,
  ]
  for (const [key, title] of PANELS) {
    const bars = Object.entries(medians[key] ?? {}).filter(([, value]) => Number.isFinite(value))
    if (bars.length === 0) continue
    const max = Math.max(...bars.map(([, value]) => value))
    parts.push(`<text x="10" y="${y + 14}" font-size="13" font-weight="bold">${escape(title)}</text>`)
    y += 22
    for (const [client, value] of bars) {
      const length = Math.max(1, ((width - label - 110) * value) / max)
      parts.push(
        `<text x="10" y="${y + 13}" font-size="12">${escape(client)}</text>`,
        `<rect x="${label}" y="${y}" width="${length.toFixed(1)}" height="${barHeight}" fill="${COLORS[client] ?? '#6b7280'}"/>`,
        `<text x="${(label + length + 6).toFixed(1)}" y="${y + 13}" font-size="12">${figure(value)}</text>`,
      )
      y += barHeight + 4
    }
    y += 12
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" font-family="sans-serif">\n<rect width="100%" height="100%" fill="white"/>\n${parts.join('\n')}\n</svg>\n`
}

/** 3 significant figures, with thousands grouped rather than in e-notation. */
export function figure(value) {
  return Number(value.toPrecision(3)).toLocaleString('en-US', { maximumFractionDigits: 3 })
}
