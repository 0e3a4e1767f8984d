// The README's NoPass example (examples/nopass-login.mjs) runs as shown: a browser starts a
// login, long-polls it with its handle, and is signed in once; the README shows the file
// as it is.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'

import { startSandbox } from './helpers.mjs'
import { ADMIN, SCODE, listen } from './nopass-helpers.mjs'
import { createPortal, loginApp } from '../examples/nopass-login.mjs'

const EXAMPLE = new URL('../examples/nopass-login.mjs', import.meta.url)
const README = new URL('../../README.md', import.meta.url)

test('the example: the browser gets a handle, waits on it, and is signed in once', async (t) => {
  const sandbox = await startSandbox(t)
  const portal = createPortal({ adminId: ADMIN, sCode: SCODE, serverUrl: sandbox.url('nopass'), nopassSources: ['127.0.0.1'] })
  const signedIn = []
  const url = await listen(t, loginApp(portal, (req, res, userId) => {
    signedIn.push(userId)
    res.json({ welcome: userId })
  }))
  sandbox.nopass.setPortalUrl(url)
  await sandbox.nopass.registerPortal(ADMIN)
  sandbox.nopass.addUser('ann')

  const started = await fetch(`${url}/login/ann`, { method: 'POST' })
  const text = await started.text()
  const authId = sandbox.nopass.lastAuthId('ann')
  assert.ok(!text.includes(authId), 'the browser got the authId')
  const login = JSON.parse(text)
  assert.ok(login.image.startsWith('data:image/png;base64,'))
  const complete = () => fetch(`${url}/login/${login.handle}/complete`, { method: 'POST' })
  assert.equal((await complete()).status, 403, 'a pending login signed the user in')

  const phone = sandbox.nopass.driveLogin(authId, 1, true)
  let { version, state } = login
  while (state === undefined || state === 'pending') {
    const waited = await fetch(`${url}/login/${login.handle}/wait?seen=${version}`)
    if (waited.status === 204) continue
    ;({ version, state } = await waited.json())
  }
  await phone
  assert.equal(state, 'authorized')
  assert.deepEqual(await (await complete()).json(), { welcome: 'ann' })
  const again = await complete()
  assert.equal(again.status, 403)
  assert.deepEqual(await again.json(), { error: 'conflict' })
  assert.deepEqual(signedIn, ['ann'])
  assert.equal((await fetch(`${url}/login/no-such-handle/wait`)).status, 404)
})

test('the README shows the example as it is, in its Node section', async () => {
  const readme = await readFile(README, 'utf8')
  const node = readme.split(/^## /m).find((section) => section.startsWith('Use from Node'))
  assert.ok(node, 'the README has no "Use from Node" section')
  const example = await readFile(EXAMPLE, 'utf8')
  assert.ok(node.includes('```js\n' + example + '```'), 'the README differs from examples/nopass-login.mjs')
})
