//! The NoPass portal (seed `nopass-portal-api.txt`): the receiver of the NoPass server's
//! eleven callbacks, its state, its waits, and its own calls to the NoPass server.
//!
//! `portal.handle(method, path, headers, body, peerAddress)` is the framework-agnostic entry;
//! the package's `portalListener(portal)` (for `node:http`) and `portalMiddleware(portal)`
//! (Express) are small JavaScript adapters over it, and `portal.serve()` starts core's
//! embedded server for hosts with no web stack.

mod hooks;
mod options;
mod portal;
mod results;
#[cfg(feature = "server")]
mod server;
