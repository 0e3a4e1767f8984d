// OtpOne from Node: standard, distributed and server-only requests, the seed's user rule,
// key kinds, waits with AbortSignal.
import { test } from 'node:test'
import assert from 'node:assert/strict'

import { ab, startSandbox } from './helpers.mjs'

const SRV = 'SRV-5f0c1d2e-aaaa-bbbb-cccc-0123456789ab'
const JS = 'JS-5f0c1d2e-aaaa-bbbb-cccc-0123456789ab'
const USER = 'alice@example.com'

async function otpone (t) {
  const sandbox = await startSandbox(t)
  sandbox.otpone.registerKeys(SRV, JS)
  const options = { baseUrl: sandbox.url('otpone') }
  return { sandbox, server: new ab.OtpOneServer(SRV, options), client: new ab.OtpOneClient(JS, options) }
}

test('standard request: transaction, page fragment, token verified for its user', async (t) => {
  const { sandbox, server } = await otpone(t)
  const txn = await server.getTransactionId(USER, 'RequestWebSession', 'Log in to ACME')
  assert.deepEqual({ ...txn, id: undefined }, { id: undefined, userMail: USER, requestType: 'RequestWebSession' })
  assert.equal(sandbox.otpone.transaction(txn.id).status, 'pending')
  const html = await server.getHtml(txn.id, 'RTRPhoneValidation', 'loginForm')
  assert.ok(html.length > 0)
  const token = sandbox.otpone.approve(txn.id)
  const valid = await server.verifyToken(token, USER)
  assert.equal(valid.userValided.toLowerCase(), USER)
  assert.equal(typeof valid.fields, 'object')
  await assert.rejects(server.verifyToken(token, USER), (error) => ['authentication_failed', 'not_found', 'conflict', 'vendor', 'unauthorized', 'http_status'].includes(error.code))
})

test('a result for another user is refused (UserValided), and so is a denial (isValid)', async (t) => {
  const { sandbox, server, client } = await otpone(t)
  const txn = await server.getTransactionId(USER, 5, 'Open the payroll app')
  assert.equal(txn.requestType, 'RequestApplicaitonAccess')
  sandbox.otpone.setReportedUser(txn.id, 'mallory@example.com')
  const token = sandbox.otpone.approve(txn.id)
  await assert.rejects(server.verifyToken(token, USER), { code: 'authentication_failed', vendor: 'otpone', vendorCode: 'UserValided' })

  const denied = await server.getTransactionId(USER, 'RequestWebSession', 'again')
  sandbox.otpone.deny(denied.id)
  assert.equal(await client.isFinish(denied.id), true)
  await assert.rejects(client.getResult(denied.id, USER), { code: 'authentication_failed', vendorCode: 'isValid' })
})

test('distributed request: the client waits, then gets the private token', async (t) => {
  const { sandbox, server, client } = await otpone(t)
  const txn = await server.getTransactionId(USER, 'RequestComputerSession', 'Unlock workstation', 'vault-key-42')
  assert.equal(await client.isFinish(txn.id), false)
  setTimeout(() => sandbox.otpone.approve(txn.id), 300)
  const result = await client.waitForResult(txn.id, { expectedUser: USER, timeoutMs: 10_000, intervalMs: 1000 })
  assert.equal(result.privateToken, 'vault-key-42')
})

test('a wait ends with cancelled when its AbortSignal fires, and with timeout at its deadline', async (t) => {
  const { server, client } = await otpone(t)
  const txn = await server.getTransactionId(USER, 'RequestWebSession', 'wait')
  const controller = new AbortController()
  setTimeout(() => controller.abort(), 200)
  const started = performance.now()
  await assert.rejects(client.waitForResult(txn.id, { timeoutMs: 60_000, signal: controller.signal }), { code: 'cancelled' })
  assert.ok(performance.now() - started < 30_000)
  await assert.rejects(client.waitForResult(txn.id, { signal: AbortSignal.abort() }), { code: 'cancelled' })
  await assert.rejects(client.waitForResult(txn.id, { timeoutMs: 1200 }), { code: 'timeout' })
  assert.throws(() => client.waitForResult(txn.id, { signal: {} }), { code: 'invalid_input', field: 'signal' })
  assert.throws(() => client.waitForResult(txn.id, { timeoutMs: -5 }), { code: 'invalid_input', field: 'timeoutMs' })
})

test('one long-lived signal serves many waits without piling up listeners', async (t) => {
  const { sandbox, server, client } = await otpone(t)
  const controller = new AbortController()
  const events = await import('node:events')
  for (let i = 0; i < 12; i++) {
    const txn = await server.getTransactionId(USER, 'RequestWebSession', `n${i}`)
    sandbox.otpone.approve(txn.id)
    await client.waitForResult(txn.id, { expectedUser: USER, signal: controller.signal })
  }
  assert.equal(events.getEventListeners(controller.signal, 'abort').length, 0)
})

test('server only: SendRequest answers once the person acts', async (t) => {
  const { sandbox, server } = await otpone(t)
  const answer = server.sendRequest(USER, 'RequestSignDocument', 'Sign contract 7', '203.0.113.9', 'Linux', 'ACME')
  const id = await sandbox.otpone.waitPending(USER, 10_000)
  assert.deepEqual(sandbox.otpone.transaction(id).requester, ['203.0.113.9', 'Linux', 'ACME'])
  sandbox.otpone.approve(id)
  assert.equal((await answer).userValided.toLowerCase(), USER)
})

test('keys of the wrong kind are refused before anything is sent', async (t) => {
  const { sandbox } = await otpone(t)
  assert.throws(() => new ab.OtpOneServer(JS), { code: 'invalid_input' })
  assert.throws(() => new ab.OtpOneClient(SRV), { code: 'invalid_input' })
  const server = new ab.OtpOneServer('SRV-not-registered', { baseUrl: sandbox.url('otpone') })
  await assert.rejects(server.getTransactionId(USER, 'RequestWebSession', 'x'), { code: 'unauthorized', status: 401 })
  await assert.rejects(server.getTransactionId(USER, 'NoSuchType', 'x'), { code: 'invalid_input', field: 'requestype' })
  await assert.rejects(server.getTransactionId('not-an-email', 'RequestWebSession', 'x'), { code: 'invalid_input', field: 'UserMail' })
})
