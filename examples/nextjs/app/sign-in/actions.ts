'use server'

import { redirect } from 'next/navigation'
import { RoqError } from 'roq-invites'

import { devSignIn } from '@/lib/roq/dev-sign-in'

export type SignInState = { message: string } | null

/** Signs the user in on the emulator (development only) and goes to the invites. */
export async function signInAction(_previous: SignInState, form: FormData): Promise<SignInState> {
  const tenantId = String(form.get('tenantId') ?? '').trim()
  const email = String(form.get('email') ?? '').trim()
  const firstName = String(form.get('firstName') ?? '').trim() || undefined
  if (!tenantId || !email) return { message: 'Enter your email and your tenant.' }
  try {
    await devSignIn({ tenantId, email, firstName })
  } catch (error) {
    return { message: error instanceof RoqError ? error.message : String(error) }
  }
  redirect('/')
}
