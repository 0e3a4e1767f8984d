// The generic control entry point as the typed helpers use it: each request is data,
// serialised once, and each answer is parsed once. The operations, their arguments and their
// answers are core's (`authbridge::sandbox::control`); nothing here knows one from another.
import type { NativeSandbox } from '../../index.js'

/**
 * One control request: `op` names the operation as `'<group>.<operation>'`
 * (`'nevis.add_user'`, `'sandbox.arm'`, …) and the other fields are its arguments under
 * core's snake_case names. Durations are whole milliseconds in fields ending in `_ms`.
 */
export interface ControlRequest {
  op: `${string}.${string}`
  [argument: string]: unknown
}

/** @internal How the helpers reach the native sandbox. */
export class ControlChannel {
  constructor (private readonly native: NativeSandbox) {}

  /** Runs an operation that answers at once and returns its answer. */
  now<T = unknown> (request: ControlRequest): T {
    return JSON.parse(this.native.controlSync(JSON.stringify(request))) as T
  }

  /** Runs an operation that may call a portal or wait, off the JavaScript thread. */
  async later<T = unknown> (request: ControlRequest, signal?: AbortSignal): Promise<T> {
    return JSON.parse(await this.native.control(JSON.stringify(request), signal)) as T
  }
}

/**
 * @internal An answer's fields under their JavaScript names (`user_name` → `userName`).
 * Fields that are `null` are left out, the way an optional property is; only the top level
 * is renamed, so JSON the stand-ins pass through (request bodies, claims) stays as it was.
 */
export function fromWire<T> (answer: object): T {
  const fields = Object.entries(answer)
    .filter(([, value]) => value !== null)
    .map(([name, value]) => [name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase()), value])
  return Object.fromEntries(fields) as T
}

/** @internal {@link fromWire} for an answer that may be `null`. */
export function fromWireOrNull<T> (answer: object | null): T | null {
  return answer === null ? null : fromWire<T>(answer)
}
