'use client'

import { useCallback, useEffect, useState } from 'react'

import { OrderEnum, roqBrowserClient, UserInviteOrderSortEnum } from '@/lib/roq/roq-client'
import { INVITES_CHANGED } from './invite-form'

interface Invite {
  id: string
  email: string
  firstName?: string | null
  status: string
  statusUpdatedAt?: string | null
}

/** How often a visible page reads the invites again, for their live status. */
const REFRESH_MS = 5_000

/** What went wrong in a call of ROQ's browser SDK: the platform's message, if it sent one. */
function messageOf(error: unknown): string {
  const response = (error as { response?: { errors?: Array<{ message?: string }> } })?.response
  return response?.errors?.[0]?.message ?? (error instanceof Error ? error.message : String(error))
}

/**
 * The tenant's invites, read in the browser with ROQ's browser SDK, as the signed-in user. The
 * list reads them again while the page is visible; once the page is closed nothing runs on.
 */
export function InvitesList({ tenantId }: { tenantId: string }) {
  const [invites, setInvites] = useState<Invite[] | null>(null)
  const [failure, setFailure] = useState<string | null>(null)
  const [notice, setNotice] = useState('')
  const [busy, setBusy] = useState<string | null>(null)

  const load = useCallback(async () => {
    try {
      const { userInvites } = await roqBrowserClient.roqPlatform.userInvites({
        filter: { tenantId: { equalTo: tenantId } },
        order: { order: OrderEnum.Desc, sort: UserInviteOrderSortEnum.CreatedAt },
        limit: 100,
      })
      setInvites(userInvites.data)
      setFailure(null)
    } catch (error) {
      setFailure(messageOf(error))
    }
  }, [tenantId])

  useEffect(() => {
    void load()
    const refresh = () => {
      if (document.visibilityState === 'visible') void load()
    }
    const timer = setInterval(refresh, REFRESH_MS)
    window.addEventListener(INVITES_CHANGED, load)
    window.addEventListener('focus', refresh)
    document.addEventListener('visibilitychange', refresh)
    return () => {
      clearInterval(timer)
      window.removeEventListener(INVITES_CHANGED, load)
      window.removeEventListener('focus', refresh)
      document.removeEventListener('visibilitychange', refresh)
    }
  }, [load])

  async function change(invite: Invite, action: 'resend' | 'cancel') {
    setBusy(invite.id)
    try {
      if (action === 'resend') {
        await roqBrowserClient.roqPlatform.resendUserInvite({ userInviteId: invite.id })
        setNotice(`Sent ${invite.email} a new link; the old one no longer works.`)
      } else {
        await roqBrowserClient.roqPlatform.cancelUserInvite({ userInviteId: invite.id })
        setNotice(`Canceled the invite to ${invite.email}.`)
      }
      await load()
    } catch (error) {
      setNotice(`Could not ${action} the invite to ${invite.email}: ${messageOf(error)}`)
    } finally {
      setBusy(null)
    }
  }

  if (failure) {
    return (
      <p role="alert" className="result bad" data-testid="invites-error">
        Could not list the invites: {failure}
      </p>
    )
  }
  if (invites === null) return <p className="muted">Loading…</p>
  if (invites.length === 0) return <p data-testid="no-invites" className="muted">No invites yet.</p>
  return (
    <>
      <table data-testid="invites">
        <thead>
          <tr>
            <th>Email</th>
            <th>Status</th>
            <th>Since (UTC)</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {invites.map((invite) => (
            <tr key={invite.id} data-testid="invite" data-email={invite.email} data-status={invite.status}>
              <td>
                {invite.email}
                {invite.firstName ? <span className="muted"> · {invite.firstName}</span> : null}
              </td>
              <td>
                <span className={`state ${invite.status}`}>{invite.status}</span>
              </td>
              <td className="muted">{invite.statusUpdatedAt?.slice(0, 16).replace('T', ' ')}</td>
              <td>
                {invite.status === 'pending' && (
                  <span className="actions" style={{ marginTop: 0 }}>
                    <button className="quiet" disabled={busy === invite.id} onClick={() => change(invite, 'resend')} data-testid="resend">
                      Resend
                    </button>
                    <button className="quiet" disabled={busy === invite.id} onClick={() => change(invite, 'cancel')} data-testid="cancel">
                      Cancel
                    </button>
                  </span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="notice" role="status" data-testid="invites-notice">
        {notice}
      </p>
    </>
  )
}
