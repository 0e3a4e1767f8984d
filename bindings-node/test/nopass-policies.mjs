// The portal's access policies as each is deployed, and the callers the attack tests play
// against them (not a test file itself):
//
// - the sandbox's NoPass server (127.0.0.1), the legitimate caller;
// - an *insider*, a caller the policy lets in who is not the NoPass server (127.0.0.4: a
//   neighbour in the NoPass server's range, or a holder of a leaked secret), who must still
//   not be able to do anything the NoPass server's data does not back;
// - *outsiders* (127.0.0.2), who must be refused before the portal reads anything.
import express from 'express'

import { ab } from './helpers.mjs'
import {
  ADMIN, INSIDER, NOPASS_SERVER, OUTSIDER, PROXY, SCODE, listen, sendCallback, startProxy
} from './nopass-helpers.mjs'

const SECRET_HEADER = 'x-nopass-gateway'
const SECRET = 'a-long-random-gateway-secret-0123456789'

const caller = (name, base, options) => ({ name, send: (callback, body) => sendCallback(base, callback, body, options) })

export const POLICIES = {
  'allowed sources': {
    access: { allowedSources: [NOPASS_SERVER, INSIDER] },
    refusal: { status: 403, code: 'forbidden_source' },
    async wire (t, portalUrl) {
      return {
        nopassUrl: portalUrl,
        insider: caller('insider', portalUrl, { from: INSIDER }),
        outsiders: [
          caller('outsider', portalUrl, { from: OUTSIDER }),
          // Without trusted proxies X-Forwarded-For means nothing.
          caller('outsider with a forged X-Forwarded-For', portalUrl, {
            from: OUTSIDER,
            headers: { 'x-forwarded-for': NOPASS_SERVER }
          })
        ]
      }
    }
  },

  'allowed sources behind a trusted proxy': {
    access: { allowedSources: [NOPASS_SERVER, INSIDER], trustedProxies: [PROXY] },
    refusal: { status: 403, code: 'forbidden_source' },
    async wire (t, portalUrl) {
      const proxyUrl = await startProxy(t, portalUrl)
      const forged = { 'x-forwarded-for': NOPASS_SERVER }
      return {
        nopassUrl: proxyUrl,
        insider: caller('insider through the proxy', proxyUrl, { from: INSIDER }),
        outsiders: [
          caller('outsider through the proxy, forging X-Forwarded-For', proxyUrl, { from: OUTSIDER, headers: forged }),
          caller('outsider past the proxy, forging X-Forwarded-For', portalUrl, { from: OUTSIDER, headers: forged })
        ]
      }
    }
  },

  'a shared-secret header': {
    access: { sharedSecret: { type: 'header', name: SECRET_HEADER, value: SECRET } },
    refusal: { status: 401, code: 'unauthorized' },
    async wire (t, portalUrl) {
      // The gateway in front of the portal adds the secret to what the NoPass server sends.
      const proxyUrl = await startProxy(t, portalUrl, { headers: { [SECRET_HEADER]: SECRET } })
      return {
        nopassUrl: proxyUrl,
        insider: caller('insider with the leaked secret', portalUrl, { from: INSIDER, headers: { [SECRET_HEADER]: SECRET } }),
        outsiders: [
          caller('outsider past the gateway', portalUrl, { from: OUTSIDER }),
          caller('outsider with a wrong secret', portalUrl, {
            from: OUTSIDER,
            headers: { [SECRET_HEADER]: SECRET.slice(0, -1) + 'X' }
          }),
          caller('outsider with the secret as a bearer token', portalUrl, {
            from: OUTSIDER,
            headers: { authorization: `Bearer ${SECRET}` }
          })
        ]
      }
    }
  },

  'any source (explicit opt-in)': {
    access: { acceptAnySource: true },
    refusal: null,
    async wire (t, portalUrl) {
      return { nopassUrl: portalUrl, insider: caller('anyone', portalUrl, { from: INSIDER }), outsiders: [] }
    }
  }
}

export const ADAPTERS = {
  'node:http': (portal) => ab.portalListener(portal),
  Express: (portal) => {
    const app = express()
    app.get('/health', (req, res) => res.json({ ok: true }))
    app.use(ab.portalMiddleware(portal))
    return app
  }
}

/**
 * Records every hook call. Decisions accept everything: the attacks must fail on core's
 * checks even with a host that says yes to all. `overrides` replace single hooks.
 */
function laxHooks (calls, overrides) {
  const note = (name, answer) => (event) => {
    calls.push([name, event])
    return answer
  }
  return {
    confirmPreRegistration: note('confirmPreRegistration'),
    confirmRegistration: note('confirmRegistration'),
    updatePicture: note('updatePicture'),
    validateUserRegistration: note('validateUserRegistration', true),
    confirmUserRegistration: note('confirmUserRegistration'),
    authorizedUser: note('authorizedUser'),
    updateUser: note('updateUser', true),
    deleteUser: note('deleteUser', true),
    addUsers: note('addUsers', true),
    closeSession: note('closeSession'),
    disableService: note('disableService'),
    ...overrides
  }
}

/**
 * A portal under `policy`, mounted with `adapter` on a real HTTP server, the sandbox's
 * NoPass server wired to it as the policy's deployment has it, and (unless `register` is
 * false) registered by it.
 */
export async function world (t, { adapter, policy, sandbox, options = {}, hooks = {}, register = true }) {
  const calls = []
  const portal = new ab.Portal({
    adminId: ADMIN,
    sCode: SCODE,
    access: policy.access,
    server: { baseUrl: sandbox.url('nopass') },
    ...options
  }, laxHooks(calls, hooks))
  const portalUrl = await listen(t, adapter(portal))
  const { nopassUrl, insider, outsiders } = await policy.wire(t, portalUrl)
  sandbox.nopass.setPortalUrl(nopassUrl)
  const portalId = register ? (await sandbox.nopass.registerPortal(ADMIN)).portalId : undefined
  calls.length = 0
  return { portal, calls, insider, outsiders, refusal: policy.refusal, portalId }
}
