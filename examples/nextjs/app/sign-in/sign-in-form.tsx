'use client'

import { useActionState } from 'react'

import { signInAction, type SignInState } from './actions'

export function SignInForm() {
  const [state, action, pending] = useActionState<SignInState, FormData>(signInAction, null)
  return (
    <form action={action} className="stack" data-testid="sign-in-form">
      <label>
        Email
        <input name="email" type="email" placeholder="alice@acme.io" required />
      </label>
      <label>
        First name
        <input name="firstName" placeholder="Alice" />
      </label>
      <label>
        Tenant
        <input name="tenantId" defaultValue="acme" required />
      </label>
      <div className="actions">
        <button type="submit" disabled={pending} data-testid="sign-in-submit">
          {pending ? 'Signing in…' : 'Sign in'}
        </button>
      </div>
      {state && (
        <p role="alert" className="result bad">
          {state.message}
        </p>
      )}
    </form>
  )
}
