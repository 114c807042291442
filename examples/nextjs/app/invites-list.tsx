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

/** An invite event as /api/roq/events passes it on from the platform's webhook. */
interface InviteEvent {
  id: string
  change: string | null
  createdAt: string | null
  data: { current: Invite | null }
}

/** What went wrong in a call of ROQ's browser SDK: the platform's message, if it sent one. */
function messageOf(error: unknown): string {
  const response = (error as { response?: { errors?: Array<{ message?: string }> } })?.response
  return response?.errors?.[0]?.message ?? (error instanceof Error ? error.message : String(error))
}

/**
 * The tenant's invites, read in the browser with ROQ's browser SDK, as the signed-in user. Their
 * status stays live without asking the platform again: the platform's webhook tells the app of
 * each change (app/api/roq/webhook), and the app passes it on to this page (app/api/roq/events).
 */
export function InvitesList({ tenantId }: { tenantId: string }) {
  const [invites, setInvites] = useState<Invite[] | null>(null)
  const [activity, setActivity] = useState<InviteEvent[]>([])
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
    window.addEventListener(INVITES_CHANGED, load)
    // Each change the webhook brings updates its invite in place (or adds a new one).
    const events = new EventSource('/api/roq/events')
    events.onmessage = (message) => {
      const event: InviteEvent = JSON.parse(message.data)
      const current = event.data.current
      if (!current) return
      setActivity((seen) => (seen.some((e) => e.id === event.id) ? seen : [event, ...seen].slice(0, 8)))
      setInvites((list) => {
        if (!list) return list
        return list.some((invite) => invite.id === current.id)
          ? list.map((invite) => (invite.id === current.id ? { ...invite, ...current } : invite))
          : [current, ...list]
      })
    }
    return () => {
      window.removeEventListener(INVITES_CHANGED, load)
      events.close()
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
  if (invites.length === 0)
    return (
      <p data-testid="no-invites" className="muted">
        No invites yet.
      </p>
    )
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
                    <button
                      className="quiet"
                      disabled={busy === invite.id}
                      onClick={() => change(invite, 'resend')}
                      data-testid="resend"
                    >
                      Resend
                    </button>
                    <button
                      className="quiet"
                      disabled={busy === invite.id}
                      onClick={() => change(invite, 'cancel')}
                      data-testid="cancel"
                    >
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
      {activity.length > 0 && (
        <>
          <h3 className="muted" style={{ fontSize: 13, margin: '16px 0 6px' }}>
            Heard from the platform
          </h3>
          <ul className="activity" data-testid="activity">
            {activity.map((event) => (
              <li key={event.id} data-event={event.id} data-change={event.change ?? ''}>
                {event.data.current?.email} {event.change}
                <span className="muted"> · {event.createdAt?.slice(11, 19)}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  )
}
