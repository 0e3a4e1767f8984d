import type { ErrorCode } from '../index'

/**
 * The class of every error authbridge throws or rejects with. Branch on `code`, never on
 * the message: the codes are stable, the messages are for people (and never hold a secret).
 */
export declare class AuthBridgeError extends Error {
  constructor (message: string, fields?: Partial<Omit<AuthBridgeError, 'name' | 'message' | 'stack'>>)
  readonly name: 'AuthBridgeError'
  /** The stable code: `invalid_input`, `timeout`, `cancelled`, … */
  readonly code: ErrorCode
  /** The vendor the error concerns: `nevisidm`, `authx`, `descope`, `otpone` or `nopass`. */
  readonly vendor?: string
  /** The HTTP status of the vendor's answer. */
  readonly status?: number
  /** The vendor's own error code, as the vendor spelled it. */
  readonly vendorCode?: string
  /** The vendor's own message. */
  readonly vendorMessage?: string
  /** How long the vendor asked to wait before the next try, in seconds (`Retry-After`). */
  readonly retryAfter?: number
  /** For `invalid_input`: the refused input's name. */
  readonly field?: string
  /** For `invalid_input`: what the value must be. */
  readonly rule?: string
  /** For a refused nevisIDM login: its status (`failed`, `failed_locked`, …). */
  readonly loginStatus?: string
}
