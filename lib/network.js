'use strict'

// How the client reaches the platform: as Node itself would. HTTPS trusts the certificates Node
// trusts in this process, so that the addon needs no CA bundle on the machine (slim images have
// none) and trusts a proxy that re-signs TLS exactly when Node does (NODE_EXTRA_CA_CERTS). A proxy
// is used only where Node 24 would use one: when NODE_USE_ENV_PROXY=1 or --use-env-proxy asks for
// HTTPS_PROXY / HTTP_PROXY, with NO_PROXY's hosts going direct.

const { readFileSync } = require('node:fs')

const { invalidArgument } = require('./errors.js')
const { binding, call } = require('./native.js')

let roots

/** The native roots for HTTPS clients: read and parsed once, then shared by every client. */
function nodeRoots() {
  roots ??= call(() => binding.trustedRoots(...nodeCertificates()))
  return roots
}

/** `[certificates, machineStore]`: the PEM certificates Node trusts, and whether it trusts OpenSSL's store too. */
function nodeCertificates() {
  // Loaded here, not with the package: node:tls costs a process that never makes an https client.
  const tls = require('node:tls')
  if (typeof tls.getCACertificates === 'function') {
    // Node 22.15 and newer say what they trust: the bundled roots, NODE_EXTRA_CA_CERTS, and the
    // system store under --use-system-ca. Under --use-openssl-ca, the bundled roots are left out
    // for OpenSSL's store, which Node does not list.
    const trusted = tls.getCACertificates('default')
    const [firstBundled] = tls.getCACertificates('bundled')
    return [trusted, firstBundled !== undefined && !trusted.includes(firstBundled)]
  }
  // Node 20 and 22.14: the bundled roots (OpenSSL's store instead under --use-openssl-ca), and
  // NODE_EXTRA_CA_CERTS, which Node reads once at start-up and skips when it cannot.
  const machineStore = nodeFlag('--use-openssl-ca')
  const extra = process.env.NODE_EXTRA_CA_CERTS
  let extraCertificates = []
  try {
    if (extra) extraCertificates = [readFileSync(extra, 'utf8')]
  } catch {}
  return [[...(machineStore ? [] : tls.rootCertificates), ...extraCertificates], machineStore]
}

/** Whether Node was given `flag`, in NODE_OPTIONS or on its command line. */
const nodeFlag = (flag) => [...(process.env.NODE_OPTIONS ?? '').split(/\s+/), ...process.execArgv].includes(flag)

/**
 * `[roots, proxy]` for a client of `host`: Node's roots if it is https (a plain-HTTP local
 * platform needs none, and reads nothing), and the proxy Node would use for it. An unreadable
 * host gives neither: the native side names what is wrong with it.
 */
function networkFor(host, env = process.env) {
  const url = parseUrl(host)
  return url ? [url.protocol === 'https:' ? nodeRoots() : undefined, nodeProxy(url, env)] : []
}

/** Node's roots if any of `urls` is https (the emulator's webhook receivers), else none. */
const rootsFor = (urls) => (urls.some((url) => parseUrl(url)?.protocol === 'https:') ? nodeRoots() : undefined)

/** `text` as a URL, or undefined (Node 20 has no URL.parse). */
function parseUrl(text) {
  try {
    return new URL(text)
  } catch {
    return undefined
  }
}

/**
 * The proxy URL Node would use for `url`, or undefined. Node's own rules (Node 24's http): the
 * lower-case variable first; NO_PROXY entries are `*`, a host, `host:port`, a domain suffix
 * (`.example.com`, `*.example.com`) or an IPv4 range (`10.0.0.0-10.0.0.255`).
 */
function nodeProxy(url, env) {
  if (env.NODE_USE_ENV_PROXY !== '1' && !nodeFlag('--use-env-proxy')) return undefined
  const https = url.protocol === 'https:'
  const [lower, upper] = https ? ['https_proxy', 'HTTPS_PROXY'] : ['http_proxy', 'HTTP_PROXY']
  const name = env[lower] ? lower : upper
  const proxy = env[name]
  // Node ignores a proxy of another scheme (socks5://…), leaving it to other code.
  if (!proxy || !/^https?:\/\//.test(proxy)) return undefined
  if (!URL.canParse(proxy)) {
    throw invalidArgument(`${name} is not a URL (NODE_USE_ENV_PROXY is set): set it like http://proxy.example.com:3128`)
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase()
  const port = url.port || (https ? '443' : '80')
  const bypass = (env.no_proxy || env.NO_PROXY || '').split(',').map((entry) => entry.trim().toLowerCase())
  return bypass.some((entry) => entry && bypasses(entry, host, port)) ? undefined : proxy
}

function bypasses(entry, host, port) {
  if (entry === '*' || entry === host || entry === `${host}:${port}`) return true
  if (entry.startsWith('.') && (host === entry.slice(1) || host.endsWith(entry))) return true
  if (entry.startsWith('*.') && host.endsWith(entry.slice(1))) return true
  const [start, end] = entry.split('-').map((ip) => ip.trim())
  const { isIPv4 } = require('node:net')
  return end !== undefined && [host, start, end].every((ip) => isIPv4(ip)) && within(host, start, end)
}

const ipv4 = (ip) => ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0)
const within = (ip, start, end) => ipv4(start) <= ipv4(ip) && ipv4(ip) <= ipv4(end)

module.exports = { networkFor, rootsFor }
