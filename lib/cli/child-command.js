'use strict'

// Runs a command as the foreground of `roq-invites emulator exec`: stdin, stdout and stderr are
// its own (inherited), SIGINT and SIGTERM reach it once, this process waits for it, and its
// outcome becomes an exit code as a shell makes one. No shell runs it: its arguments are passed
// as they are, never interpreted. cross-spawn is Node's spawn, and on Windows also finds npm's
// `.cmd` shims (node_modules/.bin/playwright.cmd) by PATHEXT and runs them with their arguments
// escaped for cmd.exe, which Node's spawn without a shell refuses to do.

const { execFileSync } = require('node:child_process')
const { readFileSync } = require('node:fs')
const { constants } = require('node:os')

const spawn = require('cross-spawn')

const { complain } = require('./terminal.js')

const FORWARDED = ['SIGINT', 'SIGTERM']

/**
 * Runs `command` with `args` and `env`; resolves to its exit code, 128 + the signal's number if a
 * signal ended it, 127 if it was not found and 126 if it could not be run (as a shell says).
 */
function runCommand(command, args, env) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', env })
    let settled = false
    const forward = (signal) => {
      if (!reachedItAlready(signal)) child.kill(signal)
    }
    const settle = (code) => {
      if (settled) return
      settled = true
      for (const signal of FORWARDED) process.off(signal, forward)
      resolve(code)
    }
    // Listening also keeps this process alive on a signal until the command has ended.
    for (const signal of FORWARDED) process.on(signal, forward)
    child.once('error', (error) => {
      // Only an error of the start (syscall "spawn ...") means it did not run; any other is a
      // failed kill, and 'exit' still comes. (On Windows, cross-spawn reports a command that
      // cmd.exe did not find as one of the start, though cmd.exe started.)
      if (!String(error.syscall).startsWith('spawn')) return
      complain(`roq-invites: cannot run "${command}": ${whyNot(error, command)} (${error.code})`)
      settle(error.code === 'ENOENT' || error.code === 'ENOTDIR' ? 127 : 126)
    })
    child.once('exit', (code, signal) => settle(code ?? 128 + constants.signals[signal]))
  })
}

function whyNot(error, command) {
  if (error.code === 'ENOENT') return /[\\/]/.test(command) ? 'no such file' : 'not found on the PATH; is it installed?'
  if (error.code === 'EACCES') return 'permission denied; is it an executable file?'
  return error.message
}

/**
 * Whether the command got `signal` itself, as this process did: a terminal's Ctrl+C goes to its
 * whole foreground process group, the command included, and a second SIGINT makes many programs
 * (Playwright, Firebase's emulators) give up their clean shutdown. Windows' console sends Ctrl+C
 * to every process attached to it (and there `kill` would end the command outright).
 */
function reachedItAlready(signal) {
  if (signal !== 'SIGINT') return false
  if (process.platform === 'win32') return true
  const groups = processGroups()
  return groups !== undefined && groups.own === groups.terminal
}

/** This process's group and its terminal's foreground group (none without a terminal), by /proc or ps. */
function processGroups() {
  try {
    if (process.platform === 'linux') {
      // After the command's name, in parentheses: state, ppid, pgrp, session, tty_nr, tpgid.
      const stat = readFileSync('/proc/self/stat', 'utf8')
      const [, , own, , , terminal] = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      return terminal === '-1' ? undefined : { own, terminal }
    }
    const [own, terminal] = execFileSync('ps', ['-o', 'pgid=,tpgid=', '-p', String(process.pid)], {
      encoding: 'utf8',
    })
      .trim()
      .split(/\s+/)
    return terminal === undefined || Number(terminal) <= 0 ? undefined : { own, terminal }
  } catch {
    return undefined
  }
}

module.exports = { runCommand }
