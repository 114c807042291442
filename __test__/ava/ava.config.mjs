// The package under ava: each file runs in its own worker thread (ava's default), so the addon
// is loaded in several threads at once.
export default { files: ['__test__/ava/**/*.test.mjs'], workerThreads: true, timeout: '60s' }
