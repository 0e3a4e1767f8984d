// Compiled with `tsc --noEmit --strict` by the test script: the committed typings describe
// the package as it is used (this file is never run).
import { createServer } from 'node:http'
import {
  AuthBridgeError, AuthxClient, DescopeClient, NevisClient, OtpOneClient, OtpOneServer, Portal, Sandbox, Totp,
  frameBiometric, metrics, metricsPrometheus, portalListener, portalMiddleware, setLogger, version
} from 'authbridge'
import type {
  AuthxSandboxUser, CallOptions, ControlRequest, ErrorCode, LogRecord, LoginStatus, MetricsSnapshot, NevisCredentialState,
  NoPassCallbackReply, PortalSession, RedeemedLogin,
  SandboxUrls
} from 'authbridge'

async function typed (): Promise<void> {
  const sandbox: Sandbox = await Sandbox.start()
  const urls: SandboxUrls = sandbox.urls
  sandbox.arm('nevisidm.password_login', { type: 'status', status: 503, retryAfter: '1' }, 1)
  const request: ControlRequest = { op: 'nevis.add_client', client_ext_id: '1000', name: 'Default' }
  const answer: unknown = await sandbox.control(request, { signal: AbortSignal.timeout(1000) })
  const control: { url: string, token: string } = { url: sandbox.controlUrl, token: sandbox.controlToken }
  const state: NevisCredentialState | null = sandbox.nevis.credentialState('1000', 'alice', { type: 'password' })
  const user: AuthxSandboxUser | null = sandbox.authx.user('g')
  const pending: string | null = await sandbox.otpone.waitPending('a@example.com', 1000)
  const reply: NoPassCallbackReply = await sandbox.nopass.send('CloseSession', { authId: 'x' })
  const own: Sandbox = await Sandbox.start({ controlToken: 'sixteen-or-more-characters' })
  const nevis = new NevisClient({ baseUrl: urls.nevisidm ?? '', auth: { type: 'bearer', token: 't' } })
  const status: LoginStatus = await nevis.passwordLogin('1000', 'alice', 'pw')
  const authx = new AuthxClient({ baseUrl: 'http://x', applicationId: 'a', applicationKey: 'b' })
  const result = await authx.processBiometric({ user: 'g', kind: 'face', process: 'enrol' }, Buffer.from('x'))
  const frame = await frameBiometric(sandbox.authx.biometricApp, { user: 'g', kind: 'palm', process: 'verify' }, '/tmp/x')
  const body: Buffer = await frame.toBuffer()
  const descope = new DescopeClient({ projectId: 'P', baseUrl: urls.descope })
  const controller = new AbortController()
  const session = await descope.waitForSession('ref', { timeoutMs: 1000, signal: controller.signal })
  const server = new OtpOneServer('SRV-1', { baseUrl: urls.otpone })
  const txn = await server.getTransactionId('a@example.com', 'RequestWebSession', 'hi')
  const validation = await new OtpOneClient('JS-1').waitForResult(txn.id, { expectedUser: txn.userMail })
  const code: string = Totp.fromBase32('GEZDGNBV').generate()
  const portal = new Portal({
    adminId: 'a',
    sCode: 'b',
    access: { allowedSources: ['203.0.113.0/24'], trustedProxies: ['10.0.0.2'] },
    redeemTtlMs: 60_000,
    preRegistrationTtlMs: 60_000,
    hookTimeoutMs: 5_000
  }, {
    validateUserRegistration: async (event) => event.origin === 'portal' && event.userId !== undefined,
    authorizedUser: (event) => { console.log(event.handle, event.userId, event.authorized) }
  })
  new Portal({ adminId: 'a', sCode: 'b', access: { sharedSecret: { type: 'header', name: 'x-gateway', value: 's' } } })
  new Portal({ adminId: 'a', sCode: 'b', access: { acceptAnySource: true } })
  createServer(portalListener(portal))
  createServer((req, res) => portalMiddleware(portal)(req, res, () => res.end()))
  const login: PortalSession = await portal.requestAuthorization('alice')
  const waited: PortalSession = await portal.waitSession(login.handle, { seenVersion: 1, signal: controller.signal })
  const redeemed: RedeemedLogin = await portal.redeemLogin(waited.handle)
  const started = await portal.preRegisterUser({ userId: 'bob' })
  const done: 'login' | 'registration' = redeemed.origin
  const receiver = await new Portal({ adminId: 'a', sCode: 'b', access: { requireClientCertificate: true } }).serve({
    port: 8443,
    tls: { certPem: '-----BEGIN CERTIFICATE-----…', keyPem: Buffer.from('…'), clientCaPem: '…' },
    headerReadTimeoutMs: 5_000,
    maxConnections: 64,
    metricsPath: '/metrics'
  })
  setLogger((record: LogRecord) => { console.log(record.level, record.vendor, record.durationMs ?? 0) }, { level: 'debug' })
  setLogger(null)
  const snapshot: MetricsSnapshot = metrics()
  const okCalls: number = snapshot.calls.filter((c) => c.outcome === 'ok').reduce((sum, c) => sum + c.count, 0)
  const prometheus: string = metricsPrometheus()
  const receiverUrl: string = receiver.url
  await receiver.stop()
  console.log(status.statusCode, result.outcome, body.length, session.sessionJwt, validation.userValided, code, waited.state,
    redeemed.userId, started.handle, done, receiverUrl, version(), answer, control, state, user?.hasPin, pending, reply.errorCode,
    sandbox.controlSync({ op: 'sandbox.urls' }), own, okCalls, prometheus)
}

/** What a caller does with a failed call: branch on the code, which TypeScript knows. */
function retryable (error: unknown): boolean {
  if (!(error instanceof AuthBridgeError)) return false
  const code: ErrorCode = error.code
  switch (code) {
    case 'timeout':
    case 'connect':
    case 'rate_limited':
      return true
    case 'cancelled':
    case 'invalid_input':
      return false
    default:
      return error.status !== undefined && error.status >= 500
  }
}

async function cancellable (nevis: NevisClient, descope: DescopeClient): Promise<void> {
  const options: CallOptions = { signal: AbortSignal.timeout(1000) }
  await nevis.passwordLogin('1000', 'alice', 'pw', options)
  await descope.notpSignIn('bob', { provider: 'whatsapp', signal: AbortSignal.timeout(1000) })
  await descope.totpVerify('bob', '123456', null, null, options)
  try {
    await new OtpOneClient('JS-1').isFinish('id', { signal: new AbortController().signal })
  } catch (error) {
    if (error instanceof AuthBridgeError && error.code === 'cancelled') return
    throw error
  }
  // @ts-expect-error: not one of the stable codes
  const wrong: ErrorCode = 'canceled'
  console.log(wrong)
}

void typed
void retryable
void cancellable
