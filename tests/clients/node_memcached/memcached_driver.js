// Drives the `memcached` npm package (3rd-Eden's node-memcached, text protocol) for
// test_node_memcached.py (the protocol is in driver.py): one JSON request a line,
// [method, arguments...], called on a Memcached client with its callback, and one JSON
// answer a line: {"result": the callback's data} or {"error": its error's message}.
// Buffers come back as UTF-8 strings; undefined (a miss) as null.
//
// "bench" is the client lab's timing loop (bench/compare-clients): VALUE STORED SEQUENCE
// stores VALUE (an Array of strings, which the package stores as JSON) under every key of
// STORED, then gets each key of SEQUENCE one call at a time, each timed alone with
// process.hrtime (monotonic) from the call to its callback; it answers
// {"times_ns": [...], "hits": how many gets found a value}.
//
// Every call races a deadline of its own: the client queues a command for a server it
// cannot reach, retrying, and answers late or not at all.
//
// Usage: node memcached_driver.js SERVER   (NODE_PATH finds memcached)
//   SERVER is host:port, or a UNIX socket's path that ends in ":11211" (see the test).
'use strict';
const Memcached = require('memcached');
const readline = require('readline');

const DEADLINE_MS = 5000;
// One connection, and a server that fails is tried again at once: the tests' own servers.
const client = new Memcached(process.argv[2], { poolSize: 1, retries: 0, timeout: 2000, retry: 0 });

function plain(value) {
  if (value === undefined) return null;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = plain(v);
    return out;
  }
  return value;
}

function call(method, args) {
  const work = new Promise((resolve, reject) => {
    client[method](...args, (err, data) => (err ? reject(err) : resolve(data)));
  });
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${DEADLINE_MS} ms`)), DEADLINE_MS);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

function once(method, ...args) {
  return new Promise((resolve, reject) => {
    client[method](...args, (err, data) => (err ? reject(err) : resolve(data)));
  });
}

async function bench(value, stored, sequence) {
  for (const key of stored) {
    if (!(await once('set', key, value, 0))) throw new Error(`bench: storing ${key} failed`);
  }
  const times = [];
  let hits = 0;
  for (const key of sequence) {
    const start = process.hrtime.bigint();
    const found = await once('get', key);
    times.push(Number(process.hrtime.bigint() - start));
    if (found !== undefined) hits++;
  }
  return { times_ns: times, hits };
}

// One request at a time, in order: the tests wait for each answer anyway.
let queue = Promise.resolve();
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const [method, ...args] = JSON.parse(line);
  queue = queue
    .then(() => (method === 'bench' ? bench(...args) : call(method, args)))
    .then((result) => ({ result: plain(result) }), (err) => ({ error: err instanceof Error ? err.message : String(err) }))
    .then((answer) => process.stdout.write(JSON.stringify(answer) + '\n'));
// Every call was answered: nothing is left to send. The exit does not wait for the timers
// with which the client retries a server it could not reach.
}).on('close', () => queue.then(() => { client.end(); process.exit(0); }));
