// A TypeDoc plugin: names the two modules as they are imported, `roq-invites` and
// `roq-invites/testing`, instead of by their files (index.d.ts, testing.d.ts), and says in a line
// what each holds.
import { Comment, Converter } from 'typedoc'

const MODULES = {
  index: ['roq-invites', 'The client, webhooks, sessions and the emulator.'],
  testing: ['roq-invites/testing', "Helpers for an app's browser tests against the emulator."],
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const module of context.project.children ?? []) {
      const [name, summary] = MODULES[module.name] ?? []
      if (!name) continue
      module.name = name
      module.comment = new Comment([{ kind: 'text', text: summary }])
    }
  })
}
