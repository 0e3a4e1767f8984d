// A 64 MiB biometric upload from Node: monotone, throttled progress ending at the total, and an
// AbortSignal that stops it mid-way within a second, the sandbox seeing the upload abandoned.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'

import { authxClient, authxProfile, startSandbox } from './helpers.mjs'

const MIB = 1024 * 1024
const SAMPLE = 64 * MIB

async function enrolment (client, name) {
  const guid = await client.addUser(authxProfile(name))
  return { user: guid, kind: 'face', process: 'enrol' }
}

test('a 64 MiB upload reports monotone, throttled progress ending at the total', async (t) => {
  const sandbox = await startSandbox(t)
  const client = authxClient(sandbox)
  const request = await enrolment(client, 'progress')
  sandbox.authx.setUploadRate(SAMPLE) // about a second, so the throttle shows
  const calls = []
  const started = performance.now()
  const result = await client.processBiometric(request, Buffer.alloc(SAMPLE, 7), {
    onProgress: (sent, total) => calls.push([sent, total])
  })
  const elapsed = (performance.now() - started) / 1000
  assert.equal(result.outcome, 'success')
  const total = sandbox.authx.lastUpload().contentLength
  assert.ok(total > SAMPLE, 'the total counts the whole multipart body')
  assert.deepEqual(calls.at(-1), [total, total], 'the last call, before the Promise settles, reports the whole body')
  for (let i = 1; i < calls.length; i++) {
    assert.ok(calls[i - 1][0] <= calls[i][0] && calls[i][1] === total, `progress went backwards: ${calls}`)
  }
  assert.ok(calls.length >= 3 && calls.length <= Math.ceil(elapsed * 10) + 1, `${calls.length} calls in ${elapsed} s`)
})

test('an AbortSignal stops an upload mid-way within a second', async (t) => {
  const sandbox = await startSandbox(t)
  const client = authxClient(sandbox)
  const request = await enrolment(client, 'aborted')
  sandbox.authx.setUploadRate(16 * MIB)
  const controller = new AbortController()
  let abortedAt = null
  const onProgress = (sent, total) => {
    if (sent >= total / 4 && abortedAt === null) {
      abortedAt = performance.now()
      controller.abort()
    }
  }
  await assert.rejects(
    client.processBiometric(request, Buffer.alloc(SAMPLE, 7), { onProgress, signal: controller.signal }),
    { code: 'cancelled' }
  )
  assert.ok(abortedAt !== null && performance.now() - abortedAt < 1000, 'the Promise outlived the abort by a second')
  while (sandbox.authx.abortedUploads() === 0 && performance.now() - abortedAt < 1000) await sleep(10)
  assert.equal(sandbox.authx.abortedUploads(), 1, 'the stand-in did not see the upload abandoned')
  assert.equal(sandbox.authx.lastUpload(), null)
})

test('an already aborted signal sends nothing', async (t) => {
  const sandbox = await startSandbox(t)
  const client = authxClient(sandbox)
  await assert.rejects(
    client.processBiometric({ user: 'guid', kind: 'face', process: 'enrol' }, Buffer.alloc(1), { signal: AbortSignal.abort() }),
    { code: 'cancelled' }
  )
  assert.equal(sandbox.requestCount('authx.ProcessBiometric'), 0)
})
