export * from '../index'
export * from '../dist/sandbox/index'
export * from './portal-http'
