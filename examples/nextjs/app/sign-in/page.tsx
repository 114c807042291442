import { SignInForm } from './sign-in-form'

export const dynamic = 'force-dynamic'

export default function SignIn() {
  return (
    <main className="narrow">
      <section className="card">
        <h1>Sign in</h1>
        <p className="muted">
          Development sign-in on the roq-invites emulator: it sets the <code>roq-session-token</code> cookie a ROQ
          sign-in would. The user joins the tenant you name.
        </p>
        <SignInForm />
      </section>
    </main>
  )
}
