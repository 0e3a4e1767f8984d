// The installed package through import.
import * as authbridge from 'authbridge'
import flows from './flows.cjs'

await flows(authbridge, 'import')
