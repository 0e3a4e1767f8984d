// Faults as `sandbox.arm` takes them: the JavaScript spelling (`type`, camelCase) turned into
// core's (`kind`, snake_case).

/** Something that goes wrong on purpose when a route is called. */
export type Fault =
  /** Wait this long (ms) before answering; the request is then handled normally. */
  | { type: 'delay'; ms: number }
  /** Read the request, then close the connection without answering. */
  | { type: 'reset' }
  /**
   * Answer this status at once with an optional `Retry-After` value (seconds or an HTTP
   * date) and an empty JSON body, without handling the request.
   */
  | { type: 'status'; status: number; retryAfter?: string }
  /** Handle the request, then send only half of the answer before closing the connection. */
  | { type: 'truncatedBody' }
  /** Answer 200 with a JSON body of about this many bytes, without handling the request. */
  | { type: 'largeBody'; bytes: number }

/** @internal The fault in core's JSON form. */
export function faultSpec (fault: Fault): object {
  switch (fault.type) {
    case 'delay': return { kind: 'delay', ms: fault.ms }
    case 'reset': return { kind: 'reset' }
    case 'status': return { kind: 'status', status: fault.status, retry_after: fault.retryAfter }
    case 'truncatedBody': return { kind: 'truncated_body' }
    case 'largeBody': return { kind: 'large_body', bytes: fault.bytes }
    // A caller without the types gets core's refusal naming the field.
    default: return { kind: (fault as { type: unknown }).type }
  }
}
