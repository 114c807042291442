import type { NextConfig } from 'next'

const nextConfig: NextConfig = {
  // roq-invites is a native addon: Next must load it with Node's require instead of bundling it.
  serverExternalPackages: ['roq-invites'],
}

export default nextConfig
