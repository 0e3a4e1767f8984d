// Attacks on a NoPass portal from the network, through the node:http and Express adapters
// over real HTTP, under every access policy (nopass-policies.mjs). Each attack is refused
// and leaves the portal as it was: its status and the sessions involved are compared before
// and after, and the hooks are checked for calls. The sandbox's NoPass server drives the
// legitimate flows; `sandbox.nopass.lastAuthId(user)` is the authId it issued, which an
// outsider is assumed to have learnt.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'

import { ab, startSandbox } from './helpers.mjs'
import { ADMIN, OUTSIDER, attackerPng, gate, listen, sendCallback, sleep, snapshot } from './nopass-helpers.mjs'
import { ADAPTERS, POLICIES, world } from './nopass-policies.mjs'

test('a portal with the default options (no access policy) is not made', () => {
  assert.throws(() => new ab.Portal({ adminId: ADMIN, sCode: 'code' }), { code: 'config' })
})

test('a bearer shared secret: 401 with WWW-Authenticate without it, served with it', async (t) => {
  const secret = 'a-long-random-bearer-secret-0123456789'
  const portal = new ab.Portal({ adminId: ADMIN, sCode: 'code', access: { sharedSecret: { type: 'bearer', secret } } })
  const url = await listen(t, ab.portalListener(portal))
  const body = { adminId: ADMIN, r: 1 }
  for (const authorization of [undefined, `Bearer ${secret}x`, secret, `Basic ${secret}`]) {
    const headers = authorization ? { authorization } : {}
    const refused = await sendCallback(url, 'ConfirmPreRegistration', body, { from: OUTSIDER, headers })
    assert.equal(refused.status, 401, String(authorization))
    assert.equal(refused.headers['www-authenticate'], 'Bearer')
  }
  assert.equal((await portal.status()).phase, 'unregistered')
  const served = await sendCallback(url, 'ConfirmPreRegistration', body, {
    from: OUTSIDER,
    headers: { authorization: `Bearer ${secret}` }
  })
  assert.equal(served.status, 200)
  assert.equal((await portal.status()).phase, 'pre_registered')
})

test('requireClientCertificate: node:http verifies none, so every callback is refused', async (t) => {
  const portal = new ab.Portal({ adminId: ADMIN, sCode: 'code', access: { requireClientCertificate: true } })
  const url = await listen(t, ab.portalListener(portal))
  const answer = await sendCallback(url, 'ConfirmPreRegistration', { adminId: ADMIN, r: 1 })
  assert.equal(answer.status, 403)
  assert.equal(answer.code, 'client_certificate_required')
  assert.equal((await portal.status()).phase, 'unregistered')
})

/** Starts a login for a new NoPass user; gives its handle and the authId the server issued. */
async function startLogin (sandbox, portal, user = `user-${randomUUID()}`) {
  sandbox.nopass.addUser(user)
  const login = await portal.requestAuthorization(user)
  return { user, handle: login.handle, authId: sandbox.nopass.lastAuthId(user) }
}

for (const [adapterName, adapter] of Object.entries(ADAPTERS)) {
  for (const [policyName, policy] of Object.entries(POLICIES)) {
    describe(`${adapterName}, ${policyName}`, () => {
      const setUp = async (t, options = {}) => {
        const sandbox = await startSandbox(t)
        return { sandbox, ...(await world(t, { adapter, policy, sandbox, ...options })) }
      }

      // Under acceptAnySource there are no outsiders: the tests below are all there is.
      if (policy.refusal) test('outsiders are refused before the body is read, whatever they send, and nothing changes', async (t) => {
        const { sandbox, portal, calls, outsiders, refusal, portalId } = await setUp(t)
        const login = await startLogin(sandbox, portal)
        const before = await snapshot(portal, login.handle)
        const forged = {
          AuthorizedUser: { authId: login.authId, isAuthorized: true },
          UpdatePicture: { authId: login.authId, image: attackerPng(), nextChange: 30_000 },
          CloseSession: { authId: login.authId, portalId, userId: '' },
          ConfirmPreRegistration: { adminId: ADMIN, r: 1 },
          ConfirmRegistration: { portalId: 'mallory', authToken: 'mallory-token', settings: '{}' },
          ValidateUserRegistration: { otp: 'mallory-otp', login: login.user },
          ConfirmUserRegistration: { otp: 'mallory-otp', portalId, session: { authId: 'mallory', login: login.user } },
          UpdateUser: { userId: login.user, portalId, updates: { email: { newValue: 'mallory@example.com' } } },
          DisableService: { portalId }
        }
        assert.ok(outsiders.length > 0)
        for (const outsider of outsiders) {
          for (const [callback, body] of Object.entries(forged)) {
            const answer = await outsider.send(callback, body)
            assert.equal(answer.status, refusal.status, `${outsider.name}: ${callback}`)
            assert.equal(answer.code, refusal.code, `${outsider.name}: ${callback}`)
          }
        }
        assert.deepEqual(await snapshot(portal, login.handle), before)
        assert.deepEqual(calls, [], 'a refused callback reached a hook')
        // The NoPass server itself still gets through, and the login is intact.
        await sandbox.nopass.driveLogin(login.authId, 1, true)
        assert.equal((await portal.redeemLogin(login.handle)).userId, login.user)
      })

      test('AuthorizedUser, UpdatePicture and CloseSession for an authId this portal never issued, or with the browser handle, change nothing', async (t) => {
        const { sandbox, portal, calls, insider, portalId } = await setUp(t)
        const login = await startLogin(sandbox, portal)
        const before = await snapshot(portal, login.handle)
        for (const authId of [randomUUID(), login.handle]) {
          const approve = await insider.send('AuthorizedUser', { authId, isAuthorized: true })
          assert.equal(approve.status, 404)
          assert.equal(approve.code, 'unknown_auth_id')
          const swap = await insider.send('UpdatePicture', { authId, image: attackerPng(), nextChange: 30_000 })
          assert.equal(swap.status, 404)
          assert.equal(swap.code, 'unknown_auth_id')
          const close = await insider.send('CloseSession', { authId, portalId, userId: '' })
          assert.equal(close.status, 404)
        }
        assert.deepEqual(await snapshot(portal, login.handle), before)
        assert.deepEqual(calls, [])
        await assert.rejects(portal.redeemLogin(login.handle), { code: 'conflict' })
      })

      test('a half-registered portal cannot be bound once preRegistrationTtlMs has passed', async (t) => {
        const { sandbox, portal, calls, insider, outsiders, refusal } = await setUp(t, {
          register: false,
          options: { preRegistrationTtlMs: 1000 }
        })
        const pre = await sandbox.nopass.send('ConfirmPreRegistration', { adminId: ADMIN, r: 41 })
        assert.equal(pre.status, 200)
        assert.equal((await portal.status()).phase, 'pre_registered')
        const hijack = { portalId: 'mallory-portal', authToken: 'mallory-token', settings: '{}' }
        for (const outsider of outsiders) {
          const early = await outsider.send('ConfirmRegistration', hijack)
          assert.equal(early.status, refusal.status, outsider.name)
        }
        assert.equal((await portal.status()).phase, 'pre_registered')

        await sleep(1100)
        const lapsed = await portal.status()
        assert.equal(lapsed.phase, 'unregistered')
        const late = await insider.send('ConfirmRegistration', hijack)
        assert.equal(late.status, 409)
        assert.equal(late.code, 'not_pre_registered')
        assert.deepEqual(await portal.status(), lapsed)
        assert.equal(calls.filter(([name]) => name === 'confirmRegistration').length, 0)
        // The NoPass server registers the portal afresh.
        const registered = await sandbox.nopass.registerPortal(ADMIN)
        assert.equal((await portal.status()).portalId, registered.portalId)
      })

      test('wrong adminIds are throttled per source: after three, 429 with Retry-After, even for the right one', async (t) => {
        const { sandbox, portal, calls, insider } = await setUp(t, { register: false })
        for (let guess = 1; guess <= 4; guess++) {
          const answer = await insider.send('ConfirmPreRegistration', { adminId: `guess-${guess}`, r: 1 })
          assert.equal(answer.status, 403, `guess ${guess}`)
          assert.equal(answer.code, 'admin_id_mismatch')
        }
        const throttled = await insider.send('ConfirmPreRegistration', { adminId: 'guess-5', r: 1 })
        assert.equal(throttled.status, 429)
        assert.equal(throttled.code, 'too_many_attempts')
        assert.ok(Number(throttled.headers['retry-after']) >= 1, `Retry-After: ${throttled.headers['retry-after']}`)
        const right = await insider.send('ConfirmPreRegistration', { adminId: ADMIN, r: 1 })
        assert.equal(right.status, 429, 'a locked-out source had its adminId compared')
        assert.equal((await portal.status()).phase, 'unregistered')
        assert.deepEqual(calls, [])
        // Another source, the NoPass server, is not locked out.
        await sandbox.nopass.registerPortal(ADMIN)
        assert.equal((await portal.status()).phase, 'registered')
      })

      test('a registration forged with a caller-chosen otp authorises no session and gives nothing to redeem', async (t) => {
        const { sandbox, portal, calls, insider, portalId } = await setUp(t)
        const user = `ann-${randomUUID()}`
        const started = await portal.preRegisterUser({ userId: user, email: `${user}@example.com` })
        const before = await snapshot(portal, started.handle)
        const otp = 'chosen-by-mallory-0123456789'
        const validate = await insider.send('ValidateUserRegistration', { otp, login: user, email: `${user}@example.com` })
        assert.equal(validate.status, 200)
        assert.equal(validate.result, true, 'the lax hook accepts it')
        const confirm = await insider.send('ConfirmUserRegistration', {
          otp,
          portalId,
          session: { authId: 'mallory-auth-id', login: user }
        })
        assert.equal(confirm.status, 200)
        assert.deepEqual(calls.map(([name, event]) => [name, event.origin, event.userId, event.handle]), [
          ['validateUserRegistration', 'nopass_server', undefined, undefined],
          ['confirmUserRegistration', 'nopass_server', user, undefined]
        ])
        assert.deepEqual(await snapshot(portal, started.handle), before)
        await assert.rejects(portal.redeemLogin(started.handle), { code: 'conflict' })
        for (const guess of ['mallory-auth-id', otp]) {
          await assert.rejects(portal.redeemLogin(guess), { code: 'not_found' })
          assert.equal(await portal.session(guess), null)
        }
        const approve = await insider.send('AuthorizedUser', { authId: 'mallory-auth-id', isAuthorized: true })
        assert.equal(approve.code, 'unknown_auth_id')
        const replay = await insider.send('ConfirmUserRegistration', { otp, portalId, session: { authId: 'x', login: user } })
        assert.equal(replay.status, 403, 'an otp was used twice')
        const unvalidated = await insider.send('ConfirmUserRegistration', {
          otp: 'never-validated-otp',
          portalId,
          session: { authId: 'y', login: user }
        })
        assert.equal(unvalidated.status, 403)
        assert.equal(unvalidated.code, 'otp_refused')
        assert.deepEqual(await snapshot(portal, started.handle), before)
        // The registration the portal started completes as the NoPass server confirms it.
        await sandbox.nopass.completeUserRegistration(user)
        const redeemed = await portal.redeemLogin(started.handle)
        assert.deepEqual([redeemed.userId, redeemed.origin], [user, 'registration'])
      })

      test('a login is redeemed once, a denied or expired one never', async (t) => {
        const { sandbox, portal } = await setUp(t, { options: { redeemTtlMs: 1000 } })
        const login = await startLogin(sandbox, portal)
        await assert.rejects(portal.redeemLogin(login.handle), { code: 'conflict' }, 'a pending login was redeemed')
        await sandbox.nopass.driveLogin(login.authId, 0, true)
        const both = await Promise.allSettled([portal.redeemLogin(login.handle), portal.redeemLogin(login.handle)])
        const won = both.filter((r) => r.status === 'fulfilled')
        assert.equal(won.length, 1, 'two concurrent redeems both succeeded (or neither)')
        assert.equal(won[0].value.userId, login.user)
        assert.equal(both.find((r) => r.status === 'rejected').reason.code, 'conflict')
        await assert.rejects(portal.redeemLogin(login.handle), { code: 'conflict' })
        const replayed = await sandbox.nopass.authorize(login.authId, true)
        assert.equal(replayed.status, 409)
        assert.equal((await portal.session(login.handle)).state, 'redeemed')

        const denied = await startLogin(sandbox, portal)
        await sandbox.nopass.driveLogin(denied.authId, 0, false)
        await assert.rejects(portal.redeemLogin(denied.handle), { code: 'authentication_failed' })

        const late = await startLogin(sandbox, portal)
        await sandbox.nopass.driveLogin(late.authId, 0, true)
        await sleep(1100)
        assert.equal((await portal.session(late.handle)).state, 'expired')
        await assert.rejects(portal.redeemLogin(late.handle), { code: 'authentication_failed' })
      })

      test('concurrent copies of one callback reach the hook once', async (t) => {
        // Each hook holds its first call until the test has sent the copy.
        const calls = []
        const held = { authorizedUser: [gate(), gate()], validateUserRegistration: [gate(), gate()] }
        const hold = (name) => async (event) => {
          calls.push(name)
          const [entered, release] = held[name]
          entered.open()
          await release.promise
          return true
        }
        const { sandbox, portal } = await setUp(t, {
          hooks: { authorizedUser: hold('authorizedUser'), validateUserRegistration: hold('validateUserRegistration') }
        })

        // A login's decision: the copy waits for the first, then finds the login decided.
        const login = await startLogin(sandbox, portal)
        const { version } = await portal.session(login.handle)
        const first = sandbox.nopass.authorize(login.authId, true)
        await held.authorizedUser[0].promise
        const copy = sandbox.nopass.authorize(login.authId, true)
        await sleep(100)
        held.authorizedUser[1].open()
        const [one, two] = await Promise.all([first, copy])
        assert.deepEqual([one.status, two.status], [200, 409])
        assert.ok(['in_progress', 'session_finished'].includes(two.errorCode), two.errorCode)
        const session = await portal.session(login.handle)
        assert.deepEqual([session.state, session.version], ['authorized', version + 1])

        // A decision that leaves no state behind: the copy is refused at once.
        const user = `bob-${randomUUID()}`
        await portal.preRegisterUser({ userId: user })
        const { otp } = sandbox.nopass.preRegistration(user)
        const validate = sandbox.nopass.send('ValidateUserRegistration', { otp, login: user })
        await held.validateUserRegistration[0].promise
        const refused = await sandbox.nopass.send('ValidateUserRegistration', { otp, login: user })
        held.validateUserRegistration[1].open()
        assert.equal((await validate).status, 200)
        assert.equal(refused.status, 409)
        assert.equal(refused.errorCode, 'in_progress')
        assert.deepEqual(calls, ['authorizedUser', 'validateUserRegistration'])
      })
    })
  }
}
