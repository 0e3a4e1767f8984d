// The rest of each stand-in's control API, each with an effect a test can see.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { once } from 'node:events'

import { ab, authxClient, authxProfile, startSandbox } from './helpers.mjs'

test('AuthX control: extra applications, token lifetime, lookups by name', async (t) => {
  const sandbox = await startSandbox(t)
  sandbox.authx.addApplication('app-2', 'key-2')
  sandbox.authx.addBiometricApp('bio-2', 'secret-2', 'host2')
  sandbox.authx.setTokenLifetime(3_600_000)
  const client = authxClient(sandbox, {
    applicationId: 'app-2',
    applicationKey: 'key-2',
    biometricApp: { applicationKey: 'bio-2', secretKey: 'secret-2', hostName: 'host2' }
  })
  assert.equal((await client.accessToken()).expiresIn, 3600)
  const guid = await client.addUser(authxProfile('named'))
  assert.equal(sandbox.authx.userNamed('named').guid, guid)
  assert.equal(sandbox.authx.userNamed('nobody'), null)
  const result = await client.processBiometric({ user: guid, kind: 'finger', process: 'enrol' }, Buffer.alloc(10, 1))
  assert.equal(result.outcome, 'success')
  assert.equal(sandbox.authx.lastUpload().processBiometrics.application_parameters.application_key, 'bio-2')
})

test('Descope control: projects, providers, TTLs, cookies, management keys, failures, key rotation', async (t) => {
  const sandbox = await startSandbox(t)
  const d = sandbox.descope
  const url = sandbox.url('descope')
  d.addProject('P2Other')
  d.addNotpProvider('sms')
  const other = new ab.DescopeClient({ projectId: 'P2Other', baseUrl: url })
  const start = await other.notpSignUpOrIn('+15550002222', { provider: 'sms' })
  assert.equal(d.waitingLogins().length, 1)
  assert.equal(d.expire(start.pendingRef), true)
  await assert.rejects(other.waitForSession(start.pendingRef, { timeoutMs: 5000 }), { code: 'authentication_failed', vendorCode: 'E066102' })

  const login = '+15550003333'
  const key = d.addTotpUser(login)
  d.setTenant(login, 'T1', ['tenant-admin'], ['billing.write'])
  d.setSessionTtl(120_000)
  d.setRefreshInCookie(true)
  // Keys are fetched again at once for an unknown kid, so the rotation below is seen.
  const client = new ab.DescopeClient({ projectId: d.projectId, baseUrl: url, minKeyRefreshMs: 0 })
  const session = await client.totpVerify(login, ab.Totp.fromBase32(key).generate())
  assert.ok(session.refreshJwt, 'the refresh JWT is read from the DSR cookie')
  const claims = await client.validateSession(session.sessionJwt)
  assert.deepEqual(claims.tenants.T1.roles, ['tenant-admin'])
  assert.ok(claims.expiresAt - claims.issuedAt <= 120)
  assert.equal(d.user(login).loginIds[0], login)
  assert.deepEqual(d.lastSdkHeaders()?.length, 2)

  const kid = d.signingKid()
  d.rotateSigningKey()
  assert.notEqual(d.signingKid(), kid)
  const rotated = await client.totpVerify(login, ab.Totp.fromBase32(key).generateAt(Date.now() / 1000 + 30))
  assert.equal((await client.validateSession(rotated.sessionJwt)).subject, claims.subject)

  d.failNext('descope.totp_verify', 500, 'E011003', null, 1)
  await assert.rejects(client.totpVerify(login, '123456'), { code: 'vendor', status: 500, vendorCode: 'E011003' })
  d.requireManagementKey('mk-1')
  await assert.rejects(client.totpVerify(login, '123456'), { code: 'unauthorized' })
  const managed = new ab.DescopeClient({ projectId: d.projectId, baseUrl: url, managementKey: 'mk-1' })
  await assert.rejects(managed.totpVerify(login, '000000'), { code: 'authentication_failed' })
  d.setPendingTtl(60_000)
})

test('OtpOne control: expiry, TTLs, HTML as text, the raw query', async (t) => {
  const sandbox = await startSandbox(t)
  const o = sandbox.otpone
  o.registerKeys('SRV-k', 'JS-k')
  o.setTransactionTtl(600_000)
  o.setServerOnlyTimeout(300)
  o.setHtmlAsText(true)
  const server = new ab.OtpOneServer('SRV-k', { baseUrl: sandbox.url('otpone') })
  const client = new ab.OtpOneClient('JS-k', { baseUrl: sandbox.url('otpone') })
  const txn = await server.getTransactionId('bob@example.com', 'RequestWebSession', 'hello')
  assert.ok((await server.getHtml(txn.id, 'Certificate', 'form1')).length > 0)
  assert.match(o.lastQuery(), /pageType=3/)
  assert.equal(o.expire(txn.id), true)
  assert.equal(o.transaction(txn.id).status, 'expired')
  assert.equal(await client.isFinish(txn.id), true)
  await assert.rejects(server.sendRequest('bob@example.com', 0, 'm', '198.51.100.1', 'Linux', 'app'), { code: 'authentication_failed' })
})

test('NoPass control: registration by hand, raw callbacks, logins and users it knows', async (t) => {
  const sandbox = await startSandbox(t)
  const n = sandbox.nopass
  const access = { allowedSources: ['127.0.0.1'] }
  const portal = new ab.Portal({ adminId: 'admin', sCode: 'code', access, server: { baseUrl: sandbox.url('nopass') } })
  const http = createServer(ab.portalListener(portal))
  http.listen(0, '127.0.0.1')
  await once(http, 'listening')
  t.after(() => new Promise((resolve) => http.close(resolve)))
  n.setPortalUrl(`http://127.0.0.1:${http.address().port}/`)
  assert.equal(n.portalUrl(), `http://127.0.0.1:${http.address().port}`)

  const pre = await n.send('ConfirmPreRegistration', { adminId: 'admin', r: 1 })
  assert.equal(pre.status, 200)
  assert.equal(pre.result.r, 2)
  const portalId = 'p-1'
  const registered = await n.send('ConfirmRegistration', { portalId, authToken: 'token-1', settings: '{}' })
  assert.equal(registered.success, true)
  n.setRegistration({ portalId, authToken: 'token-1', sCode: 'code' })
  assert.equal(n.registration().portalId, portalId)

  n.addUser('carol')
  assert.equal(n.hasUser('carol'), true)
  assert.equal(n.hasUser('dave'), false)
  const login = await portal.requestAuthorization('carol')
  const authId = n.lastAuthId('carol')
  assert.equal(typeof authId, 'string')
  assert.notEqual(authId, login.handle)
  assert.equal(n.loginUser(authId), 'carol')
  const denied = await n.authorize(authId, false, 'not me')
  assert.equal(denied.success, true)
  const session = await portal.session(login.handle)
  assert.equal(session.state, 'denied')
  assert.equal(session.reason, 'not me')
  const bad = await n.send('UpdatePicture', { nonsense: true })
  assert.equal(bad.success, false)
  assert.ok(bad.errorCode)
})
