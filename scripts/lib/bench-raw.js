// The floor every measurement is held against: the same HTTP request the functions send
// to Prometheus (kept-alive connection, gzip accepted and decoded), then JSON.parse.
// Plain CommonJS, so that the benchmark's fresh worker processes load nothing else.
'use strict';
const http = require('node:http');
const zlib = require('node:zlib');

const agent = new http.Agent({ keepAlive: true });

/** GETs `url` and parses the JSON answer. */
function raw(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers: { accept: 'application/json', 'accept-encoding': 'gzip' } }, (res) => {
        const body = res.headers['content-encoding'] === 'gzip' ? res.pipe(zlib.createGunzip()) : res;
        const chunks = [];
        body.on('data', (c) => chunks.push(c));
        body.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch (error) {
            reject(error);
          }
        });
        body.on('error', reject);
      })
      .on('error', reject);
  });
}

/** The Prometheus API URL an instant (`time`) or range (`start`, `end`, `step`) event asks for. */
function rawUrl(baseUrl, event) {
  const params = new URLSearchParams({ query: event.query });
  for (const key of ['time', 'start', 'end', 'step']) if (event[key] !== undefined) params.set(key, String(event[key]));
  return `${baseUrl}/api/v1/${event.start === undefined ? 'query' : 'query_range'}?${params}`;
}

/** A Lambda context with a deadline `timeoutMs` away. */
function lambdaContext(timeoutMs, name = 'bench') {
  const deadline = Date.now() + timeoutMs;
  return {
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
    memoryLimitInMB: '512',
    awsRequestId: 'bench',
    logGroupName: 'bench',
    logStreamName: 'bench',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

module.exports = { raw, rawUrl, lambdaContext };
