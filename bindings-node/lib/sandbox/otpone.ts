// `sandbox.otpone`: the OtpOne stand-in's control API (core's `otpone.*` operations): key
// pairs, and the person approving, denying or ignoring a transaction.
import type { CallOptions } from '../../index.js'
import { type ControlChannel, fromWire } from './control.js'

/** A transaction as the stand-in shows it (no tokens). */
export interface OtpOneSandboxTransaction {
  id: string
  userMail: string
  /** `requestype` as a number. */
  requestType: number
  message: string
  /** `pending`, `approved`, `denied` or `expired`. */
  status: 'pending' | 'approved' | 'denied' | 'expired'
  /** Opened by SendRequest rather than getTransactionID. */
  serverOnly: boolean
  hasPrivateToken: boolean
  /** `[userIP, OSType, NavigatorOrAPPName]` of a SendRequest. */
  requester?: [userIp: string, osType: string, appName: string]
}

/** Who sent a SendRequest, as core answers it. */
interface WireRequester { userIP: string, OSType: string, NavigatorOrAPPName: string }

/** The OtpOne stand-in's control API (`sandbox.otpone`). */
export class OtpOneSandbox {
  /** @internal */
  constructor (private readonly channel: ControlChannel) {}

  /** Registers an API key pair: the server key (`SRV-…`) and its client key (`JS-…`). */
  registerKeys (serverKey: string, clientKey: string): void {
    this.channel.now('otpone.register_keys', { serverKey, clientKey })
  }

  /**
   * The person approves; returns the token the page would receive, or `null` when the
   * transaction is unknown or no longer pending.
   */
  approve (transactionId: string): string | null { return this.channel.now('otpone.approve', { transactionId }) }

  /** The person denies. False when the transaction is unknown or no longer pending. */
  deny (transactionId: string): boolean { return this.channel.now('otpone.deny', { transactionId }) }

  /** The transaction expires now, as if nobody answered. */
  expire (transactionId: string): boolean { return this.channel.now('otpone.expire', { transactionId }) }

  /** Results of the transaction report `user` as `UserValided` (to test the mismatch rule). */
  setReportedUser (transactionId: string, user: string): boolean {
    return this.channel.now('otpone.set_reported_user', { transactionId, user })
  }

  /** How long (ms) a getTransactionID transaction waits for the person. */
  setTransactionTtl (ttlMs: number): void { this.channel.now('otpone.set_transaction_ttl', { ttlMs }) }

  /** How long (ms) SendRequest waits for the person before answering "timed out". */
  setServerOnlyTimeout (timeoutMs: number): void { this.channel.now('otpone.set_server_only_timeout', { timeoutMs }) }

  /** GetHTML answers `text/html` instead of a JSON string. */
  setHtmlAsText (asText: boolean): void { this.channel.now('otpone.set_html_as_text', { asText }) }

  /** A transaction, or `null`. */
  transaction (transactionId: string): OtpOneSandboxTransaction | null {
    const found = this.channel.now<{ requester: WireRequester | null } | null>('otpone.transaction', { transactionId })
    if (found === null) return null
    const { requester, ...fields } = found
    const transaction = fromWire<OtpOneSandboxTransaction>(fields)
    if (requester !== null) transaction.requester = [requester.userIP, requester.OSType, requester.NavigatorOrAPPName]
    return transaction
  }

  /** The newest pending transaction of `userMail`, or `null`. */
  pendingFor (userMail: string): string | null { return this.channel.now('otpone.pending_for', { userMail }) }

  /**
   * Resolves with the newest pending transaction of `userMail` as soon as there is one, or
   * with `null` after `timeoutMs`. `options.signal` cancels the wait (code `cancelled`).
   */
  async waitPending (userMail: string, timeoutMs: number, options?: CallOptions): Promise<string | null> {
    return await this.channel.later('otpone.wait_pending', { userMail, timeoutMs }, options)
  }

  /** The raw query string of the last request (it holds keys: for wire-format tests only). */
  lastQuery (): string | null { return this.channel.now('otpone.last_query') }
}
