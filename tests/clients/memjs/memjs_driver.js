// Drives memjs for test_binary_memjs.py (the protocol is in driver.py): one JSON request a
// line, [method, arguments...], called on a memjs.Client through its promise API, and one
// JSON answer a line. Buffers come back as UTF-8 strings, flags as a number. "stats" takes
// memjs's callback (it calls it once per server) and answers {server: {name: value}}.
//
// "bench" is the client lab's timing loop (bench/compare-clients): VALUE STORED SEQUENCE
// stores VALUE (an Array of strings; memjs stores strings and Buffers, so it is
// JSON.stringify'd, Node's usual way) under every key of STORED, then gets each key of
// SEQUENCE one call at a time, the call and the JSON.parse of a hit timed alone with
// process.hrtime (monotonic); it answers {"times_ns": [...], "hits": how many gets found a
// value}.
//
// memjs waits for ever for an answer the server closed the connection without sending, so
// every call races a deadline of its own.
//
// Usage: node memjs_driver.js SERVERS [OPTIONS_JSON]   (NODE_PATH finds memjs)
'use strict';
const memjs = require('memjs');
const readline = require('readline');

const DEADLINE_MS = 5000;
// memjs logs its errors to the console: keep stdout for the answers.
const logger = { log: (...parts) => process.stderr.write(parts.join(' ') + '\n') };
const options = Object.assign({ logger, timeout: 2, retries: 1 }, JSON.parse(process.argv[3] || '{}'));
const client = memjs.Client.create(process.argv[2], options);

function plain(value) {
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = k === 'flags' && Buffer.isBuffer(v) ? v.readUInt32BE(0) : plain(v);
    }
    return out;
  }
  return value;
}

function stats() {
  return new Promise((resolve, reject) => {
    const all = {};
    let left = client.servers.length;
    client.stats((err, server, values) => {
      if (err) return reject(err);
      all[server] = values;
      if (--left === 0) resolve(all);
    });
  });
}

async function bench(value, stored, sequence) {
  const encoded = JSON.stringify(value);
  for (const key of stored) {
    if (!(await client.set(key, encoded, {}))) throw new Error(`bench: storing ${key} failed`);
  }
  const times = [];
  let hits = 0;
  for (const key of sequence) {
    const start = process.hrtime.bigint();
    const found = await client.get(key);
    if (found.value !== null) {
      JSON.parse(found.value);
      hits++;
    }
    times.push(Number(process.hrtime.bigint() - start));
  }
  return { times_ns: times, hits };
}

function call(method, args) {
  if (method === 'bench') return bench(...args);
  const work = method === 'stats' ? stats() : client[method](...args);
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${DEADLINE_MS} ms`)), DEADLINE_MS);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

function describe(err) {
  // memjs rejects with a string for a refused authentication.
  return err instanceof Error ? `${err.name}: ${err.message}` : `${typeof err}: ${err}`;
}

// One request at a time, in order: the tests wait for each answer anyway.
let queue = Promise.resolve();
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const [method, ...args] = JSON.parse(line);
  queue = queue
    .then(() => call(method, args))
    .then((result) => ({ result: plain(result === undefined ? null : result) }), (err) => ({ error: describe(err) }))
    .then((answer) => process.stdout.write(JSON.stringify(answer) + '\n'));
}).on('close', () => queue.then(() => { client.close(); }));
