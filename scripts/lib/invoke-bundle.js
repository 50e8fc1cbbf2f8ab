// Loads one built bundle (sam build output) in this fresh Node process, invokes its
// handler once with an event file, and prints {result, timings, maxRssBytes} as JSON. Plain
// CommonJS on purpose: nothing is loaded besides Node and the bundle itself.
//
//   node scripts/lib/invoke-bundle.js <bundle.js> <handler export> <event.json> [timeout seconds] [tool name]
//
// With a tool name, the call is a tool call as AgentCore Gateway makes it (the name in the
// client context): the answer is sized for a model.
'use strict';
const { readFileSync } = require('node:fs');
const path = require('node:path');

async function main() {
  const [bundle, exportName = 'handler', eventFile, timeoutSeconds = '30', toolName] = process.argv.slice(2);
  const event = JSON.parse(readFileSync(eventFile, 'utf8'));
  const beforeLoad = performance.now();
  const handler = require(path.resolve(bundle))[exportName];
  const loaded = performance.now();
  const deadline = Date.now() + Number(timeoutSeconds) * 1000;
  const result = await handler(event, {
    functionName: path.basename(path.dirname(bundle)),
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:local',
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE || '256',
    awsRequestId: 'local-bundle-invoke',
    logGroupName: '/aws/lambda/local',
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    ...(toolName ? { clientContext: { custom: { bedrockAgentCoreToolName: `bench___${toolName}`, envelope: true } } } : {}),
  });
  const done = performance.now();
  // Lambda refuses a synchronous response over 6 MB: so does this stand-in.
  const bytes = Buffer.byteLength(JSON.stringify(result) || '');
  if (bytes > 6 * 1024 * 1024) throw new Error(`response of ${bytes} bytes exceeds Lambda's 6 MB limit`);
  // Exit once the answer is written: a large one to a pipe is written in several turns.
  await new Promise((resolve) => process.stdout.write(
    `${JSON.stringify({
      result,
      timings: { startToLoadMs: beforeLoad, loadMs: loaded - beforeLoad, invokeMs: done - loaded },
      maxRssBytes: peakRssBytes(),
    })}\n`,
    resolve,
  ));
}

/**
 * This process' peak resident memory. On Linux, VmHWM of /proc/self/status: getrusage's
 * maxRSS also counts the parent's memory from before exec (the kernel folds the forked
 * copy's high-water mark into it), so a child of a large process would report the parent's.
 */
function peakRssBytes() {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (kb) return Number(kb[1]) * 1024;
  } catch {
    // Not Linux: getrusage's figure.
  }
  return process.resourceUsage().maxRSS * 1024;
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error && error.stack}\n`);
    process.exit(1);
  },
);
