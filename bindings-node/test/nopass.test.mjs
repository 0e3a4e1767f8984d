// The NoPass portal from Node: mounted in a real node:http server and in Express, called by
// the sandbox playing the NoPass server over HTTP; hooks as (async) JS functions; sessions by
// browser handle, waits, redeeming, the portal's own server calls, stores. Attacks on the
// portal are in nopass-attacks.test.mjs.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

import express from 'express'

import { ab, startSandbox } from './helpers.mjs'
import { ADMIN, SCODE, listen, sendCallback, snapshot } from './nopass-helpers.mjs'

/** The sandbox's NoPass server calls from this machine. */
const LOOPBACK = { allowedSources: ['127.0.0.0/8', '::1'] }

/** Records every hook call; decisions answer as `decide` says (possibly asynchronously). */
function recordingHooks (decide = async () => true) {
  const calls = []
  const note = (name) => (event) => {
    calls.push([name, event])
  }
  return {
    calls,
    hooks: {
      confirmPreRegistration: note('confirmPreRegistration'),
      confirmRegistration: note('confirmRegistration'),
      updatePicture: async (event) => {
        await new Promise((resolve) => setTimeout(resolve, 5))
        calls.push(['updatePicture', event])
      },
      validateUserRegistration: async (event) => {
        calls.push(['validateUserRegistration', event])
        return decide(event)
      },
      confirmUserRegistration: note('confirmUserRegistration'),
      authorizedUser: note('authorizedUser'),
      closeSession: note('closeSession'),
      disableService: note('disableService'),
      updateUser: (event) => {
        calls.push(['updateUser', event])
        return event.changes.every((change) => change.field !== 'login')
      },
      deleteUser: () => {
        throw new Error('deletions are handled by a person')
      },
      addUsers: async (event) => event.users.length <= 2
    }
  }
}

function portalFor (sandbox, hooks, options = {}) {
  const server = { baseUrl: sandbox.url('nopass') }
  return new ab.Portal({ adminId: ADMIN, sCode: SCODE, access: LOOPBACK, server, ...options }, hooks)
}

test('a node:http server: registration, user registration, a login long-polled and redeemed, close, disable', async (t) => {
  const sandbox = await startSandbox(t)
  const { calls, hooks } = recordingHooks()
  const portal = portalFor(sandbox, hooks)
  sandbox.nopass.setPortalUrl(await listen(t, ab.portalListener(portal)))

  const registered = await sandbox.nopass.registerPortal(ADMIN)
  assert.equal(registered.sCode, SCODE)
  const status = await portal.status()
  assert.equal(status.phase, 'registered')
  assert.equal(status.portalId, registered.portalId)
  assert.equal(status.hasAuthToken, true)
  await assert.rejects(sandbox.nopass.registerPortal(ADMIN), { code: 'http_status', vendor: 'nopass', status: 404 })

  const started = await portal.preRegisterUser({ userId: 'ann@example.com', email: 'ann@example.com', givenName: 'Ann' })
  const { otp } = sandbox.nopass.preRegistration('ann@example.com')
  assert.ok(started.registerLink.length > 0)
  assert.equal((await portal.session(started.handle)).state, 'pending')
  assert.ok(!JSON.stringify(started).includes(otp), 'the otp reached JavaScript')
  await sandbox.nopass.completeUserRegistration('ann@example.com')
  const validation = calls.find(([name]) => name === 'validateUserRegistration')[1]
  assert.equal(validation.origin, 'portal')
  assert.equal(validation.userId, 'ann@example.com')
  assert.deepEqual(calls.find(([name]) => name === 'confirmUserRegistration')[1], {
    userId: 'ann@example.com',
    origin: 'portal',
    handle: started.handle,
    login: 'ann@example.com'
  })
  const registered2 = await portal.redeemLogin(started.handle)
  assert.deepEqual({ ...registered2, authorizedAtMs: 0 }, {
    handle: started.handle,
    userId: 'ann@example.com',
    origin: 'registration',
    authorizedAtMs: 0
  })

  const login = await portal.requestAuthorization('ann@example.com')
  assert.equal(login.state, 'pending')
  assert.equal(login.userId, 'ann@example.com')
  assert.ok(login.imageDataUrl.startsWith('data:image/png;base64,'))
  const authId = sandbox.nopass.lastAuthId('ann@example.com')
  assert.notEqual(login.handle, authId)
  assert.ok(!JSON.stringify(login).includes(authId), 'the authId reached JavaScript')
  const phone = sandbox.nopass.driveLogin(authId, 2, true)
  const states = []
  let seen = login.version
  for (;;) {
    const session = await portal.waitSession(login.handle, { seenVersion: seen, timeoutMs: 10_000 })
    seen = session.version
    states.push(session.state)
    if (session.state !== 'pending') break
  }
  await phone
  assert.equal(states.at(-1), 'authorized')
  assert.equal(calls.filter(([name]) => name === 'updatePicture').length, 2)
  assert.equal(calls.find(([name]) => name === 'updatePicture')[1].handle, login.handle)
  assert.deepEqual(calls.find(([name]) => name === 'authorizedUser')[1], {
    handle: login.handle,
    userId: 'ann@example.com',
    authorized: true
  })
  const redeemed = await portal.redeemLogin(login.handle)
  assert.equal(redeemed.userId, 'ann@example.com')
  assert.equal(redeemed.origin, 'login')
  assert.equal((await portal.session(login.handle)).state, 'redeemed')

  const closed = await sandbox.nopass.closeSession(authId)
  assert.equal(closed.status, 200)
  assert.equal((await portal.session(login.handle)).state, 'closed')
  assert.deepEqual(calls.find(([name]) => name === 'closeSession')[1], {
    handle: login.handle,
    userId: 'ann@example.com',
    reportedUserId: 'ann@example.com'
  })

  const disabled = await sandbox.nopass.disableService()
  assert.equal(disabled.success, true)
  assert.equal((await portal.status()).phase, 'disabled')
  const refused = await sandbox.nopass.updatePicture(authId)
  assert.notEqual(refused.status, 200)
  assert.ok(refused.errorCode)
  assert.deepEqual(calls.find(([name]) => name === 'disableService')[1], { portalId: registered.portalId })
})

test('Express: callbacks under a mount path, other routes untouched, host decisions honoured', async (t) => {
  const sandbox = await startSandbox(t)
  // Only registrations this portal started: the NoPass server's own carry nothing but the
  // caller's word.
  const { calls, hooks } = recordingHooks(async (event) => event.origin === 'portal')
  const portal = portalFor(sandbox, hooks, { mountPath: '/nopass' })
  const app = express()
  app.get('/health', (req, res) => res.json({ ok: true }))
  app.use(ab.portalMiddleware(portal))
  app.use(express.json())
  app.post('/echo', (req, res) => res.json(req.body))
  const url = await listen(t, app)
  sandbox.nopass.setPortalUrl(`${url}/nopass`)
  await sandbox.nopass.registerPortal(ADMIN)

  assert.deepEqual(await (await fetch(`${url}/health`)).json(), { ok: true })
  const echo = await fetch(`${url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' })
  assert.deepEqual(await echo.json(), { a: 1 })
  const unknown = await fetch(`${url}/nopass/api/PortalCommunication/NoSuchCallback`, { method: 'POST' })
  assert.equal(unknown.status, 404)

  await assert.rejects(sandbox.nopass.registerUserFromServer('eve', 'eve@example.com'), { status: 200 })
  const check = calls.find(([name]) => name === 'validateUserRegistration')[1]
  assert.equal(check.origin, 'nopass_server')
  assert.equal(check.email, 'eve@example.com')
  assert.equal(check.userId, undefined)
  assert.equal(calls.filter(([name]) => name === 'confirmUserRegistration').length, 0)

  sandbox.nopass.addUser('bob')
  const rename = await sandbox.nopass.updateUser('bob', { login: { newValue: 'robert' } })
  assert.equal(rename.success, false, 'the hook refuses login changes')
  const phone = await sandbox.nopass.updateUser('bob', { phoneNumber: { newValue: '+15550100', forbiddenStore: false } })
  assert.equal(phone.success, true)
  const deletion = await sandbox.nopass.deleteUser('bob')
  assert.equal(deletion.success, false, 'a hook that throws refuses')
  const two = [{ login: 'c1', email: 'c1@example.com' }, { login: 'c2' }]
  assert.equal((await sandbox.nopass.addUsers(two)).result, true)
  const three = await sandbox.nopass.addUsers([...two, { login: 'c3' }])
  assert.equal(three.status, 200)
  assert.equal(three.result, false, 'AddUsers answers the decision as its result')
})

test('a hook that misses hookTimeoutMs gets the NoPass server a 503 with Retry-After, and nothing changes', async (t) => {
  const sandbox = await startSandbox(t)
  let calls = 0
  const portal = portalFor(sandbox, {
    // The first call never settles; the NoPass server's retry finds the hook answering.
    authorizedUser: () => (++calls === 1 ? new Promise(() => {}) : undefined)
  }, { hookTimeoutMs: 300 })
  const url = await listen(t, ab.portalListener(portal))
  sandbox.nopass.setPortalUrl(url)
  await sandbox.nopass.registerPortal(ADMIN)
  sandbox.nopass.addUser('ann')
  const login = await portal.requestAuthorization('ann')
  const authId = sandbox.nopass.lastAuthId('ann')
  const before = await snapshot(portal, login.handle)

  const started = performance.now()
  const late = await sendCallback(url, 'AuthorizedUser', { authId, isAuthorized: true })
  assert.equal(late.status, 503)
  assert.equal(late.code, 'hook_timeout')
  assert.ok(Number(late.headers['retry-after']) >= 1)
  assert.ok(performance.now() - started < 5_000)
  assert.deepEqual(await snapshot(portal, login.handle), before)
  await assert.rejects(portal.redeemLogin(login.handle), { code: 'conflict' })

  const retried = await sendCallback(url, 'AuthorizedUser', { authId, isAuthorized: true })
  assert.equal(retried.status, 200)
  assert.equal(calls, 2)
  assert.equal((await portal.redeemLogin(login.handle)).userId, 'ann')
})

test('without hooks every decision is refused; with no server configured the calls say so', async (t) => {
  const sandbox = await startSandbox(t)
  const portal = new ab.Portal({ adminId: ADMIN, sCode: SCODE, access: LOOPBACK })
  sandbox.nopass.setPortalUrl(await listen(t, ab.portalListener(portal)))
  await sandbox.nopass.registerPortal(ADMIN)
  await assert.rejects(sandbox.nopass.registerUserFromServer('bob', 'bob@example.com'))
  await assert.rejects(portal.requestAuthorization('bob'), { code: 'config' })
  await assert.rejects(portal.waitSession('no-such-handle'), { code: 'not_found' })
  await assert.rejects(portal.redeemLogin('no-such-handle'), { code: 'not_found' })
  assert.equal(await portal.session('no-such-handle'), null)
})

test('bad options and unknown hooks are refused when the portal is made', () => {
  const portal = (options, hooks) => new ab.Portal({ adminId: ADMIN, sCode: SCODE, access: LOOPBACK, ...options }, hooks)
  assert.throws(() => portal({ adminId: '' }), { code: 'invalid_input' })
  assert.throws(() => portal({ adminId: 'x'.repeat(65) }), { code: 'invalid_input' })
  assert.throws(() => portal({ responseMode: 'xml' }), { code: 'invalid_input', field: 'responseMode' })
  assert.throws(() => portal({}, { validateUserRegistraton: () => true }), {
    code: 'invalid_input',
    field: 'hooks.validateUserRegistraton'
  })
  assert.throws(() => portal({ hookTimeoutMs: 0 }), { code: 'invalid_input' })
  assert.throws(() => portal({ redeemTtlMs: 0 }), { code: 'invalid_input' })
  assert.throws(() => portal({ preRegistrationTtlMs: 0 }), { code: 'invalid_input' })
})

test('a portal needs an access policy that checks something', () => {
  const portal = (access) => new ab.Portal({ adminId: ADMIN, sCode: SCODE, access })
  const missing = /needs `access`.*allowedSources.*sharedSecret.*acceptAnySource/
  assert.throws(() => new ab.Portal({ adminId: ADMIN, sCode: SCODE }), { code: 'config', message: missing })
  assert.throws(() => portal(null), { code: 'config', message: missing })
  assert.throws(() => portal({}), { code: 'invalid_input', field: 'access' })
  assert.throws(() => portal({ allowedSources: [] }), { code: 'invalid_input', field: 'access' })
  assert.throws(() => portal({ allowedSources: ['not an ip'] }), { code: 'invalid_input', field: 'access.allowedSources' })
  assert.throws(() => portal({ allowedSources: ['10.0.0.0/8'], trustedProxies: ['10.0.0.0/33'] }), {
    code: 'invalid_input',
    field: 'access.trustedProxies'
  })
  assert.throws(() => portal({ trustedProxies: ['10.0.0.1'], sharedSecret: { type: 'bearer', secret: 'x'.repeat(32) } }), {
    code: 'invalid_input'
  })
  assert.throws(() => portal({ sharedSecret: { type: 'bearer', secret: 'too-short' } }), { code: 'invalid_input' })
  assert.throws(() => portal({ sharedSecret: { type: 'header', name: 'bad name', value: 'x'.repeat(32) } }), {
    code: 'invalid_input'
  })
  assert.throws(() => portal({ acceptAnySource: true, allowedSources: ['10.0.0.1'] }), { code: 'invalid_input' })
  assert.ok(portal({ acceptAnySource: true }))
  assert.ok(portal({ requireClientCertificate: true }))
  assert.ok(portal({ sharedSecret: { type: 'header', name: 'x-gateway-secret', value: 'x'.repeat(16) } }))
})

test('handle() directly: the seed envelope, case-insensitive routes, and the allow-list', async () => {
  const portal = new ab.Portal({ adminId: ADMIN, sCode: SCODE, access: { allowedSources: ['10.0.0.0/8'] } })
  const body = JSON.stringify({ AdminId: ADMIN, R: 41 })
  const headers = { 'content-type': 'text/json' }
  const denied = await portal.handle('POST', '/api/portalcommunication/confirmpreregistration', headers, body, '192.0.2.1')
  assert.equal(denied.status, 403)
  assert.equal(JSON.parse(denied.body).errors[0].code, 'forbidden_source')
  const unknownPeer = await portal.handle('POST', '/api/portalcommunication/confirmpreregistration', headers, body)
  assert.equal(unknownPeer.status, 403, 'a request without a peer passed the source check')
  const forwarded = { ...headers, 'x-forwarded-for': '10.1.2.3' }
  const forged = await portal.handle('POST', '/api/portalcommunication/confirmpreregistration', forwarded, body, '192.0.2.1')
  assert.equal(forged.status, 403, 'X-Forwarded-For was believed from a peer that is no trusted proxy')
  const answer = await portal.handle('POST', '/api/portalcommunication/confirmpreregistration', headers, body, '10.1.2.3')
  assert.equal(answer.status, 200)
  assert.equal(answer.contentType.split(';')[0], 'application/json')
  const envelope = JSON.parse(answer.body)
  assert.deepEqual(envelope.errors, [])
  assert.equal(envelope.result.r, 42)
  assert.equal(envelope.result.sCode, SCODE)
  assert.equal(portal.isCallbackPath('/API/PortalCommunication/UpdateUser?x=1'), true)
  assert.equal(portal.isCallbackPath('/api/other'), false)
})

test('an oversized callback body is answered 413 without being read whole', async (t) => {
  const portal = new ab.Portal({ adminId: ADMIN, sCode: SCODE, access: LOOPBACK, maxBodyBytes: 1024 })
  const url = await listen(t, ab.portalListener(portal))
  const response = await fetch(`${url}/api/PortalCommunication/UpdatePicture`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ image: 'x'.repeat(100_000) })
  })
  assert.equal(response.status, 413)
})

test('waitSession: an AbortSignal cancels, a deadline times out', async (t) => {
  const sandbox = await startSandbox(t)
  const portal = portalFor(sandbox, recordingHooks().hooks)
  sandbox.nopass.setPortalUrl(await listen(t, ab.portalListener(portal)))
  await sandbox.nopass.registerPortal(ADMIN)
  sandbox.nopass.addUser('ann')
  const login = await portal.requestAuthorization('ann')
  const controller = new AbortController()
  setTimeout(() => controller.abort(), 100)
  await assert.rejects(portal.waitSession(login.handle, { seenVersion: login.version, signal: controller.signal }), {
    code: 'cancelled'
  })
  await assert.rejects(portal.waitSession(login.handle, { seenVersion: login.version, timeoutMs: 1100 }), { code: 'timeout' })
  assert.equal((await portal.waitSession(login.handle)).handle, login.handle)
})

test('the SQLite store keeps the registration across portal objects; the embedded server serves it too', async (t) => {
  const sandbox = await startSandbox(t)
  const dir = await mkdtemp(join(tmpdir(), 'authbridge-portal-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const store = `sqlite:${join(dir, 'portal.sqlite')}`
  const portal = portalFor(sandbox, {}, { store })
  const server = await portal.serve()
  t.after(() => server.stop())
  sandbox.nopass.setPortalUrl(server.url)
  const registered = await sandbox.nopass.registerPortal(ADMIN)
  const reopened = portalFor(sandbox, {}, { store })
  const status = await reopened.status()
  assert.equal(status.phase, 'registered')
  assert.equal(status.portalId, registered.portalId)
  await reopened.reset()
  assert.equal((await portal.status()).phase, 'unregistered')
})

test('hooks do not keep the process alive', async () => {
  const script = `
    const ab = require('./lib/index.cjs')
    const portal = new ab.Portal({ adminId: 'a', sCode: 'b', access: { allowedSources: ['127.0.0.1'] } },
      { validateUserRegistration: async () => true, authorizedUser () {} })
    portal.status().then((status) => console.log(status.phase))
  `
  const cwd = fileURLToPath(new URL('..', import.meta.url))
  const child = spawn(process.execPath, ['-e', script], { cwd, stdio: ['ignore', 'pipe', 'inherit'], timeout: 10_000 })
  let output = ''
  let answeredAt = 0
  child.stdout.on('data', (chunk) => {
    output += chunk
    answeredAt ||= performance.now()
  })
  const [code] = await once(child, 'exit')
  assert.equal(code, 0)
  assert.equal(output.trim(), 'unregistered')
  assert.ok(performance.now() - answeredAt < 1000)
})

test('Express: a body parser mounted first does not break the callbacks', async (t) => {
  const sandbox = await startSandbox(t)
  const portal = portalFor(sandbox, {})
  const app = express()
  app.use(express.json({ type: '*/*' }))
  app.use(ab.portalMiddleware(portal))
  sandbox.nopass.setPortalUrl(await listen(t, app))
  const registered = await sandbox.nopass.registerPortal(ADMIN)
  assert.equal((await portal.status()).portalId, registered.portalId)
})
