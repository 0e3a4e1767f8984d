// One replica of a NoPass portal in Node, on Express, for the multi-replica test and benchmark
// (see portal_replica.rs for the contract every replica keeps). Environment: AB_STORE,
// AB_NOPASS_SERVER, AB_ADMIN_ID, AB_SCODE; AUTHBRIDGE_NODE names the package to load. Prints
// {"callbacks": url, "host": url} once listening.
import { createRequire } from 'node:module'

const require = createRequire(process.env.AUTHBRIDGE_NODE + '/')
const express = require('express')
const { Portal, portalMiddleware } = require(process.env.AUTHBRIDGE_NODE)

const STATUS = { conflict: 409, not_found: 404, authentication_failed: 403 }

const portal = new Portal({
  adminId: process.env.AB_ADMIN_ID,
  sCode: process.env.AB_SCODE,
  server: { baseUrl: process.env.AB_NOPASS_SERVER },
  store: process.env.AB_STORE,
  access: { allowedSources: ['127.0.0.0/8'] }
}, {
  // Accepts the registrations this portal started, and no other.
  validateUserRegistration: (check) => check.origin === 'portal'
})

// Each host route answers JSON: 200 with the result, or the error's code and a fitting status.
const route = (call) => async (req, res) => {
  try {
    res.json(await call(req))
  } catch (error) {
    res.status(STATUS[error.code] ?? 500).json({ code: error.code, message: error.message })
  }
}

const app = express()
app.use(portalMiddleware(portal))
app.post('/host/login/:user', route(async (req) => ({ handle: (await portal.requestAuthorization(req.params.user)).handle })))
app.post('/host/register/:user', route(async (req) => ({ handle: (await portal.preRegisterUser({ userId: req.params.user })).handle })))
app.get('/host/wait/:handle', route(async (req) => {
  const session = await portal.waitSession(req.params.handle, { seenVersion: Number(req.query.seen ?? 0), timeoutMs: 10_000 })
  return { state: session.state, version: session.version }
}))
app.post('/host/redeem/:handle', route(async (req) => ({ userId: (await portal.redeemLogin(req.params.handle)).userId })))

const server = app.listen(0, '127.0.0.1', () => {
  const url = `http://127.0.0.1:${server.address().port}`
  console.log(JSON.stringify({ callbacks: url, host: url }))
})
process.stdin.on('end', () => process.exit(0))
process.stdin.resume()
