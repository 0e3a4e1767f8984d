// Shared helpers for the NoPass portal tests (not a test file itself): servers on loopback
// addresses, raw callbacks sent from a chosen address, a reverse proxy, a valid PNG.
import { createServer, request } from 'node:http'
import { once } from 'node:events'
import { crc32, deflateSync } from 'node:zlib'

export const ADMIN = 'JimTheAdmin'
export const SCODE = 'nDhTZvX82Et'

// Linux answers on all of 127.0.0.0/8, so one machine can play callers at different
// addresses: the sandbox's NoPass server always connects from 127.0.0.1.
export const NOPASS_SERVER = '127.0.0.1'
export const OUTSIDER = '127.0.0.2'
export const PROXY = '127.0.0.3'
export const INSIDER = '127.0.0.4'

/** Serves `handler` on 127.0.0.1 and a free port until the test ends; gives its base URL. */
export async function listen (t, handler) {
  const server = createServer(handler)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.after(() => {
    server.closeAllConnections()
    return new Promise((resolve) => server.close(resolve))
  })
  return `http://127.0.0.1:${server.address().port}`
}

/**
 * POSTs `body` (JSON) to `<base>/api/PortalCommunication/<callback>` from the local address
 * `from`, with extra `headers`. Resolves with the status, the headers and the envelope's
 * first error code and result.
 */
export function sendCallback (base, callback, body, { from = NOPASS_SERVER, headers = {} } = {}) {
  const payload = Buffer.from(JSON.stringify(body))
  const url = new URL(`${base}/api/PortalCommunication/${callback}`)
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      localAddress: from,
      headers: { 'content-type': 'application/json-patch+json', 'content-length': payload.length, ...headers }
    }, (res) => {
      const chunks = []
      res.on('data', (chunk) => chunks.push(chunk))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString()
        const json = text ? JSON.parse(text) : null
        resolve({
          status: res.statusCode,
          headers: res.headers,
          code: json?.errors?.[0]?.code,
          result: json?.result,
          body: json
        })
      })
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(payload)
  })
}

/**
 * A reverse proxy in front of `target`, as deployed before a portal: it connects from the
 * address `from`, appends the peer it saw to `X-Forwarded-For` (after whatever the client
 * sent, which proves nothing) and adds `headers` (a gateway's shared secret).
 */
export async function startProxy (t, target, { from = PROXY, headers = {} } = {}) {
  return listen(t, (req, res) => {
    const forwarded = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ')
    const upstream = request(new URL(req.url, target), {
      method: req.method,
      localAddress: from,
      headers: { ...req.headers, ...headers, 'x-forwarded-for': forwarded }
    }, (answer) => {
      res.writeHead(answer.statusCode, answer.headers)
      answer.pipe(res)
    })
    upstream.on('error', () => res.destroy())
    req.pipe(upstream)
  })
}

function chunk (kind, data) {
  const body = Buffer.concat([Buffer.from(kind, 'latin1'), data])
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([length, body, crc])
}

/** A valid 1×1 grey PNG, base64: an attacker's picture that passes the portal's PNG check. */
export function attackerPng () {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(1, 0)
  header.writeUInt32BE(1, 4)
  header.set([8, 0, 0, 0, 0], 8) // 8-bit greyscale, no interlace
  return Buffer.concat([
    Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.from([0, 0x80]))),
    chunk('IEND', Buffer.alloc(0))
  ]).toString('base64')
}

/** A promise with its resolve function outside, for hooks that wait on the test. */
export function gate () {
  let open
  const promise = new Promise((resolve) => { open = resolve })
  return { promise, open }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** The portal's status and the sessions of `handles`, to compare before and after. */
export async function snapshot (portal, ...handles) {
  return { status: await portal.status(), sessions: await Promise.all(handles.map((h) => portal.session(h))) }
}
