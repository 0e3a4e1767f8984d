// The sandbox's one generic entry point: any control operation as data, by name, from this
// process (`control`, `controlSync`) or from another one over HTTP (`controlUrl`).
import { test } from 'node:test'
import assert from 'node:assert/strict'

import { ab, startSandbox } from './helpers.mjs'

test('a request as data answers as core defines it, and the typed helpers see its effect', async (t) => {
  const sandbox = await startSandbox(t)
  const secret = await sandbox.control({ op: 'descope.add_totp_user', login_id: '+15550001111' })
  assert.match(secret, /^[A-Z2-7]{32}$/)
  assert.deepEqual(sandbox.controlSync({ op: 'descope.user', login_id: '+15550001111' }).loginIds, ['+15550001111'])
  assert.equal(sandbox.descope.user('+15550001111').loginIds[0], '+15550001111')
  assert.equal(sandbox.controlSync({ op: 'nopass.add_user', user_id: 'carol' }), null)
  assert.equal(sandbox.nopass.hasUser('carol'), true)
  assert.equal(sandbox.controlSync({ op: 'sandbox.urls' }).nevisidm, sandbox.url('nevisidm'))
})

test('a bad request is refused with invalid_input, naming the field', async (t) => {
  const sandbox = await startSandbox(t)
  assert.throws(() => sandbox.controlSync({ op: 'nevis.add_user', client_ext_id: '1000' }), (error) => {
    assert.equal(error.code, 'invalid_input')
    assert.equal(error.field, 'user_ext_id')
    assert.match(error.rule, /^nevis\.add_user: missing field/)
    return true
  })
  await assert.rejects(sandbox.control({ op: 'acme.add_user' }), { code: 'invalid_input', field: 'op' })
  assert.throws(() => sandbox.controlSync({ op: 'sandbox.arm', route: 'r', fault: { kind: 'status', status: 42 } }), {
    code: 'invalid_input', field: 'fault.status'
  })
  assert.throws(() => sandbox.arm('nevisidm.password_login', { type: 'bogus' }), { code: 'invalid_input', field: 'fault.kind' })
  assert.throws(() => sandbox.controlSync({ op: 'nevis.no_such_operation' }), { code: 'invalid_input', field: 'op' })
})

test('an operation that waits runs off the JavaScript thread, and a signal cancels it', async (t) => {
  const sandbox = await startSandbox(t)
  const user = 'wait@example.com'
  const request = { op: 'otpone.wait_pending', user_mail: user, timeout_ms: 60_000 }
  assert.throws(() => sandbox.controlSync(request), { code: 'invalid_input', field: 'op' })
  const controller = new AbortController()
  setTimeout(() => controller.abort(), 100)
  await assert.rejects(sandbox.control(request, { signal: controller.signal }), { code: 'cancelled' })
  await assert.rejects(sandbox.control(request, { signal: AbortSignal.abort() }), { code: 'cancelled' })
  assert.equal(await sandbox.otpone.waitPending(user, 50), null)
})

test('another process drives the sandbox over HTTP with the control URL and token', async (t) => {
  const token = 'a-token-of-our-own-choosing'
  const sandbox = await ab.Sandbox.start({ controlToken: token })
  t.after(() => sandbox.stop())
  assert.equal(sandbox.controlToken, token)
  const post = (request) => fetch(sandbox.controlUrl, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(request)
  })
  const answer = await post({ op: 'nopass.add_user', user_id: 'dave' })
  assert.equal(answer.status, 200)
  assert.deepEqual(await answer.json(), { result: null })
  assert.equal(sandbox.nopass.hasUser('dave'), true)
  await assert.rejects(ab.Sandbox.start({ controlToken: 'short' }), { code: 'invalid_input', field: 'control_token' })
})

test('a stopped sandbox refuses control requests with code config', async () => {
  const sandbox = await ab.Sandbox.start()
  await sandbox.stop()
  assert.throws(() => sandbox.controlSync({ op: 'sandbox.clear_faults' }), { code: 'config' })
  await assert.rejects(sandbox.control({ op: 'sandbox.clear_faults' }), { code: 'config' })
  assert.throws(() => sandbox.controlUrl, { code: 'config' })
})
