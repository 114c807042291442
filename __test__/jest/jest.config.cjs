// The package under Jest: each test file gets a fresh module registry and its own realm, while
// the native addon stays loaded in the outer one (see docs/testing.md, "Jest").
module.exports = { rootDir: __dirname, testEnvironment: 'node', testMatch: ['**/*.test.cjs'] }
