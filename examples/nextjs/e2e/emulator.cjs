// A standalone ROQ platform emulator, for the e2e test and for trying the app by hand. Run it
// from the app's directory (node e2e/emulator.cjs), so that roq-invites is the installed one.
// Prints its ROQ_* settings as one JSON line, then runs until SIGTERM or Ctrl-C, or until the
// process that spawned it with an IPC channel goes away (so a killed test leaves nothing behind).
const { startEmulator } = require('roq-invites')

startEmulator({ port: 0 }).then((emulator) => {
  console.log(JSON.stringify(emulator.env))
  // The emulator does not keep Node running by itself.
  const keepAlive = setInterval(() => {}, 1 << 30)
  const stop = () => {
    clearInterval(keepAlive)
    emulator.stop().then(() => process.exit(0))
  }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
  process.once('disconnect', stop)
})
