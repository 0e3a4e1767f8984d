// Descope from Node: nOTP with waits (approved, denied, aborted), TOTP sign-up/verify/update,
// session validation, errors keeping Descope's errorCode.
import { test } from 'node:test'
import assert from 'node:assert/strict'

import { ab, startSandbox } from './helpers.mjs'

const PHONE = '+15550001111'

async function descope (t) {
  const sandbox = await startSandbox(t)
  const client = new ab.DescopeClient({ projectId: sandbox.descope.projectId, baseUrl: sandbox.url('descope') })
  return { sandbox, client }
}

test('nOTP sign-in: the person approves while the wait polls; the session validates', async (t) => {
  const { sandbox, client } = await descope(t)
  sandbox.descope.addUser(PHONE)
  sandbox.descope.setRoles(PHONE, ['admin'], ['users.read'])
  const start = await client.notpSignIn(PHONE)
  assert.ok(start.pendingRef.length > 0)
  assert.ok(start.image.length > 0)
  assert.deepEqual(sandbox.descope.waitingLogins(), [start.pendingRef])
  assert.equal((await client.notpPendingSession(start.pendingRef)).pending, true)
  setTimeout(() => sandbox.descope.approve(start.pendingRef), 200)
  const session = await client.waitForSession(start.pendingRef, { timeoutMs: 10_000, intervalMs: 1000 })
  assert.deepEqual(session.user.loginIds, [PHONE])
  assert.equal(session.firstSeen, false)
  const claims = await client.validateSession(session.sessionJwt)
  assert.equal(claims.subject, session.user.userId)
  assert.deepEqual(claims.roles, ['admin'])
  assert.deepEqual(claims.permissions, ['users.read'])
  assert.ok(claims.expiresAt > Date.now() / 1000)
})

test('nOTP sign-up keeps the user details; a second sign-up is a conflict with Descope\'s code', async (t) => {
  const { sandbox, client } = await descope(t)
  const start = await client.notpSignUp(PHONE, { name: 'Ada Lovelace', email: 'ada@example.com' })
  assert.deepEqual(sandbox.descope.lastRequestBody('descope.notp_signup').user, { name: 'Ada Lovelace', email: 'ada@example.com' })
  sandbox.descope.approve(start.pendingRef)
  const session = await client.waitForSession(start.pendingRef, { timeoutMs: 10_000 })
  assert.equal(session.firstSeen, true)
  assert.equal(session.user.email, 'ada@example.com')
  await assert.rejects(client.notpSignUp(PHONE), { code: 'conflict', vendor: 'descope', status: 400, vendorCode: 'E062107' })
  await assert.rejects(client.notpSignIn('+15550000404'), { code: 'not_found', vendorCode: 'E062108' })
})

test('nOTP sign-up-or-in without a login ID takes the sender\'s phone', async (t) => {
  const { sandbox, client } = await descope(t)
  const start = await client.notpSignUpOrIn('')
  sandbox.descope.approveAs(start.pendingRef, '+15550009999')
  const session = await client.waitForSession(start.pendingRef, { timeoutMs: 10_000 })
  assert.deepEqual(session.user.loginIds, ['+15550009999'])
})

test('a denied login, an aborted wait and a long rate limit reject with their codes', async (t) => {
  const { sandbox, client } = await descope(t)
  sandbox.descope.addUser(PHONE)
  const denied = await client.notpSignIn(PHONE)
  sandbox.descope.deny(denied.pendingRef)
  await assert.rejects(client.waitForSession(denied.pendingRef, { timeoutMs: 10_000 }), {
    code: 'authentication_failed',
    vendorCode: 'E066104'
  })

  const waiting = await client.notpSignIn(PHONE)
  const controller = new AbortController()
  setTimeout(() => controller.abort(), 150)
  await assert.rejects(client.waitForSession(waiting.pendingRef, { signal: controller.signal }), { code: 'cancelled' })

  sandbox.descope.rateLimit('descope.pending_session', 1, 3600)
  await assert.rejects(client.notpPendingSession(waiting.pendingRef), {
    code: 'rate_limited',
    status: 429,
    retryAfter: 3600,
    vendorCode: 'E130429'
  })
})

test('TOTP: sign up, verify a generated code, refuse a wrong one, replace the key', async (t) => {
  const { sandbox, client } = await descope(t)
  const enrollment = await client.totpSignUp('ada@example.com', { name: 'Ada' })
  assert.ok(enrollment.provisioningUrl.startsWith('otpauth://totp/'))
  const generator = ab.Totp.fromUri(enrollment.provisioningUrl)
  assert.equal(generator.generateAt(1_000_000), ab.Totp.fromBase32(enrollment.key).generateAt(1_000_000))
  const session = await client.totpVerify('ada@example.com', generator.generate())
  assert.equal(session.firstSeen, true)
  assert.equal(session.user.TOTP, true)
  await assert.rejects(client.totpVerify('ada@example.com', '000000'), { code: 'authentication_failed', vendorCode: 'E061102' })

  const renewed = await client.totpUpdate('ada@example.com', session.refreshJwt)
  assert.equal(
    sandbox.descope.lastAuthorization(),
    `Bearer ${sandbox.descope.projectId}:${session.refreshJwt}`
  )
  const next = ab.Totp.fromBase32(renewed.key)
  await client.totpVerify('ada@example.com', next.generate())
  const mfa = await client.totpVerify('ada@example.com', next.generateAt(Date.now() / 1000 + 30), { mfa: true }, session.refreshJwt)
  assert.ok(mfa.sessionJwt)
})

test('bad input is refused before sending; crafted tokens are refused with a reason', async (t) => {
  const { sandbox, client } = await descope(t)
  await assert.rejects(client.totpVerify('ada', '12ab56'), { code: 'invalid_input', field: 'code' })
  await assert.rejects(client.totpSignUp(''), { code: 'invalid_input', field: 'loginId' })
  await assert.rejects(client.totpVerify('ada', '123456', { stepup: true }), { code: 'invalid_input', field: 'loginOptions' })
  assert.equal(sandbox.requestCount('descope.totp_verify'), 0)
  assert.throws(() => new ab.DescopeClient({ projectId: 'a/b' }), { code: 'invalid_input', field: 'project_id' })

  const now = Math.floor(Date.now() / 1000)
  const expired = sandbox.descope.signJwt({
    sub: 'U1',
    iss: sandbox.descope.issuer(sandbox.descope.projectId),
    iat: now - 3600,
    exp: now - 1800,
    drn: 'DS'
  })
  await assert.rejects(client.validateSession(expired), { code: 'authentication_failed', vendorCode: 'expired' })
  await assert.rejects(client.validateSession('not-a-jwt'), { code: 'authentication_failed', vendorCode: 'malformed_token' })
})
