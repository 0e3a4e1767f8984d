// The portal's store is chosen by URL, as in every language: memory:, sqlite:PATH or a bare
// path, redis:// (against a real Redis in tests/cross/50-replicas.sh).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { Portal } from '../index.js'

const portal = (store) => new Portal({ adminId: 'JimTheAdmin', sCode: 'nDhTZvX82Et', access: { acceptAnySource: true }, store })

test('each store URL opens a working portal', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'authbridge-store-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  for (const store of [undefined, 'memory:', `sqlite:${join(dir, 'a.sqlite')}`, join(dir, 'b.sqlite')]) {
    assert.equal((await portal(store).status()).phase, 'unregistered', String(store))
  }
  assert.ok(existsSync(join(dir, 'a.sqlite')) && existsSync(join(dir, 'b.sqlite')), 'the SQLite files were not created')
})

test('an unknown scheme is refused by name, an unreachable Redis is a store error without its password', () => {
  assert.throws(() => portal('ftp://example.com/portal'), (error) => error.code === 'invalid_input' && /ftp/.test(error.message))
  assert.throws(() => portal('redis://app:hunter2-secret@127.0.0.1:1/0?portal=shop'),
    (error) => error.code === 'store' && error.message.includes('127.0.0.1:1') && !error.message.includes('hunter2'))
})
