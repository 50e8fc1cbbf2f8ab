/**
 * The benchmark: the built functions against a real local Prometheus holding a
 * workspace-sized fixture (the sample data plus 2,000 series), measured in one run on
 * this machine, written to docs/benchmarks.md.
 *
 *   npm run bench            # builds with `sam build` first when .aws-sam/build is missing
 *
 * 1. Per-call overhead: a small instant query through the query bundle, in-process,
 *    against the same request sent raw from the same process (interleaved).
 * 2. Cold start: a fresh `node` that loads each bundle and serves one invocation,
 *    against the same with a bundle that loads nothing.
 * 3. A large range query (2,000 series x 500 points): handler time and peak memory,
 *    against a raw request plus JSON.parse, each in a fresh process.
 * 4. Bundle sizes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FIXTURE, FIXTURE_START, benchFamily } from '../tests/fixtures/dataset';
import { startLocalPrometheus } from './lib/local-prometheus';

const ROOT = path.join(__dirname, '..');
const BUILD = path.join(ROOT, '.aws-sam', 'build');
const WORKER = path.join(ROOT, 'scripts', 'lib', 'bench-worker.js');
const INVOKE = path.join(ROOT, 'scripts', 'lib', 'invoke-bundle.js');
const NOOP = path.join(ROOT, 'scripts', 'lib', 'noop-handler.js');
const FUNCTIONS = [
  ['query', 'QueryFunction'],
  ['range-query', 'RangeQueryFunction'],
  ['list-metrics', 'ListMetricsFunction'],
  ['server-info', 'ServerInfoFunction'],
  ['integration', 'IntegrationFunction'],
] as const;
const BENCH_SERIES = 2000;
const OVERHEAD_ITERATIONS = 1000;
const COLD_RUNS = 21;
const LARGE_RUNS = 3;
const T0 = 1680307200;

const TARGETS = { overheadRatio: 1.2, coldStartMs: 60, largeRatio: 1.5, largeMemoryMb: 512, bundleBytes: 1_000_000 };

interface Env {
  [key: string]: string | undefined;
}

async function main(): Promise<void> {
  if (!existsSync(path.join(BUILD, 'template.yaml'))) {
    log('No .aws-sam/build: running npm run build');
    const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('npm run build failed');
  }
  const bundle = (id: string, file: string) => path.join(BUILD, id, `${file}.js`);

  log(`Starting a local Prometheus with the fixture and ${BENCH_SERIES} more series…`);
  const prometheus = await startLocalPrometheus({ families: [...FIXTURE, benchFamily(BENCH_SERIES)] });
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  const env: Env = {
    ...process.env,
    PROMETHEUS_URL: prometheus.url,
    // Signed as in AWS (Prometheus ignores the headers), with throwaway credentials.
    PROMETHEUS_SIGV4: 'true',
    AWS_ACCESS_KEY_ID: 'AKIDBENCHMARK',
    AWS_SECRET_ACCESS_KEY: 'benchmark-secret',
    AWS_REGION: 'us-east-1',
    POWERTOOLS_LOG_LEVEL: 'INFO',
    POWERTOOLS_METRICS_NAMESPACE: 'PrometheusTools',
    POWERTOOLS_SERVICE_NAME: 'bench',
    POWERTOOLS_DEV: undefined,
    POWERTOOLS_METRICS_DISABLED: undefined,
  };
  const eventFile = (name: string, event: unknown) => {
    const file = path.join(scratch, `${name}.json`);
    writeFileSync(file, JSON.stringify(event));
    return file;
  };

  try {
    log('1/4 per-call overhead…');
    const small = eventFile('small', { query: 'up', time: T0 });
    const overheadRun = (extra: Env) =>
      worker(['overhead', bundle('QueryFunction', 'query'), prometheus.url, String(OVERHEAD_ITERATIONS), small], { ...env, ...extra }) as Promise<Overhead>;
    const overhead = await overheadRun({});
    // Where the difference goes: the same without signing, and without the per-request log line and EMF metrics.
    const unsigned = await overheadRun({ PROMETHEUS_SIGV4: 'false' });
    const quiet = await overheadRun({ POWERTOOLS_LOG_LEVEL: 'WARN', POWERTOOLS_METRICS_DISABLED: 'true' });

    log('2/4 cold starts…');
    const cold = await coldStarts(
      FUNCTIONS.map(([name, id]) => ({ name, bundle: bundle(id, name), event: path.join(ROOT, 'events', `${name}.json`) })),
      env,
    );

    log('3/4 large range query…');
    const step = 28;
    const large = eventFile('large', { query: 'bench_requests_in_flight', start: FIXTURE_START, end: FIXTURE_START + 499 * step, step });
    const handlerRuns = [];
    const rawRuns = [];
    for (let i = 0; i < LARGE_RUNS; i++) {
      handlerRuns.push((await worker(['large', bundle('RangeQueryFunction', 'range-query'), prometheus.url, large], env)) as LargeRun);
      rawRuns.push((await worker(['large', 'raw', prometheus.url, large], env)) as LargeRun);
    }

    log('4/4 bundle sizes…');
    const sizes = FUNCTIONS.map(([name, id]) => ({ name, bytes: statSync(bundle(id, name)).size }));

    const report = render({ prometheusVersion: prometheus.version, overhead, unsigned, quiet, cold, handlerRuns, rawRuns, sizes });
    mkdirSync(path.join(ROOT, 'docs'), { recursive: true });
    writeFileSync(path.join(ROOT, 'docs', 'benchmarks.md'), report);
    process.stdout.write(`${report}\nWritten to docs/benchmarks.md\n`);
  } finally {
    await prometheus.stop();
  }
}

interface Overhead {
  handlerMs: number[];
  rawMs: number[];
}

interface LargeRun {
  ms: number;
  series: number;
  maxRssKb: number;
}

function worker(args: string[], env: Env): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER, ...args], { env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'ignore', 'inherit', 'pipe'] });
    let out = '';
    child.stdio[3]!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`bench worker ${args[0]} exited with ${code}`))));
  });
}

interface ColdStart {
  name: string;
  wallMs: number;
  initMs: number;
  loadMs: number;
}

/**
 * Wall time of a fresh process that loads a bundle and serves one invocation. Each
 * round runs the baseline (a bundle that loads nothing) and then every function, so
 * that the machine's drift falls on both; init cost is the median of the per-round
 * differences.
 */
async function coldStarts(functions: { name: string; bundle: string; event: string }[], env: Env): Promise<{ baseline: ColdStart; functions: ColdStart[] }> {
  const runs = new Map<string, { wall: number[]; diff: number[]; load: number[] }>();
  for (const name of ['(nothing loaded)', ...functions.map((f) => f.name)]) runs.set(name, { wall: [], diff: [], load: [] });
  for (let round = 0; round < COLD_RUNS; round++) {
    const base = await invokeFresh(NOOP, functions[0]!.event, env);
    runs.get('(nothing loaded)')!.wall.push(base.wallMs);
    runs.get('(nothing loaded)')!.load.push(base.loadMs);
    for (const f of functions) {
      const run = await invokeFresh(f.bundle, f.event, env);
      const r = runs.get(f.name)!;
      r.wall.push(run.wallMs);
      r.diff.push(run.wallMs - base.wallMs);
      r.load.push(run.loadMs);
    }
  }
  const summary = (name: string): ColdStart => {
    const r = runs.get(name)!;
    return { name, wallMs: median(r.wall), initMs: r.diff.length === 0 ? 0 : median(r.diff), loadMs: median(r.load) };
  };
  return { baseline: summary('(nothing loaded)'), functions: functions.map((f) => summary(f.name)) };
}

async function invokeFresh(bundle: string, event: string, env: Env): Promise<{ wallMs: number; loadMs: number }> {
  const started = performance.now();
  const stdout = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, [INVOKE, bundle, 'handler', event, '30'], { env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`invoke of ${bundle} exited with ${code}`))));
  });
  const wallMs = performance.now() - started;
  const last = stdout.trimEnd().split('\n').pop()!;
  return { wallMs, loadMs: (JSON.parse(last) as { timings: { loadMs: number } }).timings.loadMs };
}

function render(r: {
  prometheusVersion: string;
  overhead: Overhead;
  unsigned: Overhead;
  quiet: Overhead;
  cold: { baseline: ColdStart; functions: ColdStart[] };
  handlerRuns: LargeRun[];
  rawRuns: LargeRun[];
  sizes: { name: string; bytes: number }[];
}): string {
  const ms = (n: number) => `${n.toFixed(n < 10 ? 2 : 1)} ms`;
  const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');
  const hp50 = percentile(r.overhead.handlerMs, 50);
  const rp50 = percentile(r.overhead.rawMs, 50);
  const hp99 = percentile(r.overhead.handlerMs, 99);
  const rp99 = percentile(r.overhead.rawMs, 99);
  const largeHandler = median(r.handlerRuns.map((x) => x.ms));
  const largeRaw = median(r.rawRuns.map((x) => x.ms));
  const rssHandler = Math.max(...r.handlerRuns.map((x) => x.maxRssKb)) / 1024;
  const rssRaw = Math.max(...r.rawRuns.map((x) => x.maxRssKb)) / 1024;
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return [
    '# Benchmarks',
    '',
    `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}, in one run on one machine: ${os.cpus().length} × ${cpu}, ` +
      `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, Node.js ${process.version}, Prometheus ${r.prometheusVersion} ` +
      `(Debian's package) on 127.0.0.1 holding the test fixture plus ${BENCH_SERIES} series. The functions are the \`sam build\` bundles ` +
      '(minified, target node20), signing with SigV4, logging at INFO and emitting EMF metrics as deployed.',
    '',
    '## 1. Per-call overhead (small instant query, `up`, 3 series)',
    '',
    `The query function's handler, in-process, against the same request sent raw (Node's http, kept-alive connection, JSON.parse), interleaved, ${OVERHEAD_ITERATIONS} calls each after 50 warm-up calls.`,
    '',
    '| | p50 | p99 |',
    '|---|---|---|',
    `| raw request | ${ms(rp50)} | ${ms(rp99)} |`,
    `| handler | ${ms(hp50)} | ${ms(hp99)} |`,
    `| ratio | ${(hp50 / rp50).toFixed(2)}× | ${(hp99 / rp99).toFixed(2)}× |`,
    '',
    'The same, with one part of the handler off at a time (each against its own interleaved raw calls):',
    '',
    '| handler | handler p50 | raw p50 | ratio |',
    '|---|---|---|---|',
    ...(
      [
        ['as deployed', r.overhead],
        ['without SigV4 signing', r.unsigned],
        ['without the per-request log line and EMF metrics', r.quiet],
      ] as const
    ).map(([label, o]) => {
      const h = percentile(o.handlerMs, 50);
      const w = percentile(o.rawMs, 50);
      return `| ${label} | ${ms(h)} | ${ms(w)} | ${(h / w).toFixed(2)}× |`;
    }),
    '',
    `Target: p50 within ${TARGETS.overheadRatio}× of raw: ${verdict(hp50 / rp50 <= TARGETS.overheadRatio)}.`,
    '',
    '## 2. Cold start',
    '',
    `A fresh \`node\` that loads the bundle and serves one invocation of its \`events/*.json\`, against the same with a bundle that loads nothing, in ${COLD_RUNS} rounds that run the baseline and then each function. Init cost = the median of the per-round differences. Outside Lambda, so without the X-Ray SDK, which the functions load only when Lambda's active tracing is on.`,
    '',
    '| function | process, start to exit | init cost (difference) | bundle load (in-process) |',
    '|---|---|---|---|',
    `| (nothing loaded) | ${ms(r.cold.baseline.wallMs)} | — | ${ms(r.cold.baseline.loadMs)} |`,
    ...r.cold.functions.map((c) => `| ${c.name} | ${ms(c.wallMs)} | ${ms(c.initMs)} | ${ms(c.loadMs)} |`),
    '',
    `Target: at most ${TARGETS.coldStartMs} ms per function: ${verdict(r.cold.functions.every((c) => c.initMs <= TARGETS.coldStartMs))}.`,
    '',
    `## 3. Large range query (${r.handlerRuns[0]?.series ?? '?'} series × 500 points)`,
    '',
    `The range-query handler (its flat result serialized, as the Lambda runtime does) against a raw request plus JSON.parse, each in a fresh process, median of ${LARGE_RUNS}. ` +
      'The complete answer is larger than the 6 MB response budget, so the handler returns the series that fit, with a note.',
    '',
    '| | time | peak memory (max RSS) | series returned |',
    '|---|---|---|---|',
    `| raw request + JSON.parse | ${ms(largeRaw)} | ${rssRaw.toFixed(0)} MB | ${r.rawRuns[0]?.series} |`,
    `| handler | ${ms(largeHandler)} | ${rssHandler.toFixed(0)} MB | ${r.handlerRuns[0]?.series} |`,
    `| ratio | ${(largeHandler / largeRaw).toFixed(2)}× | | |`,
    '',
    `Targets: within ${TARGETS.largeRatio}× of raw time: ${verdict(largeHandler / largeRaw <= TARGETS.largeRatio)}; ` +
      `well inside range-query's ${TARGETS.largeMemoryMb} MB: ${verdict(rssHandler < TARGETS.largeMemoryMb * 0.75)}.`,
    '',
    '## 4. Bundle sizes',
    '',
    '| function | bundle (minified) |',
    '|---|---|',
    ...r.sizes.map((s) => `| ${s.name} | ${s.bytes.toLocaleString('en-US')} bytes |`),
    '',
    `Budget: ${TARGETS.bundleBytes.toLocaleString('en-US')} bytes each: ${verdict(r.sizes.every((s) => s.bytes <= TARGETS.bundleBytes))}.`,
    '',
    'What was changed to reach these numbers, the measurements before, and why a missed target stays missed: [benchmark-history.md](benchmark-history.md).',
    '',
  ].join('\n');
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function median(values: number[]): number {
  return percentile(values, 50);
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack}\n`);
  process.exit(1);
});
