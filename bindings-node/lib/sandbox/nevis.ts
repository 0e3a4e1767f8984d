// `sandbox.nevis`: the nevisIDM stand-in's control API (core's `nevis.*` operations):
// clients, users, credentials and lock policy.
import { type ControlChannel, snakeCase, toWire } from './control.js'

/** Which of a user's credentials a control call means. */
export type NevisCredential =
  | { type: 'password' }
  | { type: 'devicePassword', credentialExtId: string }
  | { type: 'contextPassword', context: string }

/** The state of a credential, as nevisIDM names it. */
export type NevisCredentialState = 'active' | 'disabled' | 'locked'

/** How wrong passwords lock a credential. */
export interface NevisLockPolicy {
  /** Failed logins in a row that lock the credential. */
  maxFailures: number
  /**
   * Left out: the lock is permanent (statusCode 4). Set: the lock lifts after this many ms
   * (statusCode 9).
   */
  temporaryLockMs?: number
}

/** The credential as core spells it: `{ kind: 'device_password', credential_ext_id }`. */
function credentialSpec ({ type, ...fields }: NevisCredential): object {
  return { kind: snakeCase(type), ...toWire(fields) }
}

/** The nevisIDM stand-in's control API (`sandbox.nevis`). */
export class NevisSandbox {
  /** @internal */
  constructor (private readonly channel: ControlChannel) {}

  /** Adds a client. `name` is what 404 messages call it (`'Default'` in the seed). */
  addClient (clientExtId: string, name: string): void { this.channel.now('nevis.add_client', { clientExtId, name }) }

  /** Adds a user with no credentials to an existing client. */
  addUser (clientExtId: string, userExtId: string): void {
    this.channel.now('nevis.add_user', { clientExtId, userExtId })
  }

  /** Sets the user's password credential. */
  setPassword (clientExtId: string, userExtId: string, password: string): void {
    this.channel.now('nevis.set_password', { clientExtId, userExtId, password })
  }

  /** Adds a device password with external id `credentialExtId`. */
  addDevicePassword (clientExtId: string, userExtId: string, credentialExtId: string, password: string): void {
    this.channel.now('nevis.add_device_password', { clientExtId, userExtId, credentialExtId, password })
  }

  /** Adds a context password for `context`. */
  addContextPassword (clientExtId: string, userExtId: string, context: string, password: string): void {
    this.channel.now('nevis.add_context_password', { clientExtId, userExtId, context, password })
  }

  /** Issues single-use recovery codes. */
  addRecoveryCodes (clientExtId: string, userExtId: string, codes: string[]): void {
    this.channel.now('nevis.add_recovery_codes', { clientExtId, userExtId, codes })
  }

  /** Sets a credential's state (disable it, lock it, or make it active and reset failures). */
  setState (clientExtId: string, userExtId: string, credential: NevisCredential, state: NevisCredentialState): void {
    this.channel.now('nevis.set_state', { clientExtId, userExtId, credential: credentialSpec(credential), state })
  }

  /** The state of a credential, or `null` when it does not exist. */
  credentialState (clientExtId: string, userExtId: string, credential: NevisCredential): NevisCredentialState | null {
    return this.channel.now('nevis.credential_state', { clientExtId, userExtId, credential: credentialSpec(credential) })
  }

  /** Sets how wrong passwords lock a credential (default: 3 failures, permanent lock). */
  setLockPolicy (policy: NevisLockPolicy): void { this.channel.now('nevis.set_lock_policy', policy) }

  /**
   * Answers a wrong or used recovery code with HTTP `status` and error code `code` instead of
   * 400 `errors.invalidRecoveryCode` (deployments differ).
   */
  setRecoveryCodeFailure (status: number, code: string): void {
    this.channel.now('nevis.set_recovery_code_failure', { status, code })
  }

  /** Requires every request to carry header `name` with exactly `value` (else 401). */
  requireHeader (name: string, value: string): void { this.channel.now('nevis.require_header', { name, value }) }

  /** The raw (still percent-encoded) path of the last request, for encoding checks. */
  lastRawPath (): string | null { return this.channel.now('nevis.last_raw_path') }
}
