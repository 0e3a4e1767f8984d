'use strict'
// The package entry for `require('authbridge')`: the native addon (loaded by the napi-rs
// generated `index.js`), the error class it throws, the sandbox's typed helpers (built from
// `lib/sandbox/` into `dist/`) and the small JavaScript layer that mounts a NoPass portal in
// `node:http` and Express.
const native = require('../index.js')
const { AuthBridgeError } = require('./errors.cjs')
const sandbox = require('../dist/sandbox/index.js')
const http = require('./portal-http.cjs')

const { __registerErrorClass: registerErrorClass, ...addon } = native
registerErrorClass(AuthBridgeError)

module.exports = { ...addon, AuthBridgeError, ...sandbox, ...http }
