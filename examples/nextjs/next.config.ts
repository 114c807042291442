import type { NextConfig } from 'next'

const nextConfig: NextConfig = {
  // roq-invites is a native addon: Next must load it with Node's require instead of bundling it.
  serverExternalPackages: ['roq-invites'],
  // A folder that runs on its own (node server.js), with the addon and its native package traced
  // into it: what the Dockerfile ships.
  output: 'standalone',
}

export default nextConfig
