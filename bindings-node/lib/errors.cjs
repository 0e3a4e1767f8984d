'use strict'
// The class of every error the package throws or rejects with. It is defined here, in
// JavaScript, and handed to the native addon as the package loads (lib/index.cjs), so that
// errors built in Rust are real instances: `instanceof AuthBridgeError` holds whether the
// package was loaded with `require` or `import`.

class AuthBridgeError extends Error {
  /**
   * @param {string} message
   * @param {object} [fields] `code`, `vendor`, `status`, … (the addon sets them itself)
   */
  constructor (message, fields) {
    super(message)
    if (fields !== undefined) Object.assign(this, fields)
  }
}

// On the prototype, like `Error.prototype.name`, so it shows in stack traces and
// `String(error)` without being an own field of every error.
Object.defineProperty(AuthBridgeError.prototype, 'name', {
  value: 'AuthBridgeError',
  writable: true,
  configurable: true
})

module.exports = { AuthBridgeError }
