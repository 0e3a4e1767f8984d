export * from '../index'
export * from './portal-http'
