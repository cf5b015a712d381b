// Drives memjs for test_binary_memjs.py (the protocol is in driver.py): one JSON request a
// line, [method, arguments...], called on a memjs.Client through its promise API, and one
// JSON answer a line. Buffers come back as UTF-8 strings, flags as a number. "stats" takes
// memjs's callback (it calls it once per server) and answers {server: {name: value}}.
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

function call(method, args) {
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
