// Requests per second of an authbridge nevisIDM password login against the same request made
// with undici.request and with the built-in fetch, all against one sandbox endpoint over
// keep-alive connections with 64 requests in flight. Each contender sends the same POST with
// the same JSON body and parses the same JSON answer. Prints the median of several runs per
// contender and the ratios. Not a test: a benchmark to read.
//
//   npm run build && npm run bench                 (in bindings-node)
//   node bench/bench.mjs --runs 7 --seconds 3 --concurrency 64
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

import { Agent, request } from 'undici'
import { NevisClient } from '../lib/index.mjs'

const { values: options } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '64' }
  }
})
const runs = Math.max(5, Number(options.runs))
const seconds = Number(options.seconds)
const concurrency = Number(options.concurrency)

const CLIENT = '1000'
const USER = '1234'
const PASSWORD = '1StrongPassword!'

// The sandbox runs in a process of its own, so the process measured holds only the clients.
async function startSandbox () {
  const script = `
    const ab = require('./lib/index.cjs')
    ab.Sandbox.start().then((sandbox) => {
      sandbox.nevis.addClient('${CLIENT}', 'Default')
      sandbox.nevis.addUser('${CLIENT}', '${USER}')
      sandbox.nevis.setPassword('${CLIENT}', '${USER}', '${PASSWORD}')
      console.log(sandbox.url('nevisidm'))
      process.stdin.resume()
      process.stdin.on('end', () => sandbox.stop().then(() => process.exit(0)))
    })
  `
  const cwd = fileURLToPath(new URL('..', import.meta.url))
  const child = spawn(process.execPath, ['-e', script], { cwd, stdio: ['pipe', 'pipe', 'inherit'] })
  const [url] = await once(createInterface({ input: child.stdout }), 'line')
  return { url, stop: () => child.stdin.end() }
}

function check (answer) {
  if (answer.statusCode !== 5) throw new Error(`unexpected answer ${JSON.stringify(answer)}`)
}

function contenders (base) {
  const url = `${base}/nevisidm/api/auth/v1/${CLIENT}/users/${USER}/password/login/`
  const body = JSON.stringify({ password: PASSWORD })
  const headers = { 'content-type': 'application/json', accept: 'application/json' }
  const client = new NevisClient({ baseUrl: base })
  const agent = new Agent({ connections: concurrency, pipelining: 1 })
  return {
    authbridge: async () => {
      const status = await client.passwordLogin(CLIENT, USER, PASSWORD)
      check({ statusCode: status.statusCode })
    },
    'undici.request': async () => {
      const response = await request(url, { method: 'POST', headers, body, dispatcher: agent })
      check(await response.body.json())
    },
    fetch: async () => {
      const response = await fetch(url, { method: 'POST', headers, body })
      check(await response.json())
    }
  }
}

/** Requests per second of `call`, with `concurrency` calls in flight for `seconds`. */
async function measure (call, durationMs) {
  let done = 0
  const deadline = performance.now() + durationMs
  const worker = async () => {
    while (performance.now() < deadline) {
      await call()
      done++
    }
  }
  const started = performance.now()
  await Promise.all(Array.from({ length: concurrency }, worker))
  return done / ((performance.now() - started) / 1000)
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

const sandbox = await startSandbox()
try {
  const calls = contenders(sandbox.url)
  const names = Object.keys(calls)
  for (const name of names) await measure(calls[name], 500) // warm-up: connections, JIT
  const results = Object.fromEntries(names.map((name) => [name, []]))
  for (let run = 0; run < runs; run++) {
    // Interleaved, so that drift in the machine's load touches every contender alike.
    for (const name of names) results[name].push(await measure(calls[name], seconds * 1000))
  }
  console.log(`nevisIDM password login, ${concurrency} in flight, keep-alive, median of ${runs} runs of ${seconds} s\n`)
  const medians = Object.fromEntries(names.map((name) => [name, median(results[name])]))
  for (const name of names) {
    const all = results[name].map((r) => Math.round(r)).join(' ')
    console.log(`${name.padEnd(15)} ${Math.round(medians[name]).toString().padStart(7)} req/s   (runs: ${all})`)
  }
  const ratio = (peer, target) => {
    const value = medians.authbridge / medians[peer]
    return `${value.toFixed(2)}x ${peer} (target >= ${target.toFixed(1)}x: ${value >= target ? 'met' : 'MISSED'})`
  }
  console.log(`\nauthbridge = ${ratio('fetch', 1.0)}`)
  console.log(`authbridge = ${ratio('undici.request', 0.9)}`)
} finally {
  sandbox.stop()
}
