// The sandbox: a local stand-in for every vendor, for demos and tests.
//
// `await Sandbox.start()` serves each compiled-in vendor on 127.0.0.1 and a free port; tests
// point clients at `sandbox.url('nevisidm')`, arm faults on routes, read per-route request
// counters and drive each stand-in through its control object (`sandbox.nevis`, …). Every
// one of those calls is a control request to core through the addon's one generic entry
// point, which `control()` also offers as it is, for any operation by name.
import { type CallOptions, NativeSandbox } from '../../index.js'
import { AuthxSandbox } from './authx.js'
import { ControlChannel, type ControlRequest, type Presets } from './control.js'
import { DescopeSandbox } from './descope.js'
import { type Fault, faultSpec } from './faults.js'
import { NevisSandbox } from './nevis.js'
import { NoPassSandbox } from './nopass.js'
import { OtpOneSandbox } from './otpone.js'

export type { AuthxSandboxUpload, AuthxSandboxUser } from './authx.js'
export type { ControlRequest } from './control.js'
export type { Fault } from './faults.js'
export type { NevisCredential, NevisCredentialState, NevisLockPolicy } from './nevis.js'
export type { NoPassCallbackReply, NoPassSandboxPortal, NoPassSandboxPreRegistration } from './nopass.js'
export type { OtpOneSandboxTransaction } from './otpone.js'
export { AuthxSandbox, DescopeSandbox, NevisSandbox, NoPassSandbox, OtpOneSandbox }

/** The base URL of each compiled-in vendor's stand-in. */
export interface SandboxUrls {
  nevisidm?: string
  authx?: string
  descope?: string
  otpone?: string
  nopass?: string
}

/** How to start a sandbox. */
export interface SandboxOptions {
  /**
   * The bearer token the control endpoint requires (at least 16 characters); a random one
   * when left out.
   */
  controlToken?: string
  /** Cancels the start: the Promise rejects with code `cancelled`. */
  signal?: AbortSignal
}

/** A local stand-in for every vendor, for demos and tests. */
export class Sandbox {
  /** The nevisIDM stand-in's control API. */
  readonly nevis: NevisSandbox
  /** The AuthX stand-in's control API. */
  readonly authx: AuthxSandbox
  /** The Descope stand-in's control API. */
  readonly descope: DescopeSandbox
  /** The OtpOne stand-in's control API. */
  readonly otpone: OtpOneSandbox
  /** The NoPass server stand-in's control API: it plays the NoPass server against a portal. */
  readonly nopass: NoPassSandbox
  private readonly channel: ControlChannel

  private constructor (private readonly native: NativeSandbox) {
    this.channel = new ControlChannel(native)
    const presets = this.channel.now<Presets>('sandbox.presets')
    this.nevis = new NevisSandbox(this.channel)
    this.authx = new AuthxSandbox(this.channel, presets)
    this.descope = new DescopeSandbox(this.channel, presets)
    this.otpone = new OtpOneSandbox(this.channel)
    this.nopass = new NoPassSandbox(this.channel)
  }

  /** Starts every compiled-in vendor's stand-in on 127.0.0.1, each on a free port. */
  static async start (options: SandboxOptions = {}): Promise<Sandbox> {
    return new Sandbox(await NativeSandbox.start(options.controlToken, { signal: options.signal }))
  }

  /**
   * The base URL (`http://127.0.0.1:<port>`) of a vendor's stand-in: `nevisidm`, `authx`,
   * `descope`, `otpone` or `nopass`. `null` when that vendor is not compiled in.
   */
  url (vendor: string): string | null { return this.native.url(vendor) }

  /** Every stand-in's base URL. */
  get urls (): SandboxUrls { return this.channel.now('sandbox.urls') }

  /**
   * Where other processes (any language, `curl`) send control requests: `POST` a request
   * as JSON with `Authorization: Bearer <controlToken>`.
   */
  get controlUrl (): string { return this.native.controlUrl }

  /** The bearer token the control endpoint requires. */
  get controlToken (): string { return this.native.controlToken }

  /**
   * Arms `fault` on `route` (`nevisidm.password_login`, …) for the next `times` requests,
   * or for every request until `clearFaults()` when `times` is left out.
   */
  arm (route: string, fault: Fault, times?: number | null): void {
    this.channel.now('sandbox.arm', { route, fault: faultSpec(fault), times })
  }

  /** Disarms every fault. */
  clearFaults (): void { this.channel.now('sandbox.clear_faults') }

  /** How many requests reached `route` (faulted ones included). */
  requestCount (route: string): number { return this.channel.now('sandbox.request_count', { route }) }

  /** Sets every request counter back to zero. */
  resetCounts (): void { this.channel.now('sandbox.reset_counts') }

  /**
   * Runs any control operation by name (`{ op: 'otpone.approve', transaction_id }`) and
   * resolves with its answer as core gives it (JSON: snake_case fields, `null` for none).
   * The work runs off the JavaScript thread; `options.signal` cancels it (code `cancelled`).
   * A bad request rejects with code `invalid_input`, naming the field.
   */
  async control (request: ControlRequest, options?: CallOptions): Promise<unknown> {
    return await this.channel.sendLater(request, options)
  }

  /**
   * {@link Sandbox.control} for an operation that answers at once: returns its answer, or
   * throws. One that would wait (the NoPass driver's calls to a portal, `otpone.wait_pending`
   * with nothing pending) is refused with code `invalid_input`; use `control()` for those.
   */
  controlSync (request: ControlRequest): unknown { return this.channel.send(request) }

  /** Stops every stand-in and resolves once they have stopped. Later calls do nothing. */
  async stop (): Promise<void> { await this.native.stop() }
}
