// Logs and metrics from Node: setLogger receives one plain-object record per call and per
// portal callback, on the JavaScript thread, never with a secret, and never keeps the process
// alive; metrics() and metricsPrometheus() count the calls just made; the embedded server
// serves the Prometheus text only when asked.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'

import { ab, nevisSandbox } from './helpers.mjs'
import { ADMIN, NOPASS_SERVER, SCODE, sendCallback } from './nopass-helpers.mjs'

const SECRET = 'N0de-Observable-Pa55word'

/** Waits until `predicate()` holds: records are queued to the JavaScript thread. */
async function until (predicate) {
  for (let i = 0; i < 200 && !predicate(); i++) await new Promise((resolve) => setTimeout(resolve, 5))
  assert.ok(predicate(), 'condition not reached in time')
}

function okLogins (snapshot) {
  return snapshot.calls
    .filter((c) => c.vendor === 'nevisidm' && c.operation === 'password_login' && c.outcome === 'ok')
    .reduce((sum, c) => sum + c.count, 0)
}

test('each call is one record with its fields and no secret', async (t) => {
  const sandbox = await nevisSandbox(t)
  sandbox.nevis.setPassword('1000', 'alice', SECRET)
  const client = new ab.NevisClient({ baseUrl: sandbox.url('nevisidm') })
  const records = []
  ab.setLogger((record) => records.push(record), { level: 'debug' })
  t.after(() => ab.setLogger(null))

  await client.passwordLogin('1000', 'alice', SECRET)
  await assert.rejects(client.passwordLogin('1000', 'alice', `${SECRET}-wrong`), { code: 'authentication_failed' })
  const calls = () => records.filter((r) => r.target === 'authbridge::call' && r.operation === 'password_login')
  await until(() => calls().length === 2)
  for (const record of calls()) {
    assert.equal(record.level, 'debug')
    assert.equal(record.vendor, 'nevisidm')
    assert.equal(record.method, 'POST')
    assert.equal(record.status, 200)
    assert.equal(record.attempts, 1)
    assert.equal(typeof record.durationMs, 'number')
    assert.match(record.message, /^nevisidm password_login: POST 127\.0\.0\.1 -> 200 \(1 attempt\(s\), /)
  }
  for (const record of records) assert.ok(!JSON.stringify(record).includes(SECRET), JSON.stringify(record))

  ab.setLogger(null)
  const before = records.length
  await client.passwordLogin('1000', 'alice', SECRET)
  await new Promise((resolve) => setTimeout(resolve, 20))
  assert.equal(records.length, before, 'no record after setLogger(null)')
})

test('an unknown level is refused', () => {
  assert.throws(() => ab.setLogger(() => {}, { level: 'loud' }), { code: 'invalid_input' })
})

test('a logger does not keep the process alive', async () => {
  const entry = fileURLToPath(new URL('../lib/index.cjs', import.meta.url))
  const script = `require(${JSON.stringify(entry)}).setLogger(() => {})`
  const started = Date.now()
  await new Promise((resolve, reject) =>
    execFile(process.execPath, ['-e', script], { timeout: 10_000 }, (error) => (error ? reject(error) : resolve())))
  assert.ok(Date.now() - started < 5_000)
})

test('metrics count the calls just made, and the Prometheus text holds them', async (t) => {
  const sandbox = await nevisSandbox(t)
  const client = new ab.NevisClient({ baseUrl: sandbox.url('nevisidm') })
  const before = ab.metrics()
  for (let i = 0; i < 3; i++) await client.passwordLogin('1000', 'alice', '1StrongPassword!')
  const after = ab.metrics()
  assert.equal(okLogins(after) - okLogins(before), 3)
  const durations = after.callDurations.find((d) => d.vendor === 'nevisidm' && d.operation === 'password_login')
  assert.ok(durations.histogram.count >= 3)
  assert.equal(durations.histogram.boundsSeconds.length, durations.histogram.cumulativeCounts.length)

  const text = ab.metricsPrometheus()
  for (const line of text.trimEnd().split('\n')) {
    assert.match(line, /^(# (HELP|TYPE) \w+ .+|\w+\{(\w+="(?:[^"\\]|\\.)*",?)*\} [0-9.e+-]+)$/, line)
  }
  const series = 'authbridge_calls_total{vendor="nevisidm",operation="password_login",outcome="ok"} '
  const line = text.split('\n').find((l) => l.startsWith(series))
  assert.equal(Number(line.slice(series.length)), okLogins(ab.metrics()))
})

test('portal callbacks are records, and the metrics page is served only when asked', async (t) => {
  const portal = new ab.Portal({ adminId: ADMIN, sCode: SCODE, access: { allowedSources: [NOPASS_SERVER] } })
  const records = []
  ab.setLogger((record) => records.push(record))
  t.after(() => ab.setLogger(null))

  const plain = await portal.serve()
  assert.equal((await fetch(`${plain.url}/metrics`)).status, 404)
  await plain.stop()

  const served = await portal.serve({ metricsPath: '/metrics' })
  t.after(() => served.stop())
  const answer = await sendCallback(served.url, 'ConfirmPreRegistration', { adminId: ADMIN, r: 7 })
  assert.equal(answer.status, 200)
  const page = await fetch(`${served.url}/metrics`)
  assert.equal(page.status, 200)
  assert.equal(page.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8')
  assert.match(await page.text(), /^authbridge_callbacks_total\{callback="ConfirmPreRegistration",outcome="accepted"\} [1-9]/m)
  assert.equal((await fetch(`${served.url}/metrics`, { method: 'POST' })).status, 405)

  const callbacks = () => records.filter((r) => r.target === 'authbridge::callback')
  await until(() => callbacks().length >= 1)
  assert.equal(callbacks()[0].callback, 'ConfirmPreRegistration')
  assert.equal(callbacks()[0].outcome, 'accepted')
  assert.equal(callbacks()[0].status, 200)
  for (const record of records) assert.ok(!JSON.stringify(record).includes(ADMIN), JSON.stringify(record))
})
