// Faults as `sandbox.arm` takes them, in the JavaScript spelling (`type`, camelCase) that
// becomes core's (`kind`, snake_case).
import { snakeCase, toWire } from './control.js'

/** Something that goes wrong on purpose when a route is called. */
export type Fault =
  /** Wait this long (ms) before answering; the request is then handled normally. */
  | { type: 'delay', ms: number }
  /** Read the request, then close the connection without answering. */
  | { type: 'reset' }
  /**
   * Answer this status at once with an optional `Retry-After` value (seconds or an HTTP
   * date) and an empty JSON body, without handling the request.
   */
  | { type: 'status', status: number, retryAfter?: string }
  /** Handle the request, then send only half of the answer before closing the connection. */
  | { type: 'truncatedBody' }
  /** Answer 200 with a JSON body of about this many bytes, without handling the request. */
  | { type: 'largeBody', bytes: number }

/** @internal The fault as core spells it: `{ kind: 'status', status, retry_after }`. */
export function faultSpec ({ type, ...fields }: Fault): object {
  return { kind: snakeCase(type), ...toWire(fields) }
}
