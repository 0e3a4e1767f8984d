// A NoPass login in Express. The browser only ever holds the login's handle (the authId stays
// in the portal), and the user is signed in once, by redeemLogin, only if NoPass authorised it.
import express from 'express'
import { Portal, portalMiddleware } from 'authbridge'

export function createPortal ({ adminId, sCode, serverUrl, nopassSources, store }) {
  return new Portal({
    adminId, sCode, store,
    server: { baseUrl: serverUrl },
    // Only the NoPass server may call back (behind a reverse proxy, add `trustedProxies`).
    access: { allowedSources: nopassSources }
  }, {
    // Decide on what the portal knows (it started this registration for its own user id),
    // never on what the caller sent: anyone can put any e-mail in a request.
    validateUserRegistration: (check) => check.origin === 'portal'
  })
}

export function loginApp (portal, signIn) {
  const app = express()
  app.use(portalMiddleware(portal)) // the NoPass server's callbacks; other requests pass on
  app.post('/login/:user', async (req, res) => {
    const login = await portal.requestAuthorization(req.params.user)
    res.json({ handle: login.handle, image: login.imageDataUrl, version: login.version })
  })
  app.get('/login/:handle/wait', async (req, res) => { // long-poll: a new picture, or the decision
    try {
      const seenVersion = Number(req.query.seen ?? 0)
      const session = await portal.waitSession(req.params.handle, { seenVersion, timeoutMs: 25_000 })
      res.json({ state: session.state, image: session.imageDataUrl, version: session.version })
    } catch (error) {
      res.status(error.code === 'timeout' ? 204 : 404).end() // 204: nothing new yet, ask again
    }
  })
  app.post('/login/:handle/complete', async (req, res) => {
    try {
      const { userId } = await portal.redeemLogin(req.params.handle) // once, and only if authorised
      signIn(req, res, userId)
    } catch (error) {
      res.status(403).json({ error: error.code })
    }
  })
  return app
}
