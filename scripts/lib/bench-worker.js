// One benchmark measurement in a fresh Node process, loading only Node and the bundle
// under test. Results go to file descriptor 3 as JSON, since stdout carries the
// function's own logs and metrics, as in Lambda.
//
//   node scripts/lib/bench-worker.js overhead <bundle.js> <prometheus url> <iterations> <event.json>
//   node scripts/lib/bench-worker.js large <bundle.js|raw> <prometheus url> <event.json>
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const zlib = require('node:zlib');

const out = fs.createWriteStream('', { fd: 3 });
const [mode, bundle, baseUrl, ...rest] = process.argv.slice(2);

function context(timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  return {
    functionName: 'bench',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:bench',
    memoryLimitInMB: '512',
    awsRequestId: 'bench',
    logGroupName: 'bench',
    logStreamName: 'bench',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

const agent = new http.Agent({ keepAlive: true });

/**
 * The same query, straight to Prometheus: the same HTTP request the functions send
 * (kept-alive connection, gzip accepted and decoded), then JSON.parse.
 */
function raw(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers: { accept: 'application/json', 'accept-encoding': 'gzip' } }, (res) => {
        const body = res.headers['content-encoding'] === 'gzip' ? res.pipe(zlib.createGunzip()) : res;
        const chunks = [];
        body.on('data', (c) => chunks.push(c));
        body.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
        body.on('error', reject);
      })
      .on('error', reject);
  });
}

function rawUrl(event) {
  const params = new URLSearchParams({ query: event.query });
  for (const key of ['time', 'start', 'end', 'step']) if (event[key] !== undefined) params.set(key, String(event[key]));
  return `${baseUrl}/api/v1/${event.start === undefined ? 'query' : 'query_range'}?${params}`;
}

async function overhead() {
  const [iterations, eventFile] = rest;
  const event = JSON.parse(fs.readFileSync(eventFile, 'utf8'));
  const { handler } = require(path.resolve(bundle));
  const url = rawUrl(event);
  const handlerMs = [];
  const rawMs = [];
  const n = Number(iterations);
  for (let i = -50; i < n; i++) {
    // Interleaved, so that drift in the machine's load falls on both alike.
    let t = performance.now();
    const result = await handler(event, context(30_000));
    const h = performance.now() - t;
    if (result.status !== 'success') throw new Error(JSON.stringify(result));
    t = performance.now();
    await raw(url);
    const r = performance.now() - t;
    if (i >= 0) {
      handlerMs.push(h);
      rawMs.push(r);
    }
  }
  return { handlerMs, rawMs };
}

async function large() {
  const [eventFile] = rest;
  const event = JSON.parse(fs.readFileSync(eventFile, 'utf8'));
  const t = performance.now();
  let series;
  if (bundle === 'raw') {
    series = (await raw(rawUrl(event))).data.result.length;
  } else {
    const result = await require(path.resolve(bundle)).handler(event, context(60_000));
    // A flat result is serialized by the Lambda runtime: count that too.
    JSON.stringify(result);
    series = result.data.result.length;
  }
  return { ms: performance.now() - t, series, maxRssKb: process.resourceUsage().maxRSS };
}

(mode === 'overhead' ? overhead() : large()).then(
  (result) => out.end(JSON.stringify(result), () => process.exit(0)),
  (error) => {
    process.stderr.write(`${error && error.stack}\n`);
    process.exit(1);
  },
);
