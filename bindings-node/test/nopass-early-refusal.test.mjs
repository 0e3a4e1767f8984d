// A caller the portal refuses whatever its body says is answered before the adapters read a
// byte of the body: a refused source cannot make the portal wait for (or buffer) a megabyte.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { createServer } from 'node:http'
import { connect } from 'node:net'

import express from 'express'

import { ab } from './helpers.mjs'

const portal = () => new ab.Portal({ adminId: 'JimTheAdmin', sCode: 'nDhTZvX82Et', access: { allowedSources: ['192.0.2.0/24'] } })

/** Sends a callback's head announcing a megabyte, and no body; resolves with what comes back. */
async function headOnly (port) {
  const socket = connect(port, '127.0.0.1')
  await once(socket, 'connect')
  socket.write('POST /api/PortalCommunication/AuthorizedUser HTTP/1.1\r\nHost: x\r\n' +
    'Content-Type: application/json\r\nContent-Length: 1000000\r\n\r\n')
  let received = ''
  socket.setEncoding('utf8')
  socket.on('data', (chunk) => { received += chunk })
  const closed = once(socket, 'close')
  const timeout = new Promise((resolve) => setTimeout(resolve, 3000, 'timeout'))
  const outcome = await Promise.race([closed, timeout])
  socket.destroy()
  return { received, timedOut: outcome === 'timeout' }
}

for (const [name, makeServer] of [
  ['node:http', (p) => createServer(ab.portalListener(p))],
  ['Express', (p) => { const app = express(); app.use(ab.portalMiddleware(p)); return createServer(app) }]
]) {
  test(`${name}: a refused source is answered 403 without its body being read`, async (t) => {
    const server = makeServer(portal()).listen(0, '127.0.0.1')
    await once(server, 'listening')
    t.after(() => server.close())
    const { received, timedOut } = await headOnly(server.address().port)
    assert.equal(timedOut, false, 'the adapter waited for the body of a refused caller')
    assert.match(received, /^HTTP\/1\.1 403 /)
    assert.match(received, /forbidden_source/)
  })
}
