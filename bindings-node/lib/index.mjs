// The package entry for `import … from 'authbridge'`: the same objects as `require`, so a
// program mixing both sees one addon and one `AuthBridgeError` class.
export * from '../index.js'
export * from './errors.cjs'
export * from '../dist/sandbox/index.js'
export * from './portal-http.cjs'
export { default } from './index.cjs'
