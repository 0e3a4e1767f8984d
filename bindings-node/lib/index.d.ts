export * from '../index'
export * from './errors'
export * from '../dist/sandbox/index'
export * from './portal-http'
