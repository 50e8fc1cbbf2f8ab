// One benchmark measurement in a fresh Node process, loading only Node and the bundle
// under test. Results go to file descriptor 3 as JSON, since stdout carries the
// function's own logs and metrics, as in Lambda.
//
//   node scripts/lib/bench-worker.js overhead <bundle.js> <prometheus url> <iterations> <event.json>
//   node scripts/lib/bench-worker.js large <bundle.js|raw> <prometheus url> <event.json>
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { raw, rawUrl: urlOf, lambdaContext: context } = require('./bench-raw');

const out = fs.createWriteStream('', { fd: 3 });
const [mode, bundle, baseUrl, ...rest] = process.argv.slice(2);

const rawUrl = (event) => urlOf(baseUrl, event);

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
