'use server'

import { revalidatePath } from 'next/cache'
import { inviteOne } from '@/lib/roq'

export type InviteState =
  | { ok: true; email: string; outcome: string }
  | { ok: false; code: string; message: string }
  | null

/** The form's server action: invites the address, then re-renders the page's list. */
export async function invite(_previous: InviteState, form: FormData): Promise<InviteState> {
  const email = String(form.get('email') ?? '').trim()
  const firstName = String(form.get('firstName') ?? '').trim() || undefined
  if (!email) return { ok: false, code: 'INVALID_BODY', message: 'Enter an email address.' }

  const outcome = await inviteOne(email, firstName)
  if (!outcome.ok) return { ok: false, ...outcome.error }
  revalidatePath('/')
  return { ok: true, email: outcome.invite.email, outcome: outcome.invite.outcome }
}
