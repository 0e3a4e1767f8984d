// AuthX from Node: token, users, PINs, biometric uploads from every kind of source, framing.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createReadStream } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'

import { ab, authxClient, authxProfile, startSandbox } from './helpers.mjs'

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex')
const sample = (seed, size = 200_000) => Buffer.alloc(size, seed)

test('the token is fetched once and shared by concurrent calls', async (t) => {
  const sandbox = await startSandbox(t)
  const client = authxClient(sandbox)
  const tokens = await Promise.all(Array.from({ length: 20 }, () => client.accessToken()))
  assert.equal(new Set(tokens.map((token) => token.accessToken)).size, 1)
  assert.equal(tokens[0].tokenType.toLowerCase(), 'bearer')
  assert.ok(tokens[0].expiresIn > 0)
  assert.equal(sandbox.authx.issuedTokens().length, 1)
  assert.equal(sandbox.requestCount('authx.AccessToken'), 1)
})

test('users: add, update, delete, with the seed field names on the wire', async (t) => {
  const sandbox = await startSandbox(t)
  const client = authxClient(sandbox)
  const guid = await client.addUser({ ...authxProfile('richard'), countryCode: '+91', aliases: [null, 'rich'] })
  const sent = sandbox.authx.lastRequest('authx.AddUser')
  assert.deepEqual(sent.name, { first_Name: 'Richard', last_Name: 'Miller' })
  assert.equal(sent.alias_name1, 'rich')
  assert.equal(sandbox.authx.user(guid).countryCode, '+91')

  assert.equal(await client.updateUser(guid, { ...authxProfile('richard'), lastName: 'Mills' }), guid)
  assert.equal(sandbox.authx.user(guid).lastName, 'Mills')
  await assert.rejects(client.addUser(authxProfile('richard')), (error) => {
    assert.equal(error.code, 'vendor')
    assert.equal(error.vendor, 'authx')
    assert.equal(error.vendorCode, '0')
    assert.match(error.vendorMessage, /already exists/)
    return true
  })
  await client.deleteUser(guid)
  assert.equal(sandbox.authx.user(guid), null)
  assert.equal(sandbox.authx.userCount(), 0)
})

test('bad input is refused before sending, naming the seed field', async (t) => {
  const sandbox = await startSandbox(t)
  const client = authxClient(sandbox)
  await assert.rejects(client.addUser({ ...authxProfile('x'), email: 'nope' }), { code: 'invalid_input', field: 'email' })
  await assert.rejects(client.addUser({ ...authxProfile('x'), countryCode: '91' }), { code: 'invalid_input', field: 'countryCode' })
  assert.equal(sandbox.requestCount('authx.AddUser'), 0)
  assert.throws(() => new ab.AuthxClient({ applicationId: 'a', applicationKey: 'b' }), { code: 'invalid_input', field: 'baseUrl' })
  assert.throws(() => new ab.AuthxClient({ tenantHost: 'a.evil.com/x', applicationId: 'a', applicationKey: 'b' }), {
    code: 'invalid_input',
    field: 'host'
  })
  assert.throws(() => authxClient(sandbox, { applicationId: '' }), { code: 'invalid_input', field: 'ApplicationId' })
})

test('PINs: a wrong PIN is an answer, not an error', async (t) => {
  const sandbox = await startSandbox(t)
  const client = authxClient(sandbox)
  const guid = await client.addUser(authxProfile('pin-user'))
  await client.generatePin(guid, '4711')
  assert.deepEqual(await client.verifyPin(guid, '4711'), { verified: true })
  const wrong = await client.verifyPin(guid, '0000')
  assert.equal(wrong.verified, false)
  assert.equal(wrong.subcode, 0)
  assert.match(wrong.message, /Invalid PIN/)
  await assert.rejects(client.verifyPin('no-such-guid', '4711'), { code: 'vendor', vendorCode: '100' })
})

test('a token the server ended is renewed once and the call repeated', async (t) => {
  const sandbox = await startSandbox(t)
  const client = authxClient(sandbox)
  const guid = await client.addUser(authxProfile('renew'))
  sandbox.authx.expireTokens()
  await client.generatePin(guid, '1234')
  assert.equal(sandbox.authx.issuedTokens().length, 2)
})

test('biometrics: enrol and verify from a Buffer; a mismatch is an outcome', async (t) => {
  const sandbox = await startSandbox(t)
  const client = authxClient(sandbox)
  const guid = await client.addUser(authxProfile('face'))
  const enrol = await client.processBiometric({ user: guid, kind: 'face', process: 'enrol', correlationId: 'c-1' }, sample(1))
  assert.equal(enrol.outcome, 'success')
  assert.equal(enrol.outcomeCode, 1)
  assert.equal(enrol.correlationId, 'c-1')
  assert.deepEqual(sandbox.authx.user(guid).enrolled, [2])
  const upload = sandbox.authx.lastUpload()
  assert.equal(upload.bytes, 200_000)
  assert.equal(upload.sha256, sha256(sample(1)))
  assert.ok(upload.contentLength > 200_000)
  assert.equal(upload.processBiometrics.application_parameters.host_name, sandbox.authx.biometricApp.hostName)

  assert.equal((await client.processBiometric({ user: guid, kind: 'face', process: 'verify' }, sample(1))).outcome, 'success')
  const mismatch = await client.processBiometric({ user: guid, kind: 'face', process: 'verify' }, sample(2))
  assert.equal(mismatch.outcome, 'face_not_match')
  sandbox.authx.queueBiometricOutcome(3)
  assert.equal((await client.processBiometric({ user: guid, kind: 'face', process: 'verify' }, sample(1))).outcome, 'face_quality_poor')
  await assert.rejects(client.processBiometric({ user: guid, kind: 'palm', process: 'enrol' }, Buffer.alloc(0)), {
    code: 'invalid_input',
    field: 'biometricdata'
  })
})

test('biometrics from a file path and from a Node Readable stream', async (t) => {
  const sandbox = await startSandbox(t)
  const client = authxClient(sandbox)
  const guid = await client.addUser(authxProfile('streams'))
  const dir = await mkdtemp(join(tmpdir(), 'authbridge-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const file = join(dir, 'finger.bin')
  await writeFile(file, sample(7, 1_500_000))

  assert.equal((await client.processBiometric({ user: guid, kind: 'finger', process: 'enrol' }, file)).outcome, 'success')
  assert.equal(sandbox.authx.lastUpload().sha256, sha256(sample(7, 1_500_000)))
  assert.ok(sandbox.authx.lastUpload().contentLength > 1_500_000, 'a file has a known length')

  const fromStream = await client.processBiometric({ user: guid, kind: 'finger', process: 'verify' }, createReadStream(file))
  assert.equal(fromStream.outcome, 'success')
  assert.equal(sandbox.authx.lastUpload().contentLength, undefined, 'a stream of unknown length is sent chunked')

  const chunks = Readable.from([sample(7, 500_000), sample(7, 1_000_000)])
  const sized = await client.processBiometric(
    { user: guid, kind: 'finger', process: 'verify' },
    { stream: chunks, length: 1_500_000 }
  )
  assert.equal(sized.outcome, 'success')
  assert.ok(sandbox.authx.lastUpload().contentLength > 1_500_000)

  await assert.rejects(client.processBiometric({ user: guid, kind: 'finger', process: 'verify' }, join(dir, 'missing.bin')), {
    code: 'io'
  })
  const failing = new Readable({
    read () {
      this.destroy(new Error('camera unplugged'))
    }
  })
  await assert.rejects(client.processBiometric({ user: guid, kind: 'finger', process: 'verify' }, failing), (error) => {
    assert.ok(['io', 'transport'].includes(error.code), error.code)
    return true
  })
})

test('the framing encoder on its own: same bytes as the upload, streamed or whole', async (t) => {
  const sandbox = await startSandbox(t)
  const request = { user: 'guid-1', kind: 'palm', process: 'enrol', correlationId: 'corr-9' }
  const frame = await ab.frameBiometric(sandbox.authx.biometricApp, request, sample(3, 100_000))
  assert.match(frame.contentType, /^multipart\/form-data; boundary=authbridge-[0-9a-f]+$/)
  assert.equal(frame.correlationId, 'corr-9')
  const chunks = []
  for await (const chunk of frame) chunks.push(chunk)
  const body = Buffer.concat(chunks)
  assert.equal(body.length, frame.contentLength)
  const text = body.toString('latin1')
  assert.ok(text.startsWith(`--${frame.boundary}\r\nContent-Disposition: form-data; name="processBiometrics"\r\n\r\n{`))
  assert.ok(text.includes('name="biometricdata"; filename="blob"\r\nContent-Type: application/octet-stream\r\n\r\n'))
  assert.ok(text.endsWith(`\r\n--${frame.boundary}--\r\n`))
  assert.equal(await frame.read(), null)

  const client = authxClient(sandbox)
  const again = await client.biometricFrame(request, Readable.from([sample(3, 100_000)]))
  assert.equal(again.contentLength, null)
  assert.ok((await again.toBuffer()).includes(sample(3, 100_000)))
  await assert.rejects(ab.frameBiometric({ ...sandbox.authx.biometricApp, secretKey: '' }, request, sample(3)), {
    code: 'invalid_input',
    field: 'secret_key'
  })
})
