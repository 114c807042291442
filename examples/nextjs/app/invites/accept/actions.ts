'use server'

import { redirect } from 'next/navigation'

import { accept, type LinkState } from '@/lib/invite-link'
import { devSignIn } from '@/lib/roq/dev-sign-in'

/** The accept button's POST: the only place an invite is accepted. */
export async function acceptAction(_previous: LinkState | null, form: FormData): Promise<LinkState> {
  return accept(String(form.get('token') ?? ''))
}

/**
 * After accepting, ROQ signs the invitee in to the tenant; here the emulator's development
 * sign-in does, as the user the platform recorded as `acceptedByUserId`.
 */
export async function continueAction(form: FormData): Promise<void> {
  await devSignIn({ tenantId: String(form.get('tenantId')), userId: String(form.get('userId')) })
  redirect('/')
}
