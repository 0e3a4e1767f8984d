import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Portal } from '../index'

/** A `node:http` request listener serving the portal's callbacks. */
export declare function portalListener(
  portal: Portal,
  options?: { onError?: (error: unknown) => void }
): (req: IncomingMessage, res: ServerResponse) => void

/** An Express/Connect middleware serving the portal's callbacks and passing other requests on. */
export declare function portalMiddleware(
  portal: Portal
): (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void
