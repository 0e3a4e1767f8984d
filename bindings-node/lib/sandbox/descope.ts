// `sandbox.descope`: the Descope stand-in's control API (core's `descope.*` operations):
// users, TOTP keys, the person acting on a nOTP login, failures, and the signing keys of its
// session JWTs.
import type { ControlChannel, Presets } from './control.js'

/** The Descope stand-in's control API (`sandbox.descope`). */
export class DescopeSandbox {
  /** @internal */
  constructor (private readonly channel: ControlChannel, private readonly presets: Presets) {}

  /** The project every stand-in knows from the start. */
  get projectId (): string { return this.presets['descope.PROJECT_ID'] }

  /** The phone an approval comes from when nothing names one. */
  get defaultPhone (): string { return this.presets['descope.DEFAULT_PHONE'] }

  /** Accepts requests for another project ID. */
  addProject (projectId: string): void { this.channel.now('descope.add_project', { projectId }) }

  /** The `iss` of tokens issued for `projectId`. */
  issuer (projectId: string): string { return this.channel.now('descope.issuer', { projectId }) }

  /** Registers a user (verified phone = `loginId`); returns its user ID. */
  addUser (loginId: string): string { return this.channel.now('descope.add_user', { loginId }) }

  /** Registers a user with an active TOTP key; returns the key in base32. */
  addTotpUser (loginId: string): string { return this.channel.now('descope.add_totp_user', { loginId }) }

  /** Project-level roles and permissions put in the user's session JWTs. */
  setRoles (loginId: string, roles: string[], permissions: string[]): void {
    this.channel.now('descope.set_roles', { loginId, roles, permissions })
  }

  /** The user's roles and permissions in one tenant. */
  setTenant (loginId: string, tenantId: string, roles: string[], permissions: string[]): void {
    this.channel.now('descope.set_tenant', { loginId, tenantId, roles, permissions })
  }

  /** The user object Descope would answer for `loginId`, or `null`. */
  user (loginId: string): any | null { return this.channel.now('descope.user', { loginId }) }

  /** Pending references of nOTP logins still waiting for the person, oldest first. */
  waitingLogins (): string[] { return this.channel.now('descope.waiting_logins') }

  /** The person sends the message. False when the reference is unknown or done. */
  approve (pendingRef: string): boolean { return this.channel.now('descope.approve', { pendingRef }) }

  /** The person with WhatsApp number `phone` sends the message. */
  approveAs (pendingRef: string, phone: string): boolean {
    return this.channel.now('descope.approve_as', { pendingRef, phone })
  }

  /** The login is refused. */
  deny (pendingRef: string): boolean { return this.channel.now('descope.deny', { pendingRef }) }

  /** The login expires now. */
  expire (pendingRef: string): boolean { return this.channel.now('descope.expire', { pendingRef }) }

  /** How long (ms) a nOTP login waits for the person. */
  setPendingTtl (ttlMs: number): void { this.channel.now('descope.set_pending_ttl', { ttlMs }) }

  /** Lifetime (ms) of issued session JWTs. */
  setSessionTtl (ttlMs: number): void { this.channel.now('descope.set_session_ttl', { ttlMs }) }

  /** Returns refresh JWTs only as the `DSR` cookie, not in the body. */
  setRefreshInCookie (on: boolean): void { this.channel.now('descope.set_refresh_in_cookie', { on }) }

  /**
   * Publishes an empty key set while `on`, as a project without signing keys would; tokens
   * are still signed, so none of them validates meanwhile.
   */
  setNoPublishedKeys (on: boolean): void { this.channel.now('descope.set_no_published_keys', { on }) }

  /** Requires every request's bearer to end with `:<key>`. */
  requireManagementKey (key: string): void { this.channel.now('descope.require_management_key', { key }) }

  /** Accepts another nOTP provider path segment besides `whatsapp`. */
  addNotpProvider (provider: string): void { this.channel.now('descope.add_notp_provider', { provider }) }

  /**
   * Answers the next `times` requests on `route` with 429 `E130429` and, when given,
   * `Retry-After: <seconds>`.
   */
  rateLimit (route: string, times: number, retryAfterSeconds?: number | null): void {
    this.channel.now('descope.rate_limit', { route, times, retryAfter: retryAfterSeconds })
  }

  /**
   * Answers the next `times` requests on `route` with `status` and a Descope error body of
   * `errorCode` (empty when `null`).
   */
  failNext (
    route: string, status: number, errorCode: string | null | undefined, retryAfterSeconds: number | null | undefined,
    times: number
  ): void {
    this.channel.now('descope.fail_next', { route, status, errorCode, retryAfter: retryAfterSeconds, times })
  }

  /** Signs `claims` as the stand-in signs its tokens (for crafted tokens in tests). */
  signJwt (claims: any): string { return this.channel.now('descope.sign_jwt', { claims }) }

  /** The `kid` new tokens are signed with. */
  signingKid (): string { return this.channel.now('descope.signing_kid') }

  /** Signs with a new key from now on; the previous keys stay published. */
  rotateSigningKey (): void { this.channel.now('descope.rotate_signing_key') }

  /** The JSON body of the last accepted request on `route`, or `null`. */
  lastRequestBody (route: string): any | null { return this.channel.now('descope.last_request_body', { route }) }

  /** `[x-descope-sdk-name, x-descope-sdk-version]` of the last request, or `null`. */
  lastSdkHeaders (): [name: string, version: string] | null {
    const headers = this.channel.now<{ name: string, version: string } | null>('descope.last_sdk_headers')
    return headers === null ? null : [headers.name, headers.version]
  }

  /** The raw `Authorization` header of the last request (test double only). */
  lastAuthorization (): string | null { return this.channel.now('descope.last_authorization') }
}
