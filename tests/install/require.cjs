'use strict'
// The installed package through require().
require('./flows.cjs')(require('authbridge'), 'require').catch((err) => {
  console.error(err)
  process.exit(1)
})
