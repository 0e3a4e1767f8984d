// The TOTP generator against RFC 6238 Appendix B and otpauth:// URIs.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'

import { ab } from './helpers.mjs'

// RFC 6238 Appendix B, shared with the other languages' tests.
const rfc6238 = JSON.parse(readFileSync(new URL('../../tests/vectors/totp-rfc6238.json', import.meta.url), 'utf8'))

test('RFC 6238 Appendix B vectors for SHA1, SHA256 and SHA512', () => {
  let checked = 0
  // The algorithm name is accepted in any of its usual spellings.
  for (const [name, spelling] of [['SHA1', 'sha1'], ['SHA256', 'SHA256'], ['SHA512', 'sha-512']]) {
    const totp = new ab.Totp(Buffer.from(rfc6238.keys[name]), { digits: rfc6238.digits, algorithm: spelling })
    assert.equal(totp.algorithm, name)
    for (const vector of rfc6238.vectors) {
      assert.equal(totp.generateAt(vector.time), vector[name], `${name} at ${vector.time}`)
      checked++
    }
  }
  assert.equal(checked, 18)
})

test('verify finds the step within the window, in either direction', () => {
  const totp = ab.Totp.fromBase32('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ')
  const now = 1_700_000_000
  const step = totp.stepAt(now)
  assert.equal(totp.verify(totp.generateAt(now - 30), now, 1), step - 1)
  assert.equal(totp.verify(totp.generateAt(now + 30), now, 1), step + 1)
  assert.equal(totp.verify(totp.generateAt(now + 90), now, 1), null)
  assert.equal(totp.verify(totp.generate()), totp.stepAt(Date.now() / 1000))
  assert.equal(totp.generateForStep(step), totp.generateAt(now))
  assert.ok(totp.secondsLeftAt(now) >= 1 && totp.secondsLeftAt(now) <= 30)
})

test('otpauth:// URIs carry issuer, account and parameters', () => {
  const totp = ab.Totp.fromUri('otpauth://totp/ACME:alice@example.com?secret=GEZDGNBVGY3TQOJQ&issuer=ACME&digits=8&period=60&algorithm=SHA256')
  assert.equal(totp.issuer, 'ACME')
  assert.equal(totp.account, 'alice@example.com')
  assert.equal(totp.digits, 8)
  assert.equal(totp.period, 60)
  assert.equal(totp.algorithm, 'SHA256')
  assert.match(totp.generate(), /^\d{8}$/)
})

test('bad secrets and settings throw invalid_input naming the field', () => {
  assert.throws(() => ab.Totp.fromBase32('not base32!'), { code: 'invalid_input' })
  assert.throws(() => new ab.Totp(Buffer.from(rfc6238.keys.SHA1), { digits: 4 }), { code: 'invalid_input', field: 'digits' })
  assert.throws(() => new ab.Totp(Buffer.from(rfc6238.keys.SHA1), { algorithm: 'MD5' }), { code: 'invalid_input', field: 'algorithm' })
  assert.throws(() => ab.Totp.fromUri('https://example.com'), { code: 'invalid_input' })
  assert.throws(() => new ab.Totp(Buffer.from(rfc6238.keys.SHA1)).generateAt(-1), { code: 'invalid_input', field: 'unixSeconds' })
})
