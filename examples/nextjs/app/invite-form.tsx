'use client'

import { useActionState } from 'react'
import { invite, type InviteState } from './actions'

export function InviteForm() {
  const [state, action, pending] = useActionState<InviteState, FormData>(invite, null)
  return (
    // noValidate: the platform's rules decide what a valid address is, and the refusal is shown.
    <form action={action} noValidate data-testid="invite-form">
      <input name="email" type="email" placeholder="ada@example.com" required data-testid="email-input" />
      <input name="firstName" placeholder="First name (optional)" data-testid="first-name-input" />
      <button type="submit" disabled={pending} data-testid="invite-submit">
        {pending ? 'Inviting…' : 'Invite'}
      </button>
      {state?.ok === true && (
        <p role="status" data-testid="invite-result" data-ok="true">
          {state.email}: {state.outcome}
        </p>
      )}
      {state?.ok === false && (
        <p role="alert" data-testid="invite-result" data-ok="false" data-code={state.code}>
          {state.message}
        </p>
      )}
    </form>
  )
}
