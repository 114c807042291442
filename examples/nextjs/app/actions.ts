'use server'

import { redirect } from 'next/navigation'

import { failure, invite, type InviteResult } from '@/lib/invites'
import { signOut } from '@/lib/roq/dev-sign-in'
import { signedIn } from '@/lib/roq/roq-server-client'

export interface InviteFormState {
  /** What each row held, so that the form shows it again beside its result. */
  entries: Array<{ email: string; firstName: string }>
  /** Each row's result, `null` for an empty row. */
  results: Array<InviteResult | null>
  /** Why the whole call failed, if it did. */
  failure?: { code: string; message: string }
  /** When it was sent: a new answer re-renders the rows even when it is the same as the last. */
  sentAt: number
}

/**
 * The invite form's server action: one invite per filled-in row, sent in one call. Each row gets
 * its own result back, so a refused address shows beside its entry while the others are sent.
 */
export async function inviteAction(_previous: InviteFormState | null, form: FormData): Promise<InviteFormState> {
  const user = await signedIn()
  if (!user) redirect('/sign-in')
  const firstNames = form.getAll('firstName')
  const entries = form
    .getAll('email')
    .map((email, row) => ({ email: String(email).trim(), firstName: String(firstNames[row] ?? '').trim() }))
  const rows = entries.flatMap((entry, row) => (entry.email ? [{ row, ...entry }] : []))
  const state: InviteFormState = { entries, results: entries.map(() => null), sentAt: Date.now() }
  if (rows.length === 0)
    return { ...state, failure: { code: 'NOTHING_TO_SEND', message: 'Enter at least one email address.' } }
  try {
    const results = await invite(
      user,
      rows.map(({ email, firstName }) => ({ email, firstName: firstName || undefined })),
    )
    rows.forEach(({ row }, i) => (state.results[row] = results[i] ?? null))
    return state
  } catch (error) {
    const { code, message } = failure(error)
    return { ...state, failure: { code, message } }
  }
}

export async function signOutAction(): Promise<void> {
  await signOut()
  redirect('/sign-in')
}
