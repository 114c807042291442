import { redirect } from 'next/navigation'

import { signedIn } from '@/lib/roq/roq-server-client'
import { InviteForm } from './invite-form'
import { InvitesList } from './invites-list'

// Per request (the session), never at build time.
export const dynamic = 'force-dynamic'

export default async function Home() {
  const user = await signedIn()
  if (!user) redirect('/sign-in')
  const { session } = user
  return (
    <main>
      <section className="card">
        <h1>Invite people to {session.tenantId}</h1>
        <p className="muted">
          Each one gets a mail with a link to accept. They join {session.tenantId}, invited by{' '}
          {session.user.firstName ?? session.user.email ?? session.roqUserId}.
        </p>
        <InviteForm />
      </section>
      <section className="card">
        <h2>Invites of {session.tenantId}</h2>
        <InvitesList tenantId={session.tenantId} />
      </section>
    </main>
  )
}
