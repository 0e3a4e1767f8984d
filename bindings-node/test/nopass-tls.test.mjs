// portal.serve() with its receiver options: mutual TLS that satisfies
// `access.requireClientCertificate` and refuses other callers at the handshake, TLS without a
// client CA that satisfies it for no one, unusable PEM rejected with code `config` without the
// key in the message, and a header read timeout that closes a silent connection. The
// certificates are made with node-forge (node:crypto cannot issue X.509 certificates); the
// NoPass server is played by node:https.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { request } from 'node:https'
import { connect } from 'node:net'
import { randomBytes } from 'node:crypto'

import forge from 'node-forge'

import { ab } from './helpers.mjs'
import { ADMIN, SCODE } from './nopass-helpers.mjs'

const { pki } = forge

/** A certificate for `publicKey`, signed by `issuer` (itself when it has no certificate). */
function certificate ({ name, publicKey, issuer, extensions }) {
  const cert = pki.createCertificate()
  cert.publicKey = publicKey
  cert.serialNumber = '01' + randomBytes(8).toString('hex')
  cert.validity.notBefore = new Date(Date.now() - 60_000)
  cert.validity.notAfter = new Date(Date.now() + 86_400_000)
  cert.setSubject([{ name: 'commonName', value: name }])
  cert.setIssuer(issuer.cert ? issuer.cert.subject.attributes : [{ name: 'commonName', value: name }])
  cert.setExtensions(extensions)
  cert.sign(issuer.keys.privateKey, forge.md.sha256.create())
  return cert
}

function authority (name) {
  const keys = pki.rsa.generateKeyPair({ bits: 2048 })
  const cert = certificate({
    name,
    publicKey: keys.publicKey,
    issuer: { keys },
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }
    ]
  })
  return { keys, cert, pem: pki.certificateToPem(cert) }
}

/** A leaf certificate from `ca` with its key, as PEM. */
function leaf (ca, name, altNames, usage) {
  const keys = pki.rsa.generateKeyPair({ bits: 2048 })
  const cert = certificate({
    name,
    publicKey: keys.publicKey,
    issuer: ca,
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', ...usage },
      { name: 'subjectAltName', altNames }
    ]
  })
  return { cert: pki.certificateToPem(cert), key: pki.privateKeyToPem(keys.privateKey) }
}

const ca = authority('authbridge Node test CA')
const server = leaf(ca, 'localhost', [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }], { serverAuth: true })
const client = leaf(ca, 'nopass-server', [{ type: 2, value: 'nopass-server' }], { clientAuth: true })
const stranger = leaf(authority('a CA the receiver does not know'), 'stranger', [{ type: 2, value: 'stranger' }], {
  clientAuth: true
})

const portal = () => new ab.Portal({ adminId: ADMIN, sCode: SCODE, access: { requireClientCertificate: true } })

async function serve (t, p, options) {
  const served = await p.serve(options)
  t.after(() => served.stop())
  return served
}

/** POSTs the pre-registration callback over HTTPS, trusting the test CA and presenting `identity`. */
function preRegister (url, identity) {
  const payload = Buffer.from(JSON.stringify({ adminId: ADMIN, r: 41 }))
  return new Promise((resolve, reject) => {
    const req = request(new URL('/api/PortalCommunication/ConfirmPreRegistration', url), {
      method: 'POST',
      ca: ca.pem,
      cert: identity?.cert,
      key: identity?.key,
      agent: false,
      headers: { 'content-type': 'application/json-patch+json', 'content-length': payload.length }
    }, (res) => {
      const chunks = []
      res.on('data', (chunk) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(Buffer.concat(chunks).toString()) }))
      res.on('error', reject)
    })
    req.setTimeout(10_000, () => req.destroy(new Error('no answer in 10 s')))
    req.on('error', reject)
    req.end(payload)
  })
}

test('mutual TLS answers the NoPass server\'s certificate and refuses others at the handshake', async (t) => {
  const p = portal()
  const { url } = await serve(t, p, { tls: { certPem: server.cert, keyPem: Buffer.from(server.key), clientCaPem: ca.pem } })
  assert.match(url, /^https:\/\/127\.0\.0\.1:\d+$/)

  // With TLS 1.3 the client finishes its side of the handshake first, so the refusal shows on
  // the first read or write: the server's alert, or the connection closed before it was read.
  // Either way no answer comes.
  await assert.rejects(preRegister(url))
  await assert.rejects(preRegister(url, stranger))
  assert.equal((await p.status()).phase, 'unregistered')

  const answer = await preRegister(url, client)
  assert.equal(answer.status, 200, JSON.stringify(answer.body))
  assert.equal(answer.body.result.r, 42)
  assert.equal((await p.status()).phase, 'pre_registered')
})

test('TLS without a client CA refuses every caller with client_certificate_required', async (t) => {
  const p = portal()
  const { url } = await serve(t, p, { tls: { certPem: server.cert, keyPem: server.key } })
  assert.match(url, /^https:/)
  // A certificate the receiver did not ask for proves nothing.
  for (const identity of [undefined, client, stranger]) {
    const answer = await preRegister(url, identity)
    assert.deepEqual([answer.status, answer.body.errors[0].code], [403, 'client_certificate_required'])
  }
  assert.equal((await p.status()).phase, 'unregistered')
})

test('unusable PEM rejects with code config, without the key in the message', async () => {
  const secretLine = 'c2VjcmV0IGtleSBtYXRlcmlhbA==!'
  const cases = {
    'broken key': { certPem: server.cert, keyPem: `-----BEGIN PRIVATE KEY-----\n${secretLine}\n-----END PRIVATE KEY-----\n` },
    'no key': { certPem: server.cert, keyPem: 'no key here' },
    'another certificate\'s key': { certPem: server.cert, keyPem: client.key },
    'no certificate': { certPem: '', keyPem: server.key },
    'client CA bundle': { certPem: server.cert, keyPem: server.key, clientCaPem: 'not a certificate' }
  }
  for (const [name, tls] of Object.entries(cases)) {
    await assert.rejects(portal().serve({ tls }), (error) => {
      assert.equal(error.code, 'config', name)
      assert.ok(!/c2VjcmV0|no key here|PRIVATE KEY/.test(`${error.message} ${error.stack}`), error.message)
      return true
    }, name)
  }
})

test('limits that would refuse every callback, and a host that is no address, are refused', async () => {
  for (const limit of [{ headerReadTimeoutMs: 0 }, { idleTimeoutMs: 0 }, { bodyReadTimeoutMs: 0 }, { maxConnections: 0 }]) {
    await assert.rejects(portal().serve(limit), { code: 'config' }, JSON.stringify(limit))
  }
  await assert.rejects(portal().serve({ host: 'localhost' }), { code: 'invalid_input', field: 'host' })
})

test('a silent connection is closed after the header read timeout', async (t) => {
  // The defaults would keep it 5 s (the idle timeout).
  const { url } = await serve(t, portal(), { headerReadTimeoutMs: 500, idleTimeoutMs: 60_000, shutdownGraceMs: 100 })
  assert.match(url, /^http:/)
  const socket = connect(Number(new URL(url).port), '127.0.0.1')
  await once(socket, 'connect')
  const opened = performance.now()
  socket.setTimeout(3000, () => socket.destroy(new Error('a connection that sent nothing is still open after 3 s')))
  socket.resume()
  const [hadError] = await Promise.race([once(socket, 'close'), once(socket, 'error').then(([e]) => { throw e })])
  const held = performance.now() - opened
  assert.equal(hadError, false)
  assert.ok(held >= 400, `closed after ${held} ms`)
})
