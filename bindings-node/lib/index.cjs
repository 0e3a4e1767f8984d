'use strict'
// The package entry for `require('authbridge')`: the native addon (loaded by the napi-rs
// generated `index.js`) plus the small JavaScript layer that mounts a NoPass portal in
// `node:http` and Express.
const native = require('../index.js')
const http = require('./portal-http.cjs')

module.exports = { ...native, ...http }
