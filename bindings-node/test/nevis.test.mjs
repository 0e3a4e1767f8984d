// nevisIDM from Node: every login, its errors, and the transport behaviour users rely on.
import { test } from 'node:test'
import assert from 'node:assert/strict'

import { PASSWORD_ROUTE, ab, nevisClient, nevisSandbox } from './helpers.mjs'

test('the four logins succeed with the right credential', async (t) => {
  const client = nevisClient(await nevisSandbox(t))
  const ok = { status: 'ok', statusCode: 5, description: 'Login Ok' }
  assert.deepEqual(await client.passwordLogin('1000', 'alice', '1StrongPassword!'), ok)
  assert.deepEqual(await client.devicePasswordLogin('1000', 'alice', 'phone-1', 'device-pass'), ok)
  assert.deepEqual(await client.contextPasswordLogin('1000', 'alice', 'ctx-1', 'context-pass'), ok)
  assert.equal(await client.recoveryCodeLogin('1000', 'alice', 'abcd-efgh-1234-5678'), undefined)
})

test('wrong passwords count down to a lock, each an Error with the seed status', async (t) => {
  const client = nevisClient(await nevisSandbox(t))
  const expected = [['2', 'failed'], ['3', 'failed_lock_warning'], ['4', 'failed_locked']]
  for (const [vendorCode, loginStatus] of expected) {
    await assert.rejects(client.passwordLogin('1000', 'alice', 'wrong'), (error) => {
      assert.ok(error instanceof Error)
      assert.equal(error.name, 'AuthBridgeError')
      assert.equal(error.code, 'authentication_failed')
      assert.equal(error.vendor, 'nevisidm')
      assert.equal(error.status, 200)
      assert.equal(error.vendorCode, vendorCode)
      assert.equal(error.loginStatus, loginStatus)
      assert.ok(!error.message.includes('wrong'), 'the password must not appear in the message')
      return true
    })
  }
  await assert.rejects(client.passwordLogin('1000', 'alice', '1StrongPassword!'), {
    code: 'conflict',
    status: 422,
    vendorCode: 'errors.credentialNotActive'
  })
})

test('a temporary lock lifts and reports statusCode 9', async (t) => {
  const sandbox = await nevisSandbox(t)
  sandbox.nevis.setLockPolicy({ maxFailures: 1, temporaryLockMs: 1 })
  const client = nevisClient(sandbox)
  await assert.rejects(client.passwordLogin('1000', 'alice', 'wrong'), { loginStatus: 'failed_temporarily_locked', vendorCode: '9' })
  assert.equal(sandbox.nevis.credentialState('1000', 'alice', { type: 'password' }), 'locked')
  await new Promise((resolve) => setTimeout(resolve, 20))
  assert.equal((await client.passwordLogin('1000', 'alice', '1StrongPassword!')).status, 'ok')
})

test('a recovery code works once', async (t) => {
  const client = nevisClient(await nevisSandbox(t))
  await client.recoveryCodeLogin('1000', 'alice', 'wxyz-0000-1111-2222')
  await assert.rejects(client.recoveryCodeLogin('1000', 'alice', 'wxyz-0000-1111-2222'), {
    code: 'authentication_failed',
    status: 400,
    vendorCode: 'errors.invalidRecoveryCode'
  })
})

test('unknown users, credentials and disabled credentials keep the vendor code and message', async (t) => {
  const sandbox = await nevisSandbox(t)
  const client = nevisClient(sandbox)
  await assert.rejects(client.passwordLogin('1000', 'nobody', 'x'), (error) => {
    assert.equal(error.code, 'not_found')
    assert.equal(error.status, 404)
    assert.equal(error.vendorCode, 'errors.noRecord')
    assert.match(error.vendorMessage, /no user with external identifier 'nobody'/)
    return true
  })
  await assert.rejects(client.devicePasswordLogin('1000', 'alice', 'tablet', 'x'), { code: 'not_found' })
  sandbox.nevis.setState('1000', 'alice', { type: 'contextPassword', context: 'ctx-1' }, 'disabled')
  assert.equal(sandbox.nevis.credentialState('1000', 'alice', { type: 'contextPassword', context: 'ctx-1' }), 'disabled')
  await assert.rejects(client.contextPasswordLogin('1000', 'alice', 'ctx-1', 'context-pass'), { code: 'conflict', status: 422 })
  assert.equal(sandbox.nevis.credentialState('1000', 'alice', { type: 'devicePassword', credentialExtId: 'none' }), null)
})

test('bad input is refused before anything is sent, naming the field', async (t) => {
  const sandbox = await nevisSandbox(t)
  const client = nevisClient(sandbox)
  await assert.rejects(client.passwordLogin('', 'alice', 'x'), { code: 'invalid_input', field: 'clientExtId' })
  await assert.rejects(client.passwordLogin('1000', '..', 'x'), { code: 'invalid_input', field: 'userExtId' })
  await assert.rejects(client.passwordLogin('1000', 'alice', ''), { code: 'invalid_input', field: 'password' })
  await assert.rejects(client.devicePasswordLogin('1000', 'alice', '', 'x'), { code: 'invalid_input', field: 'credentialExtId' })
  assert.equal(sandbox.requestCount(PASSWORD_ROUTE), 0)
  assert.equal(sandbox.requestCount('nevisidm.device_password_login'), 0)
  assert.throws(() => new ab.NevisClient({ baseUrl: 'ftp://idm.example' }), { code: 'invalid_input', field: 'base_url' })
  assert.throws(() => new ab.NevisClient({ baseUrl: 'x', auth: { type: 'nope' } }))
})

test('ids travel as one percent-encoded path segment', async (t) => {
  const sandbox = await nevisSandbox(t)
  sandbox.nevis.addUser('1000', 'a/b?c#d')
  sandbox.nevis.setPassword('1000', 'a/b?c#d', 'pw')
  const client = nevisClient(sandbox)
  assert.equal((await client.passwordLogin('1000', 'a/b?c#d', 'pw')).status, 'ok')
  assert.match(sandbox.nevis.lastRawPath(), /\/users\/a%2Fb%3Fc%23d\/password\/login\/$/)
})

test('caller authentication: bearer, basic and a custom header', async (t) => {
  const sandbox = await nevisSandbox(t)
  const url = sandbox.url('nevisidm')
  sandbox.nevis.requireHeader('Authorization', 'Bearer t0ken')
  await assert.rejects(nevisClient(sandbox).passwordLogin('1000', 'alice', '1StrongPassword!'), { code: 'unauthorized', status: 401 })
  const bearer = nevisClient(sandbox, { auth: { type: 'bearer', token: 't0ken' } })
  assert.equal((await bearer.passwordLogin('1000', 'alice', '1StrongPassword!')).status, 'ok')

  sandbox.nevis.requireHeader('Authorization', `Basic ${Buffer.from('svc:gw-pass').toString('base64')}`)
  const basic = nevisClient(sandbox, { auth: { type: 'basic', username: 'svc', password: 'gw-pass' } })
  assert.equal((await basic.passwordLogin('1000', 'alice', '1StrongPassword!')).status, 'ok')

  sandbox.nevis.requireHeader('SecToken', 'tok')
  const header = nevisClient(sandbox, { auth: { type: 'header', name: 'SecToken', value: 'tok' } })
  assert.equal((await header.passwordLogin('1000', 'alice', '1StrongPassword!')).status, 'ok')
  assert.throws(() => nevisClient(sandbox, { auth: { type: 'header', name: 'bad header', value: 'x' } }), { code: 'invalid_input', field: 'auth.name' })
  assert.ok(url.startsWith('http://127.0.0.1:'))
})

test('a 503 with Retry-After is waited out; a password is never replayed otherwise', async (t) => {
  const sandbox = await nevisSandbox(t)
  const client = nevisClient(sandbox)
  sandbox.arm(PASSWORD_ROUTE, { type: 'status', status: 503, retryAfter: '0' }, 1)
  assert.equal((await client.passwordLogin('1000', 'alice', '1StrongPassword!')).status, 'ok')
  assert.equal(sandbox.requestCount(PASSWORD_ROUTE), 2)

  sandbox.resetCounts()
  sandbox.arm(PASSWORD_ROUTE, { type: 'reset' }, 1)
  await assert.rejects(client.passwordLogin('1000', 'alice', '1StrongPassword!'), { code: 'transport', vendor: 'nevisidm' })
  assert.equal(sandbox.requestCount(PASSWORD_ROUTE), 1)

  sandbox.arm(PASSWORD_ROUTE, { type: 'status', status: 503 }, 1)
  await assert.rejects(client.passwordLogin('1000', 'alice', '1StrongPassword!'), { code: 'http_status', status: 503 })
})

test('rate limits beyond the cap reject with retryAfter in seconds', async (t) => {
  const sandbox = await nevisSandbox(t)
  sandbox.arm(PASSWORD_ROUTE, { type: 'status', status: 429, retryAfter: '3600' }, 1)
  await assert.rejects(nevisClient(sandbox).passwordLogin('1000', 'alice', '1StrongPassword!'), {
    code: 'rate_limited',
    status: 429,
    retryAfter: 3600
  })
})

test('timeouts, truncated and oversize answers are distinct codes', async (t) => {
  const sandbox = await nevisSandbox(t)
  const client = nevisClient(sandbox, { transport: { requestTimeoutMs: 200, maxResponseBytes: 1024, retry: { maxAttempts: 1 } } })
  sandbox.arm(PASSWORD_ROUTE, { type: 'delay', ms: 2000 }, 1)
  await assert.rejects(client.passwordLogin('1000', 'alice', '1StrongPassword!'), { code: 'timeout' })
  sandbox.arm(PASSWORD_ROUTE, { type: 'truncatedBody' }, 1)
  await assert.rejects(client.passwordLogin('1000', 'alice', '1StrongPassword!'), { code: 'transport' })
  sandbox.arm(PASSWORD_ROUTE, { type: 'largeBody', bytes: 64 * 1024 }, 1)
  await assert.rejects(client.passwordLogin('1000', 'alice', '1StrongPassword!'), { code: 'response_too_large' })
  sandbox.clearFaults()
  assert.equal((await client.passwordLogin('1000', 'alice', '1StrongPassword!')).status, 'ok')
})

test('a closed port is a connect error', async (t) => {
  const sandbox = await nevisSandbox(t)
  const url = sandbox.url('nevisidm')
  await sandbox.stop()
  const client = new ab.NevisClient({ baseUrl: url, transport: { retry: { maxAttempts: 1 } } })
  await assert.rejects(client.passwordLogin('1000', 'alice', 'x'), { code: 'connect', vendor: 'nevisidm' })
})
