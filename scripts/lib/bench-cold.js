// One cold start in this fresh Node process: compiles a bundle, runs its module body,
// then invokes its handler twice with an event file (a cold call, then a warm one).
// Writes {compileMs, runMs, firstMs, secondMs} as JSON to file descriptor 3 (stdout
// carries the function's own logs). With --profile, also writes V8 CPU profiles of
// the load and of each call (50 µs sampling asked) to <prefix>.{load,first,second}.cpuprofile,
// and with --warm N, of N more calls to <prefix>.warm.cpuprofile.
// Plain CommonJS, so that nothing but Node and the bundle is loaded before the clock starts.
//
//   node scripts/lib/bench-cold.js <bundle.js> <event.json | -> [--profile <prefix> [--warm <calls>]]
'use strict';
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const vm = require('node:vm');
const { lambdaContext } = require('./bench-raw');

const [bundleArg, eventFile, flag, prefix, warmFlag, warmCalls] = process.argv.slice(2);
const bundle = path.resolve(bundleArg);
const event = eventFile === '-' ? {} : JSON.parse(fs.readFileSync(eventFile, 'utf8'));
const source = fs.readFileSync(bundle, 'utf8');

let session;
async function profiled(phase, work) {
  if (flag !== '--profile') return work();
  if (session === undefined) {
    const inspector = require('node:inspector/promises');
    session = new inspector.Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 50 });
  }
  await session.post('Profiler.start');
  const result = await work();
  const { profile } = await session.post('Profiler.stop');
  fs.writeFileSync(`${prefix}.${phase}.cpuprofile`, JSON.stringify(profile));
  return result;
}

function ok(result) {
  // A body event answers {statusCode, body}, a flat one the envelope.
  const status = result && (result.statusCode ?? (result.status === 'success' ? 200 : 500));
  if (status !== 200) throw new Error(`${bundleArg} answered ${JSON.stringify(result).slice(0, 500)}`);
}

async function main() {
  // As Node's require does it: the file compiled as a function of (exports, require,
  // module, __filename, __dirname), then run; timed apart.
  let t = performance.now();
  const { compileMs, runMs, handler } = await profiled('load', () => {
    const fn = vm.compileFunction(source, ['exports', 'require', 'module', '__filename', '__dirname'], { filename: bundle });
    const compiled = performance.now();
    const mod = new Module(bundle, module);
    mod.filename = bundle;
    mod.paths = Module._nodeModulePaths(path.dirname(bundle));
    fn.call(mod.exports, mod.exports, Module.createRequire(bundle), mod, bundle, path.dirname(bundle));
    const ran = performance.now();
    return { compileMs: compiled - t, runMs: ran - compiled, handler: mod.exports.handler };
  });
  t = performance.now();
  ok(await profiled('first', () => handler(event, lambdaContext(30_000))));
  const firstMs = performance.now() - t;
  t = performance.now();
  ok(await profiled('second', () => handler(event, lambdaContext(30_000))));
  const secondMs = performance.now() - t;
  if (warmFlag === '--warm') {
    await profiled('warm', async () => {
      for (let i = 0; i < Number(warmCalls); i++) ok(await handler(event, lambdaContext(30_000)));
    });
  }
  return { compileMs, runMs, firstMs, secondMs };
}

main().then(
  (result) => fs.createWriteStream('', { fd: 3 }).end(JSON.stringify(result), () => process.exit(0)),
  (error) => {
    process.stderr.write(`${error && error.stack}\n`);
    process.exit(1);
  },
);
