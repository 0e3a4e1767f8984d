// Shared helpers for the node --test suite (not a test file itself).
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

/** The package as `require('authbridge')` sees it. */
export const ab = require('../lib/index.cjs')

/** Starts a sandbox that the test stops when it ends. */
export async function startSandbox (t) {
  const sandbox = await ab.Sandbox.start()
  t.after(() => sandbox.stop())
  return sandbox
}

/** A sandbox with one nevisIDM client `1000` and user `alice` with every kind of credential. */
export async function nevisSandbox (t) {
  const sandbox = await startSandbox(t)
  const sim = sandbox.nevis
  sim.addClient('1000', 'Default')
  sim.addUser('1000', 'alice')
  sim.setPassword('1000', 'alice', '1StrongPassword!')
  sim.addDevicePassword('1000', 'alice', 'phone-1', 'device-pass')
  sim.addContextPassword('1000', 'alice', 'ctx-1', 'context-pass')
  sim.addRecoveryCodes('1000', 'alice', ['abcd-efgh-1234-5678', 'wxyz-0000-1111-2222'])
  return sandbox
}

/** A nevisIDM client for the sandbox, with extra options. */
export function nevisClient (sandbox, options = {}) {
  return new ab.NevisClient({ baseUrl: sandbox.url('nevisidm'), ...options })
}

export const PASSWORD_ROUTE = 'nevisidm.password_login'

/** An AuthX client for the sandbox's built-in applications, with fast retries. */
export function authxClient (sandbox, options = {}) {
  return new ab.AuthxClient({
    baseUrl: sandbox.url('authx'),
    applicationId: sandbox.authx.applicationId,
    applicationKey: sandbox.authx.applicationKey,
    biometricApp: sandbox.authx.biometricApp,
    transport: { retry: { baseDelayMs: 10, maxDelayMs: 50 } },
    ...options
  })
}

/** The profile of an AuthX test user. */
export function authxProfile (userName) {
  return { userName, email: `${userName}@example.com`, firstName: 'Richard', lastName: 'Miller', number: '9876813805' }
}
