// The addon as a Node citizen: Promises on the shared runtime, panics, exit, module formats.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'

import { ab, nevisClient, startSandbox } from './helpers.mjs'

const packageDir = fileURLToPath(new URL('..', import.meta.url))

test('1,000 concurrent calls each resolve with their own outcome', async (t) => {
  const sandbox = await startSandbox(t)
  const sim = sandbox.nevis
  sim.addClient('1000', 'Default')
  sim.setLockPolicy({ maxFailures: 1_000_000 })
  for (let i = 0; i < 100; i++) {
    sim.addUser('1000', `user-${i}`)
    sim.setPassword('1000', `user-${i}`, `pw-${i}`)
  }
  const client = nevisClient(sandbox)
  // Every third call uses a wrong password, every seventh an unknown user.
  const calls = Array.from({ length: 1000 }, (_, n) => {
    const user = n % 7 === 0 ? `ghost-${n}` : `user-${n % 100}`
    const password = n % 3 === 0 ? 'wrong' : `pw-${n % 100}`
    const expected = n % 7 === 0 ? 'not_found' : n % 3 === 0 ? 'authentication_failed' : 'ok'
    return client.passwordLogin('1000', user, password).then(
      (status) => ({ n, expected, got: status.status }),
      (error) => ({ n, expected, got: error.code })
    )
  })
  const outcomes = await Promise.all(calls)
  assert.equal(outcomes.length, 1000)
  for (const { n, expected, got } of outcomes) assert.equal(got, expected, `call ${n}`)
  assert.equal(sandbox.requestCount('nevisidm.password_login'), 1000)
})

test('a panic rejects its Promise with code "panic" instead of leaving it pending', async () => {
  await assert.rejects(ab.__panicForTests(), (error) => {
    assert.ok(error instanceof Error)
    assert.equal(error.code, 'panic')
    assert.match(error.message, /deliberate panic/)
    return true
  })
})

test('a script that makes one call and returns exits within 1 s', async () => {
  const script = `
    const ab = require('./lib/index.cjs')
    ;(async () => {
      const sandbox = await ab.Sandbox.start()
      sandbox.nevis.addClient('1000', 'Default')
      sandbox.nevis.addUser('1000', 'alice')
      sandbox.nevis.setPassword('1000', 'alice', 'pw')
      const client = new ab.NevisClient({ baseUrl: sandbox.url('nevisidm') })
      const status = await client.passwordLogin('1000', 'alice', 'pw')
      process.stdout.write(status.status + '\\n')
      // The sandbox is left running on purpose: neither it nor the runtime may hold the process.
    })()
  `
  const child = spawn(process.execPath, ['-e', script], { cwd: packageDir, stdio: ['ignore', 'pipe', 'inherit'], timeout: 10_000 })
  let answeredAt = 0
  let output = ''
  child.stdout.on('data', (chunk) => {
    output += chunk
    answeredAt ||= performance.now()
  })
  const code = await new Promise((resolve) => child.on('exit', resolve))
  const exitedAt = performance.now()
  assert.equal(code, 0)
  assert.equal(output.trim(), 'ok')
  assert.ok(exitedAt - answeredAt < 1000, `exited ${Math.round(exitedAt - answeredAt)} ms after its last call`)
})

test('require and import give the same addon', async () => {
  const required = createRequire(import.meta.url)('authbridge')
  const imported = await import('authbridge')
  assert.equal(imported.Sandbox, required.Sandbox)
  assert.equal(imported.default.NevisClient, required.NevisClient)
  assert.equal(typeof imported.NevisClient, 'function')
  assert.equal(required.version(), imported.version())
  assert.ok(required.errorCodes().includes('invalid_input'))
})

test('the sandbox control API: urls, counters, faults, and errors once stopped', async () => {
  const sandbox = await ab.Sandbox.start()
  assert.equal(sandbox.urls.nevisidm, sandbox.url('nevisidm'))
  assert.throws(() => sandbox.url('acme'), { code: 'invalid_input', field: 'vendor' })
  const client = nevisClient(sandbox)
  sandbox.nevis.addClient('1000', 'Default')
  await assert.rejects(client.passwordLogin('1000', 'x', 'y'), { code: 'not_found' })
  assert.equal(sandbox.requestCount('nevisidm.password_login'), 1)
  sandbox.resetCounts()
  assert.equal(sandbox.requestCount('nevisidm.password_login'), 0)
  sandbox.arm('nevisidm.password_login', { type: 'status', status: 500 })
  await assert.rejects(client.passwordLogin('1000', 'x', 'y'), { code: 'http_status', status: 500 })
  await assert.rejects(client.passwordLogin('1000', 'x', 'y'), { code: 'http_status', status: 500 })
  sandbox.clearFaults()
  await assert.rejects(client.passwordLogin('1000', 'x', 'y'), { code: 'not_found' })
  await sandbox.stop()
  await sandbox.stop()
  assert.throws(() => sandbox.requestCount('nevisidm.password_login'), { code: 'config' })
  assert.throws(() => sandbox.nevis.addUser('1000', 'late'), { code: 'config' })
})
