// Errors and cancellation from Node: every error is an AuthBridgeError, and every async
// method takes `{ signal }` as its last argument.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'

import { PASSWORD_ROUTE, ab, nevisClient, nevisSandbox, startSandbox } from './helpers.mjs'

const { AuthBridgeError } = ab

/** Asserts that `promise` rejects with an AuthBridgeError of `code`. */
async function rejectsWith (promise, code) {
  await assert.rejects(promise, (error) => {
    assert.ok(error instanceof AuthBridgeError, `${error} is an AuthBridgeError`)
    assert.ok(error instanceof Error)
    assert.equal(error.name, 'AuthBridgeError')
    assert.equal(error.code, code)
    return true
  })
}

test('vendor, validation and cancellation errors are all AuthBridgeErrors', async (t) => {
  const sandbox = await nevisSandbox(t)
  const client = nevisClient(sandbox)
  await rejectsWith(client.passwordLogin('1000', 'alice', 'wrong'), 'authentication_failed')
  await rejectsWith(client.passwordLogin('', 'alice', 'x'), 'invalid_input')
  await rejectsWith(client.passwordLogin('1000', 'alice', 'x', { signal: AbortSignal.abort() }), 'cancelled')
  assert.throws(() => nevisClient(sandbox, { baseUrl: 'not a url' }), AuthBridgeError)
  assert.match(String(new AuthBridgeError('made by hand', { code: 'timeout' })), /^AuthBridgeError: made by hand$/)
})

test('the same class from require and import', async () => {
  const esm = await import('../lib/index.mjs')
  assert.equal(esm.AuthBridgeError, AuthBridgeError)
  assert.equal(esm.default.AuthBridgeError, AuthBridgeError)
})

test('the ErrorCode union in the typings is exactly core\'s codes and panic', () => {
  const typings = readFileSync(new URL('../index.d.ts', import.meta.url), 'utf8')
  const union = typings.match(/export type ErrorCode =([^\n]*)/)
  assert.ok(union, 'index.d.ts declares ErrorCode')
  const codes = [...union[1].matchAll(/'([a-z_]+)'/g)].map((m) => m[1])
  assert.deepEqual(codes, [...ab.errorCodes(), 'panic'])
})

test('an AbortSignal aborts a slow call long before its answer, and the server saw it', async (t) => {
  const sandbox = await nevisSandbox(t)
  sandbox.arm(PASSWORD_ROUTE, { type: 'delay', ms: 5000 })
  const client = nevisClient(sandbox)
  const started = performance.now()
  const login = client.passwordLogin('1000', 'alice', '1StrongPassword!', { signal: AbortSignal.timeout(100) })
  await rejectsWith(login, 'cancelled')
  const elapsed = performance.now() - started
  assert.ok(elapsed >= 90 && elapsed < 1500, `rejected after ${elapsed} ms`)
  assert.equal(sandbox.requestCount(PASSWORD_ROUTE), 1)
})

test('an already-aborted signal rejects at once and sends nothing', async (t) => {
  const sandbox = await nevisSandbox(t)
  const client = nevisClient(sandbox)
  const started = performance.now()
  await rejectsWith(client.passwordLogin('1000', 'alice', '1StrongPassword!', { signal: AbortSignal.abort() }), 'cancelled')
  assert.ok(performance.now() - started < 500)
  assert.equal(sandbox.requestCount(PASSWORD_ROUTE), 0)
})

test('a signal that never fires changes nothing, and its listener is removed', async (t) => {
  const client = nevisClient(await nevisSandbox(t))
  const controller = new AbortController()
  for (let i = 0; i < 3; i++) {
    const status = await client.passwordLogin('1000', 'alice', '1StrongPassword!', { signal: controller.signal })
    assert.equal(status.status, 'ok')
  }
  const { getEventListeners } = await import('node:events')
  assert.equal(getEventListeners(controller.signal, 'abort').length, 0)
})

test('every async method takes { signal } last', async (t) => {
  const sandbox = await startSandbox(t)
  const o = { signal: AbortSignal.abort() }
  const nevis = nevisClient(sandbox)
  const authx = new ab.AuthxClient({
    baseUrl: sandbox.url('authx'),
    applicationId: sandbox.authx.applicationId,
    applicationKey: sandbox.authx.applicationKey,
    biometricApp: sandbox.authx.biometricApp
  })
  const descope = new ab.DescopeClient({ projectId: sandbox.descope.projectId, baseUrl: sandbox.url('descope') })
  const otpOptions = { baseUrl: sandbox.url('otpone') }
  const server = new ab.OtpOneServer('SRV-5f0c1d2e-aaaa-bbbb-cccc-0123456789ab', otpOptions)
  const client = new ab.OtpOneClient('JS-5f0c1d2e-aaaa-bbbb-cccc-0123456789ab', otpOptions)
  const portal = new ab.Portal({ adminId: 'JimTheAdmin', sCode: 'nDhTZvX82Et', access: { acceptAnySource: true } })
  const sample = { user: 'g', kind: 'face', process: 'enrol' }
  const frame = () => ab.frameBiometric(sandbox.authx.biometricApp, sample, Buffer.from('face'))
  const profile = { userName: 'u', email: 'u@example.com', firstName: 'A', lastName: 'B', number: '1' }
  const calls = {
    'nevis.recoveryCodeLogin': () => nevis.recoveryCodeLogin('1000', 'alice', 'code', o),
    'nevis.passwordLogin': () => nevis.passwordLogin('1000', 'alice', 'pw', o),
    'nevis.devicePasswordLogin': () => nevis.devicePasswordLogin('1000', 'alice', 'c', 'pw', o),
    'nevis.contextPasswordLogin': () => nevis.contextPasswordLogin('1000', 'alice', 'c', 'pw', o),
    'authx.accessToken': () => authx.accessToken(o),
    'authx.addUser': () => authx.addUser(profile, o),
    'authx.updateUser': () => authx.updateUser('guid', profile, o),
    'authx.deleteUser': () => authx.deleteUser('guid', o),
    'authx.generatePin': () => authx.generatePin('guid', '1234', o),
    'authx.verifyPin': () => authx.verifyPin('guid', '1234', o),
    'authx.biometricFrame': () => authx.biometricFrame(sample, Buffer.from('face'), o),
    frameBiometric: () => ab.frameBiometric(sandbox.authx.biometricApp, sample, Buffer.from('face'), null, o),
    'BiometricFrame.read': async () => (await frame()).read(o),
    'BiometricFrame.toBuffer': async () => (await frame()).toBuffer(o),
    'descope.notpSignUp': () => descope.notpSignUp('bob', null, o),
    'descope.notpSignIn': () => descope.notpSignIn('bob', o),
    'descope.notpSignUpOrIn': () => descope.notpSignUpOrIn('bob', o),
    'descope.notpPendingSession': () => descope.notpPendingSession('ref', o),
    'descope.waitForSession': () => descope.waitForSession('ref', o),
    'descope.totpSignUp': () => descope.totpSignUp('bob', null, o),
    'descope.totpVerify': () => descope.totpVerify('bob', '123456', null, null, o),
    'descope.totpUpdate': () => descope.totpUpdate('bob', 'jwt', o),
    'descope.validateSession': () => descope.validateSession('jwt', o),
    'otpone.getTransactionId': () => server.getTransactionId('a@b.c', 'RequestWebSession', 'm', null, o),
    'otpone.getHtml': () => server.getHtml('id', 'RTRPhoneValidation', 'form', o),
    'otpone.verifyToken': () => server.verifyToken('token', 'a@b.c', o),
    'otpone.sendRequest': () => server.sendRequest('a@b.c', 'RequestWebSession', 'm', '10.0.0.1', 'linux', 'app', o),
    'otpone.isFinish': () => client.isFinish('id', o),
    'otpone.getResult': () => client.getResult('id', null, o),
    'otpone.waitForResult': () => client.waitForResult('id', o),
    'portal.handle': () => portal.handle('POST', '/api/PortalCommunication/RegisterPortal', {}, '{}', '127.0.0.1', o),
    'portal.status': () => portal.status(o),
    'portal.session': () => portal.session('handle', o),
    'portal.waitSession': () => portal.waitSession('handle', o),
    'portal.redeemLogin': () => portal.redeemLogin('handle', o),
    'portal.preRegisterUser': () => portal.preRegisterUser({ userId: 'u' }, o),
    'portal.requestAuthorization': () => portal.requestAuthorization('u', o),
    'portal.reset': () => portal.reset(o),
    'portal.serve': () => portal.serve({ signal: o.signal }),
    'Sandbox.start': () => ab.Sandbox.start({ signal: o.signal }),
    'sandbox.control': () => sandbox.control({ op: 'sandbox.urls' }, o),
    'sandbox.otpone.waitPending': () => sandbox.otpone.waitPending('a@b.c', 1000, o),
    'sandbox.nopass.send': () => sandbox.nopass.send('CloseSession', {}, o),
    'sandbox.nopass.disableService': () => sandbox.nopass.disableService(o)
  }
  for (const [name, call] of Object.entries(calls)) {
    await assert.rejects(call(), { name: 'AuthBridgeError', code: 'cancelled' }, name)
  }
})
