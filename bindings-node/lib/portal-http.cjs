'use strict'
// A NoPass Portal mounted in `node:http` and in Express. Conversion only: every decision
// (routing, who may call, validation, state, the answer) is the portal's: `refusal()` before
// the body is read, `handle()` with it.

/**
 * Reads a request body, at most `limit + 1` bytes: enough for the portal to answer an
 * oversized body with its 413 without this process buffering it whole.
 */
function readBody (req, limit) {
  return new Promise((resolve, reject) => {
    const chunks = []
    let size = 0
    let done = false
    const finish = (error) => {
      if (done) return
      done = true
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('error', finish)
      if (error) reject(error)
      else resolve(Buffer.concat(chunks, Math.min(size, limit + 1)))
    }
    const onData = (chunk) => {
      chunks.push(chunk)
      size += chunk.length
      if (size > limit) {
        req.pause()
        finish()
      }
    }
    const onEnd = () => finish()
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', finish)
  })
}

/** Writes the portal's answer. */
function send (res, answer) {
  res.statusCode = answer.status
  for (const [name, value] of answer.headers) res.setHeader(name, value)
  if (answer.contentType) res.setHeader('content-type', answer.contentType)
  res.setHeader('content-length', answer.body.length)
  res.end(answer.body)
}

/** A failure of the adapter itself (never a bad callback: the portal answers those). */
function fail (res, error, onError) {
  if (onError) onError(error)
  if (!res.headersSent) {
    res.statusCode = 500
    res.end()
  } else {
    res.destroy(error)
  }
}

// The socket's peer, never `req.ip` or a header: behind a proxy Express's `req.ip` follows
// the app's own `trust proxy` setting; the portal believes `X-Forwarded-For` only from its
// `access.trustedProxies`, and gets every header as it came to decide that itself.
function peerOf (req) {
  return req.socket ? req.socket.remoteAddress : undefined
}

/**
 * Answers at once a request the portal refuses whatever its body says (a caller its access
 * policy refuses, a wrong path, method or content type), leaving the body unread; true if it
 * did.
 */
function refuseEarly (portal, req, res, path) {
  const answer = portal.refusal(req.method, path, req.headers, peerOf(req))
  if (!answer) return false
  // The body stays unread: the connection closes once the answer is out.
  res.setHeader('connection', 'close')
  send(res, answer)
  return true
}

async function handle (portal, req, res, path, body) {
  const answer = await portal.handle(req.method, path, req.headers, body, peerOf(req))
  send(res, answer)
  // An oversized body was not read to its end: close rather than leave it on the socket.
  if (!req.readableEnded && answer.status === 413) req.destroy()
}

/**
 * A `node:http` request listener serving the portal's callbacks:
 * `http.createServer(portalListener(portal))`. Every request goes to the portal (other paths
 * get its 404); `onError` hears of failures of the adapter itself.
 */
function portalListener (portal, { onError } = {}) {
  return function authbridgePortalListener (req, res) {
    if (refuseEarly(portal, req, res, req.url)) return
    readBody(req, portal.maxBodyBytes)
      .then((body) => handle(portal, req, res, req.url, body))
      .catch((error) => fail(res, error, onError))
  }
}

/**
 * An Express (or Connect) middleware serving the portal's callbacks and passing every other
 * request on: `app.use(portalMiddleware(portal))`. It reads the raw body itself; mount it
 * before body parsers. If a parser ran first, the body it left (`express.raw()` Buffer, text,
 * or parsed JSON re-serialised) is used instead.
 */
function portalMiddleware (portal) {
  return function authbridgePortalMiddleware (req, res, next) {
    const path = req.originalUrl || req.url
    if (!portal.isCallbackPath(path)) {
      next()
      return
    }
    if (refuseEarly(portal, req, res, path)) return
    let body
    if (Buffer.isBuffer(req.body)) body = Promise.resolve(req.body)
    else if (req._body || req.readableEnded) {
      const parsed = req.body === undefined ? '' : typeof req.body === 'string' ? req.body : JSON.stringify(req.body)
      body = Promise.resolve(Buffer.from(parsed))
    } else body = readBody(req, portal.maxBodyBytes)
    body.then((bytes) => handle(portal, req, res, path, bytes)).catch(next)
  }
}

module.exports.portalListener = portalListener
module.exports.portalMiddleware = portalMiddleware
