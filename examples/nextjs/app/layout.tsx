import type { ReactNode } from 'react'

import { signedIn } from '@/lib/roq/roq-server-client'
import { signOutAction } from './actions'
import './globals.css'

export const metadata = { title: 'Team invites · roq-invites with Next.js' }

export default async function RootLayout({ children }: { children: ReactNode }) {
  const user = await signedIn()
  return (
    <html lang="en">
      <body>
        <header className="top">
          <span className="app">Team invites</span>
          {user && (
            <>
              <span className="who" data-testid="signed-in-as">
                {user.session.user.firstName ?? user.session.user.email ?? user.session.roqUserId} · tenant{' '}
                <strong>{user.session.tenantId}</strong>
              </span>
              <form action={signOutAction}>
                <button className="quiet" type="submit" data-testid="sign-out">
                  Sign out
                </button>
              </form>
            </>
          )}
        </header>
        {children}
      </body>
    </html>
  )
}
