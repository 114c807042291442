'use client'

import { useActionState, useEffect, useState } from 'react'

import type { InviteResult } from '@/lib/invites'
import { inviteAction, type InviteFormState } from './actions'

/** Told when invites were sent, so that the list shows them at once. */
export const INVITES_CHANGED = 'invites-changed'

/** What a row's result says, in the words of the page; the platform's own text is its title. */
function said(result: InviteResult): string {
  if (result.ok)
    return { created: 'Invited', resent: 'Invite mailed again', skipped: 'Already invited' }[result.outcome]
  const reasons: Record<string, string> = {
    INVALID_EMAIL: 'Not an email address',
    ALREADY_INVITED: 'Already invited to this tenant',
    DUPLICATE_IN_REQUEST: 'Listed twice',
  }
  return reasons[result.code] ?? result.message
}

export function InviteForm() {
  const [state, action, pending] = useActionState<InviteFormState | null, FormData>(inviteAction, null)
  const [rows, setRows] = useState(3)
  useEffect(() => {
    if (state?.results.some((result) => result?.ok)) window.dispatchEvent(new Event(INVITES_CHANGED))
  }, [state])
  return (
    // noValidate: the platform's rules decide what a valid address is, and its refusal is shown.
    <form action={action} noValidate data-testid="invite-form">
      {Array.from({ length: Math.max(rows, state?.entries.length ?? 0) }, (_, row) => {
        const entry = state?.entries[row]
        const result = state?.results[row]
        // Keyed by the answer: the rows show what was sent beside what became of it.
        return (
          <div className="row" key={`${state?.sentAt ?? 0}-${row}`} data-testid="invite-row">
            <input
              name="email"
              type="email"
              placeholder="Email address"
              aria-label={`Email ${row + 1}`}
              defaultValue={entry?.email}
            />
            <input
              name="firstName"
              placeholder="First name (optional)"
              aria-label={`First name ${row + 1}`}
              defaultValue={entry?.firstName}
            />
            <span
              className={`result ${result ? (result.ok ? 'ok' : 'bad') : ''}`}
              data-testid="row-result"
              data-ok={result ? String(result.ok) : undefined}
              data-code={result && !result.ok ? result.code : undefined}
              title={result && !result.ok ? result.message : undefined}
            >
              {result ? `${result.ok ? '✓' : '✗'} ${said(result)}` : ''}
            </span>
          </div>
        )
      })}
      <div className="actions">
        <button type="submit" disabled={pending} data-testid="invite-submit">
          {pending ? 'Inviting…' : 'Send invites'}
        </button>
        <button type="button" className="quiet" onClick={() => setRows((n) => n + 1)}>
          Add a row
        </button>
      </div>
      {state?.failure && (
        <p role="alert" className="result bad" data-testid="invite-failure" data-code={state.failure.code}>
          {state.failure.message}
        </p>
      )}
    </form>
  )
}
