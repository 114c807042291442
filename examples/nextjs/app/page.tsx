import type { UserInvite } from 'roq-invites'
import { listInvites } from '@/lib/roq'
import { InviteForm } from './invite-form'

// Read the invites on every request (and never at build time).
export const dynamic = 'force-dynamic'

export default async function Home() {
  let invites: UserInvite[] = []
  let failure: string | undefined
  try {
    invites = await listInvites()
  } catch (error) {
    // Still render the form; say why the list is missing.
    failure = error instanceof Error ? error.message : String(error)
  }
  return (
    <main>
      <h1>Invite a user into tenant {process.env.ROQ_TENANT_ID}</h1>
      <InviteForm />
      <h2>Invites</h2>
      {failure ? (
        <p role="alert" data-testid="invites-error">
          Could not list the invites: {failure}
        </p>
      ) : invites.length === 0 ? (
        <p data-testid="no-invites">No invites yet.</p>
      ) : (
        <ul data-testid="invites">
          {invites.map((invite) => (
            <li key={invite.id} data-testid="invite" data-email={invite.email} data-status={invite.status}>
              <span data-testid="invite-email">{invite.email}</span> — <span data-testid="invite-status">{invite.status}</span>
            </li>
          ))}
        </ul>
      )}
    </main>
  )
}
