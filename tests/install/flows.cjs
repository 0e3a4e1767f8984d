'use strict'
// A nevisIDM password login and a Descope TOTP sign-in with the installed npm packages, against
// the sandbox named in the environment (tests/cross/70-install.sh sets it up). `how` says
// whether the package came through `import` or `require`.
const assert = require('node:assert/strict')

module.exports = async function flows (authbridge, how) {
  const env = process.env
  const { version } = require('authbridge/package.json')
  assert.equal(version, env.EXPECTED_VERSION)

  const nevis = new authbridge.NevisClient({ baseUrl: env.NEVIS_URL })
  const status = await nevis.passwordLogin('1000', env.NEVIS_USER, 'correct horse')
  assert.equal(status.statusCode, 5)
  await assert.rejects(nevis.passwordLogin('1000', env.NEVIS_USER, 'battery staple'),
    (err) => err.code === 'authentication_failed')

  const descope = new authbridge.DescopeClient({ projectId: env.DESCOPE_PROJECT, baseUrl: env.DESCOPE_URL })
  const code = authbridge.Totp.fromBase32(env.DESCOPE_TOTP_SECRET).generate()
  const session = await descope.totpVerify(env.DESCOPE_LOGIN, code)
  assert.ok(session.user.loginIds.includes(env.DESCOPE_LOGIN), JSON.stringify(session.user.loginIds))
  assert.equal((await descope.validateSession(session.sessionJwt)).subject, session.user.userId)
  console.log(`-- node (${how}): nevisIDM password login and Descope TOTP sign-in passed`)
}
