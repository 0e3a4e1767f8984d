// The generic control entry point as the typed helpers use it: each request is data,
// serialised once, and each answer is parsed once. The operations, their arguments and their
// answers are core's (`authbridge::sandbox::control`); the helpers name the arguments the
// JavaScript way, and only the top-level names are translated (`userExtId` ↔ `user_ext_id`),
// so JSON the stand-ins pass through (request bodies, claims) stays as it was.
import type { CallOptions, NativeSandbox } from '../../index.js'

/**
 * One control request: `op` names the operation as `'<group>.<operation>'`
 * (`'nevis.add_user'`, `'sandbox.arm'`, …) and the other fields are its arguments under
 * core's snake_case names. Durations are whole milliseconds in fields ending in `_ms`.
 */
export interface ControlRequest {
  op: `${string}.${string}`
  [argument: string]: unknown
}

/**
 * @internal The credentials the stand-ins accept from the start, by name
 * (`'authx.APPLICATION_ID'`, …), as core's `sandbox.presets` answers them.
 */
export type Presets = Record<string, string>

/** @internal How the helpers reach the native sandbox. */
export class ControlChannel {
  constructor (private readonly native: NativeSandbox) {}

  /** Runs a request that answers at once and returns its answer. */
  send<T = unknown> (request: ControlRequest): T {
    return JSON.parse(this.native.controlSync(JSON.stringify(request))) as T
  }

  /** Runs a request that may call a portal or wait, off the JavaScript thread. */
  async sendLater<T = unknown> (request: ControlRequest, options?: CallOptions): Promise<T> {
    return JSON.parse(await this.native.control(JSON.stringify(request), options)) as T
  }

  /** {@link send} for operation `op`, its arguments under their JavaScript names. */
  now<T = unknown> (op: ControlRequest['op'], args: object = {}): T {
    return this.send({ op, ...toWire(args) })
  }

  /** {@link sendLater} for operation `op`, its arguments under their JavaScript names. */
  async later<T = unknown> (op: ControlRequest['op'], args: object = {}, options?: CallOptions): Promise<T> {
    return await this.sendLater({ op, ...toWire(args) }, options)
  }
}

/** @internal A JavaScript name as core spells it (`userExtId` → `user_ext_id`). */
export function snakeCase (name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)
}

/** @internal Arguments under core's names. */
export function toWire (args: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(args).map(([name, value]) => [snakeCase(name), value]))
}

/**
 * @internal An answer's fields under their JavaScript names (`user_name` → `userName`).
 * Fields that are `null` are left out, the way an optional property is.
 */
export function fromWire<T> (answer: object): T {
  const rename = (name: string): string => name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase())
  return Object.fromEntries(Object.entries(answer).filter(([, v]) => v !== null).map(([n, v]) => [rename(n), v])) as T
}

/** @internal {@link fromWire} for an answer that may be `null`. */
export function fromWireOrNull<T> (answer: object | null): T | null {
  return answer === null ? null : fromWire<T>(answer)
}
