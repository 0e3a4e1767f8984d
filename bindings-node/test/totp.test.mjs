// The TOTP generator against RFC 6238 Appendix B and otpauth:// URIs.
import { test } from 'node:test'
import assert from 'node:assert/strict'

import { ab } from './helpers.mjs'

const seed = (length) => Buffer.from('12345678901234567890'.repeat(4).slice(0, length))

test('RFC 6238 Appendix B vectors for SHA1, SHA256 and SHA512', () => {
  const vectors = [
    [59, '94287082', '46119246', '90693936'],
    [1111111109, '07081804', '68084774', '25091201'],
    [20000000000, '65353130', '77737706', '47863826']
  ]
  const sha1 = new ab.Totp(seed(20), { digits: 8 })
  const sha256 = new ab.Totp(seed(32), { digits: 8, algorithm: 'SHA256' })
  const sha512 = new ab.Totp(seed(64), { digits: 8, algorithm: 'sha-512' })
  for (const [time, one, two, five] of vectors) {
    assert.equal(sha1.generateAt(time), one)
    assert.equal(sha256.generateAt(time), two)
    assert.equal(sha512.generateAt(time), five)
  }
  assert.equal(sha512.algorithm, 'SHA512')
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
  assert.throws(() => new ab.Totp(seed(20), { digits: 4 }), { code: 'invalid_input', field: 'digits' })
  assert.throws(() => new ab.Totp(seed(20), { algorithm: 'MD5' }), { code: 'invalid_input', field: 'algorithm' })
  assert.throws(() => ab.Totp.fromUri('https://example.com'), { code: 'invalid_input' })
  assert.throws(() => new ab.Totp(seed(20)).generateAt(-1), { code: 'invalid_input', field: 'unixSeconds' })
})
