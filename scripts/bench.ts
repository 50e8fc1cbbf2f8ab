/**
 * The benchmark: this project's functions and local MCP server side by side with the npm
 * peer `prometheus-mcp` and with raw requests, against one real local Prometheus holding
 * a workspace-sized fixture (the sample data plus 2,000 series), in one run on this
 * machine, every comparison a ratio measured in that run. Writes docs/benchmarks.md.
 *
 *   npm run bench                  # builds what is missing first (sam build, npm run build:mcp)
 *   npm run bench -- --build       # rebuilds both first
 *   npm run bench -- --quick       # a smoke run: few samples, prints the report, writes nothing
 *   npm run bench -- --agent-tasks # only the agent-task suite (7.), printed, nothing written
 *   npm run bench -- --scale       # only the scale benchmark (8.): its section of docs/benchmarks.md and its chart
 *
 * 1. MCP: spawn → initialize → tools/list; tools/call of an instant query (p50, p99)
 *    against the peer and a raw request; answer sizes in bytes and tokens.
 * 2. Per-call overhead: the query function's handler in-process against a raw request.
 * 3. Cold start: each built function against a naive bundle of the same packages.
 * 4. Where init goes: build settings tried on the query function in the same rounds, and
 *    a CPU profile of the load, the first call and warm calls, by package.
 * 5. A large range query (2,000 series × 500 points): time and peak memory.
 * 6. Bundle sizes.
 * 7. Agent tasks: questions answered with each MCP server's tools, calls and tokens per
 *    task (scripts/lib/agent-tasks.ts), on the demo data and on a workspace-shaped dataset
 *    in a Prometheus of its own (scripts/lib/workspace-dataset.ts).
 * 8. Workspace scale (--scale): the first calls an agent makes on 10k, 100k and 1M series
 *    (scripts/lib/bench-scale.ts); a full run keeps the section the last --scale wrote.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FIXTURE, FIXTURE_START, benchFamily } from '../tests/fixtures/dataset';
import { startLocalPrometheus } from './lib/local-prometheus';
import { runScaleBenchmark, scaleSection } from './lib/bench-scale';
import { raw, rawUrl } from './lib/bench-raw';
import {
  callLatency,
  callTool,
  connect,
  countMatrix,
  forModel,
  measure,
  oursSpec,
  peerSpec,
  pypiSpec,
  readyTimes,
  resultText,
  TRIED,
  type AnswerSize,
  type CallLatency,
} from './lib/bench-mcp';
import { toolAnswer, type SuccessEnvelope } from '../src/shared/responses';
import { demoData, renderAgentTasks, runAgentTasks, summarizeAgentTasks, workspaceData, type AgentTaskResults, type TaskData } from './lib/agent-tasks';
import { startWorkspacePrometheus } from './lib/workspace-prometheus';
import { SAM_ESBUILD, SourceMap, attribute, bundle as esbuild } from './lib/bench-profile';
import { loadConfig } from '../src/shared/config';
import { bytes, log, median, ms, percentile, ratio, verdict } from './lib/bench-stats';

const ROOT = path.join(__dirname, '..');
const BUILD = path.join(ROOT, '.aws-sam', 'build');
const MCP_BUNDLE = path.join(ROOT, 'dist', 'prometheus-tools-mcp.js');
const MCP_ROUTER = path.join(ROOT, 'dist', 'prometheus-tools-mcp-router.js');
const LIB = path.join(ROOT, 'scripts', 'lib');
const WORKER = path.join(LIB, 'bench-worker.js');
const COLD = path.join(LIB, 'bench-cold.js');
const NOOP = path.join(LIB, 'noop-handler.js');
const NAIVE_ENTRY = path.join(LIB, 'bench-naive.js');
/** Functions in the order the README lists them; any other built function follows. */
const ORDER = ['query', 'range-query', 'list-metrics', 'server-info', 'integration'];
/** The functions profiled part by part (they share one core: these two span it). */
const PROFILED = ['query', 'integration'];
const EXTERNAL = SAM_ESBUILD.external ?? [];
/**
 * Build settings tried on the query function in the same cold-start rounds, each a
 * change to the esbuild settings of scripts/build-function.mjs or a measure of what some bytes cost.
 */
const EXPERIMENTS: { name: string; options: Parameters<typeof esbuild>[2] }[] = [
  { name: 'rebuilt here with the same settings', options: {} },
  { name: "MainFields: module,main (the packages' ESM builds, which esbuild tree-shakes)", options: { mainFields: ['module', 'main'] } },
  { name: 'without the Tracer and the X-Ray SDK in the bundle (loaded only in Lambda with tracing)', options: { external: [...EXTERNAL, '@aws-lambda-powertools/tracer'] } },
  { name: "without the PromQL grammar in the bundle (loaded only when Prometheus refuses a query)", options: { external: [...EXTERNAL, '@prometheus-io/lezer-promql'] } },
  {
    name: 'all three',
    options: { mainFields: ['module', 'main'], external: [...EXTERNAL, '@aws-lambda-powertools/tracer', '@prometheus-io/lezer-promql'] },
  },
];
const BENCH_SERIES = 2000;
const T0 = 1680307200;

const args = new Set(process.argv.slice(2));
const QUICK = args.has('--quick');
const REBUILD = args.has('--build');
const AGENT_TASKS_ONLY = args.has('--agent-tasks');
const SCALE_ONLY = args.has('--scale');
const N = QUICK
  ? { ready: 2, calls: 20, warmup: 5, overhead: 50, cold: 2, profile: 1, warmCalls: 20, large: 1 }
  : { ready: 20, calls: 1000, warmup: 100, overhead: 1000, cold: 31, profile: 8, warmCalls: 500, large: 3 };

const TARGETS = {
  mcpReadyVsPeer: 0.4,
  callP50VsPeer: 1,
  handlerVsRaw: 1.2,
  initVsNaive: 0.4,
  compactTokensVsPeer: 0.4,
  summaryTokensVsPeer: 0.1,
  bundleBytes: 1_000_000,
  /** The MCP App's page (src/mcp/view): what a host loads into its iframe on every answer it draws. */
  viewBytes: 100_000,
  largeVsRaw: 1.5,
  largeMemoryMb: 512,
};

/** The range queries whose answers are compared, in every format. */
const RANGE_QUERIES = [
  {
    title: "CPU rate over an hour (3 series × 61 points; the fixture's rates are constant)",
    args: { query: 'rate(node_cpu_seconds_total[5m])', start: String(T0 - 3600), end: String(T0), step: '60' },
  },
  {
    // The fixture's values are round and its rates constant; real ones change at every
    // step and print with 16–17 significant digits. Divided by 7, these gauges do both.
    title: 'Values as real data has them: changing at every step, full precision (`bench_requests_in_flight{…} / 7`, 3 series × 61 points)',
    args: { query: 'bench_requests_in_flight{instance=~"host-0000[0-2]"} / 7', start: String(T0 - 3600), end: String(T0), step: '60' },
  },
  {
    title: '20 hosts over two hours (20 series × 121 points)',
    args: { query: 'bench_requests_in_flight{instance=~"host-000[01][0-9]"}', start: String(T0 - 7200), end: String(T0), step: '60' },
  },
];
const FORMATS = ['prometheus', 'compact', 'summary'] as const;

type Env = Record<string, string | undefined>;

interface BuiltFunction {
  name: string;
  bundle: string;
  entry: string;
  event: string;
}

async function main(): Promise<void> {
  if (AGENT_TASKS_ONLY) return agentTasksOnly();
  if (SCALE_ONLY) {
    const stale = prepareBuilds({ functions: true });
    if (stale.length > 0) log(`Measured on a build older than src/ (${stale.join(', ')}): run with --build`);
    process.stdout.write(await runScaleBenchmark(log, codeRevision()));
    process.stdout.write('Written to docs/benchmarks.md (its scale section) and docs/benchmark-scale.svg\n');
    return;
  }
  const stale = prepareBuilds();
  const loadStart = os.loadavg();
  const revision = codeRevision();
  const functions = builtFunctions();
  const byName = (name: string) => {
    const f = functions.find((x) => x.name === name);
    if (f === undefined) throw new Error(`no ${name} function in .aws-sam/build`);
    return f;
  };

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
    log('1/7 MCP servers: this project and the peer…');
    const mcp = await mcpSideBySide(prometheus.url, scratch);

    log('2/7 per-call overhead of the handler…');
    const small = eventFile('small', { query: 'up', time: T0 });
    const overheadRun = (extra: Env) =>
      worker(['overhead', byName('query').bundle, prometheus.url, String(N.overhead), small], { ...env, ...extra }) as Promise<Overhead>;
    const overhead = await overheadRun({});
    // Where the difference goes: the same without signing, and without the per-request log line and EMF metrics.
    const unsigned = await overheadRun({ PROMETHEUS_SIGV4: 'false' });
    const quiet = await overheadRun({ POWERTOOLS_LOG_LEVEL: 'WARN', POWERTOOLS_METRICS_DISABLED: 'true' });

    log('3/7 cold starts against a naive bundle…');
    const naive = path.join(scratch, 'naive', 'naive.js');
    const naiveBytes = await esbuild(NAIVE_ENTRY, naive, { external: [] });
    const query = byName('query');
    const experiments = [];
    for (const [i, x] of EXPERIMENTS.entries()) {
      const file = path.join(scratch, 'experiments', String(i), 'query.js');
      experiments.push({ name: x.name, bundle: file, event: query.event, bytes: await esbuild(query.entry, file, x.options) });
    }
    const cold = await coldStarts(
      [
        { name: '(nothing loaded)', bundle: NOOP, event: '-' },
        { name: 'naive bundle', bundle: naive, event: '-' },
        ...functions.map((f) => ({ name: f.name, bundle: f.bundle, event: f.event })),
        ...experiments,
      ],
      env,
    );

    log('4/7 profile of the cold starts…');
    const profiles = await profileColdStarts(
      functions.filter((f) => PROFILED.includes(f.name)),
      scratch,
      env,
    );

    log('5/7 large range query…');
    const step = 28;
    const large = eventFile('large', { query: 'bench_requests_in_flight', start: FIXTURE_START, end: FIXTURE_START + 499 * step, step });
    const handlerRuns: LargeRun[] = [];
    const rawRuns: LargeRun[] = [];
    for (let i = 0; i < N.large; i++) {
      handlerRuns.push((await worker(['large', byName('range-query').bundle, prometheus.url, large], env)) as LargeRun);
      rawRuns.push((await worker(['large', 'raw', prometheus.url, large], env)) as LargeRun);
    }

    log('6/7 bundle sizes…');
    const sizes = [
      ...functions.map((f) => ({ name: f.name, bytes: statSync(f.bundle).size })),
      { name: 'local MCP server (dist/prometheus-tools-mcp.js)', bytes: statSync(MCP_BUNDLE).size },
      { name: 'its router, loaded by the first tool call (dist/prometheus-tools-mcp-router.js)', bytes: statSync(MCP_ROUTER).size },
      // The query tool's MCP App: one page, uPlot and its styles inlined, inside the MCP server's bundle too.
      { name: "the query tool's MCP App page (dist/query-view.html)", bytes: statSync(path.join(ROOT, 'dist', 'query-view.html')).size },
      { name: '(naive bundle, for comparison)', bytes: naiveBytes },
    ];

    log('7/7 agent tasks…');
    const agentTasks = await agentTaskSuite(prometheus.url, scratch);

    const report = render({
      prometheusVersion: prometheus.version,
      loadStart,
      revision,
      stale,
      mcp,
      overhead,
      unsigned,
      quiet,
      cold,
      experiments: experiments.map((x) => ({ name: x.name, bytes: x.bytes })),
      profiles,
      handlerRuns,
      rawRuns,
      sizes,
      agentTasks,
    });
    if (QUICK) {
      process.stdout.write(`${report}\n(--quick: a smoke run with few samples; docs/benchmarks.md left as it was)\n`);
    } else {
      mkdirSync(path.join(ROOT, 'docs'), { recursive: true });
      // The scale section is --scale's (its data takes minutes to build): kept as it was.
      const previous = existsSync(path.join(ROOT, 'docs', 'benchmarks.md')) ? readFileSync(path.join(ROOT, 'docs', 'benchmarks.md'), 'utf8') : '';
      const scale = scaleSection(previous);
      writeFileSync(path.join(ROOT, 'docs', 'benchmarks.md'), scale === undefined ? report : `${report.trimEnd()}\n\n${scale}\n`);
      process.stdout.write(`${report}\nWritten to docs/benchmarks.md\n`);
    }
  } finally {
    await prometheus.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** --agent-tasks: the suite alone, against the same Prometheus, printed; needs only the MCP server's bundle. */
async function agentTasksOnly(): Promise<void> {
  const stale = prepareBuilds({ functions: false });
  log(`Starting a local Prometheus with the fixture and ${BENCH_SERIES} more series…`);
  const prometheus = await startLocalPrometheus({ families: [...FIXTURE, benchFamily(BENCH_SERIES)] });
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  try {
    const suite = await agentTaskSuite(prometheus.url, scratch);
    const rows = summarizeAgentTasks(suite.runs);
    process.stdout.write(
      [
        `Measured by \`npm run bench -- --agent-tasks\` on ${new Date().toISOString().slice(0, 10)} (code at ${codeRevision()}), Prometheus ${prometheus.version}.` +
          (stale.length === 0 ? '' : ` **Measured on a build older than src/ (${stale.join(', ')}).**`),
        '',
        '| measure | result | target | |',
        '|---|---|---|---|',
        ...rows.map(([what, result, target, ok]) => `| ${what} | ${result} | ${target} | ${verdict(ok)} |`),
        '',
        ...renderAgentTasks(suite.runs, '## Agent tasks', suite.setup),
        '(--agent-tasks: the suite alone; docs/benchmarks.md left as it was)',
        '',
      ].join('\n'),
    );
  } finally {
    await prometheus.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Builds what is missing (or everything, with --build); says which builds are older than the code. */
function prepareBuilds({ functions } = { functions: true }): string[] {
  const run = (what: string, command: string, argv: string[]) => {
    log(`Running ${what}…`);
    const result = spawnSync(command, argv, { cwd: ROOT, stdio: ['ignore', 2, 2] });
    if (result.status !== 0) throw new Error(`${what} failed`);
  };
  if (functions && (REBUILD || !existsSync(path.join(BUILD, 'template.yaml')))) run('sam build', 'sam', ['build']);
  if (REBUILD || !existsSync(MCP_BUNDLE) || !existsSync(MCP_ROUTER)) run('npm run build:mcp', process.execPath, [path.join(ROOT, 'scripts', 'build-mcp.mjs')]);
  const newest = newestMtime(path.join(ROOT, 'src'));
  const stale = [
    ...(functions ? [['.aws-sam/build', path.join(BUILD, 'template.yaml')]] : []),
    ['dist/prometheus-tools-mcp.js', MCP_BUNDLE],
  ]
    .filter(([, file]) => statSync(file!).mtimeMs < newest)
    .map(([name]) => name!);
  for (const name of stale) log(`warning: ${name} is older than src/: run \`npm run bench -- --build\` to measure the current code`);
  return stale;
}

/** The commit measured, and whether the code built differed from it. */
function codeRevision(): string {
  const git = (...argv: string[]) => spawnSync('git', argv, { cwd: ROOT, encoding: 'utf8' }).stdout?.trim() ?? '';
  const commit = git('rev-parse', '--short', 'HEAD') || 'unknown';
  return git('status', '--porcelain', '--', 'src', 'scripts/mcp.ts', 'template.yaml', 'package-lock.json') === '' ? commit : `${commit} with uncommitted changes`;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(file) : statSync(file).mtimeMs);
  }
  return newest;
}

/** Every function `sam build` made: .aws-sam/build/<Id>/<entry>.js, with events/<entry>.json. */
function builtFunctions(): BuiltFunction[] {
  const found: BuiltFunction[] = [];
  for (const dir of readdirSync(BUILD, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const file of readdirSync(path.join(BUILD, dir.name))) {
      if (!file.endsWith('.js')) continue;
      const name = file.slice(0, -3);
      const entry = path.join(ROOT, 'src', 'handlers', `${name}.ts`);
      const event = path.join(ROOT, 'events', `${name}.json`);
      if (!existsSync(entry) || !existsSync(event)) continue;
      found.push({ name, bundle: path.join(BUILD, dir.name, file), entry, event });
    }
  }
  const rank = (name: string) => (ORDER.includes(name) ? ORDER.indexOf(name) : ORDER.length);
  return found.sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
}

// ---------------------------------------------------------------------------------------
// 1. MCP

interface McpResults {
  labels: [string, string];
  ready: [number[], number[]];
  tried: { label: string; ms: number[] };
  latency: CallLatency;
  sizes: { title: string; answers: AnswerSize[] }[];
  toolList: { all: AnswerSize; forModel: AnswerSize }[];
}

async function mcpSideBySide(prometheusUrl: string, cwd: string): Promise<McpResults> {
  const ours = oursSpec(ROOT, prometheusUrl);
  const peer = peerSpec(ROOT, prometheusUrl);
  // Tried in the same rounds: scripts/build-mcp.mjs's settings without its plugin and its
  // alias, so one file with the router in it and the MCP SDK's own runtime entry (AJV).
  const variant = path.join(cwd, 'mcp-variant', 'prometheus-tools-mcp.js');
  await esbuild(path.join(ROOT, 'scripts', 'mcp.ts'), variant, { target: 'node20', mainFields: ['module', 'main'] });
  const tried = { ...ours, label: "this project in one file, the router and the MCP SDK's AJV in it (tried)", args: [variant] };
  const [readyOurs, readyPeer, readyTried] = await readyTimes([ours, peer, tried], cwd, N.ready);
  const ready: [number[], number[]] = [readyOurs!, readyPeer!];

  const a = await connect(ours, cwd);
  const b = await connect(peer, cwd);
  try {
    const instant = { query: 'up', time: String(T0) };
    const latency = await callLatency(
      [
        { connection: a, tool: ours.tools.query },
        { connection: b, tool: peer.tools.query },
      ],
      instant,
      prometheusUrl,
      N.calls,
      N.warmup,
    );

    const sizes = [];
    for (const { title, args } of RANGE_QUERIES) {
      const answers: AnswerSize[] = [];
      const upstream = JSON.stringify(await raw(rawUrl(prometheusUrl, args)));
      const upstreamData = (JSON.parse(upstream) as { data: Parameters<typeof countMatrix>[0] }).data;
      const u = countMatrix(upstreamData);
      answers.push(measure("Prometheus' own answer (the raw request)", upstream, u.series, u.points));
      const peerText = resultText(await callTool(b, peer.tools.rangeQuery, args));
      const p = countMatrix(JSON.parse(peerText));
      answers.push(measure('peer', peerText, p.series, p.points));
      const tried: AnswerSize[] = [];
      for (const format of FORMATS) {
        // The text is what the model reads (the data, toolText); the envelope is the structured content.
        const result = await callTool(a, ours.tools.rangeQuery, { ...args, format });
        const text = resultText(result);
        const envelope = result.structuredContent as unknown as SuccessEnvelope & { data: never };
        const c = countMatrix(envelope.data);
        // Each shape tried is measured as the model would read it, through the same projection.
        const asRead = (tried: unknown) => JSON.stringify(toolAnswer(tried as SuccessEnvelope));
        answers.push(measure(`this project, format ${format}`, text, c.series, c.points, envelope.truncated === true));
        if (format === 'compact') {
          tried.push(measure('(tried) compact, runs of equal values as [value, times]: lossless', asRead(TRIED.runs(envelope)), c.series, c.points));
          tried.push(measure('(tried) compact, values to 4 significant digits: lossy', asRead(TRIED.rounded(envelope)), c.series, c.points));
        }
        if (format === 'summary') {
          const columns = TRIED.columns(envelope, Number(args.start), Number(args.end));
          tried.push(measure('(tried) summary as a row of numbers per series under named columns', asRead(columns), c.series, c.points));
        }
      }
      answers.push(...tried);
      sizes.push({ title, answers });
    }

    const toolList = [];
    for (const [label, connection] of [
      ['this project', a],
      ['peer', b],
    ] as const) {
      const { tools } = await connection.client.listTools();
      toolList.push({ all: measure(label, JSON.stringify(tools), tools.length, 0), forModel: measure(label, JSON.stringify(forModel(tools)), tools.length, 0) });
    }
    return { labels: [ours.label, peer.label], ready, tried: { label: tried.label, ms: readyTried! }, latency, sizes, toolList };
  } finally {
    await a.close();
    await b.close();
  }
}

// ---------------------------------------------------------------------------------------
// 7. Agent tasks

interface AgentTaskSuite {
  /** The demo data's run, then the workspace-shaped data's. */
  runs: AgentTaskResults[];
  /** How the workspace-shaped data was made, and how long that took. */
  setup: string[];
}

/** The suite on the demo data (the Prometheus at `demoUrl`), then on the workspace-shaped data, in a Prometheus started for it. */
async function agentTaskSuite(demoUrl: string, cwd: string): Promise<AgentTaskSuite> {
  const demo = await agentTaskRun(demoUrl, cwd, demoData(FIXTURE, benchFamily(BENCH_SERIES)));
  log('Starting a local Prometheus with the workspace-shaped data…');
  const load = os.loadavg()[0]!;
  const workspace = await startWorkspacePrometheus();
  try {
    const run = await agentTaskRun(workspace.url, cwd, workspaceData(workspace.workspace));
    const { generate, backfill, start } = workspace.seconds;
    const setup = [
      `The workspace-shaped data took ${(generate + backfill).toFixed(1)} s to make: ${generate.toFixed(1)} s to generate and write as OpenMetrics ` +
        `(${workspace.shape.series.toLocaleString('en-US')} series), ${backfill.toFixed(1)} s for \`promtool tsdb create-blocks-from openmetrics\`; ` +
        `then ${start.toFixed(1)} s until its Prometheus answered with the metadata and the rules (wall clock on this machine, load average ${load.toFixed(1)} at the start).`,
    ];
    return { runs: [demo, run], setup };
  } finally {
    await workspace.stop();
  }
}

/** One dataset's run, on fresh connections to both servers; this server's budget as its environment sets it. */
async function agentTaskRun(prometheusUrl: string, cwd: string, data: TaskData): Promise<AgentTaskResults> {
  const ours = oursSpec(ROOT, prometheusUrl);
  const a = await connect(ours, cwd);
  const b = await connect(peerSpec(ROOT, prometheusUrl), cwd);
  const c = await connect(pypiSpec(ROOT, prometheusUrl), cwd);
  try {
    const budget = loadConfig(ours.env).agentResponseBudgetTokens;
    return await runAgentTasks(
      { label: 'this project', connection: a },
      { npm: { label: 'npm peer', connection: b }, pypi: { label: 'PyPI peer', connection: c } },
      data,
      budget,
    );
  } finally {
    await a.close();
    await b.close();
    await c.close();
  }
}

// ---------------------------------------------------------------------------------------
// 2, 5: workers

interface Overhead {
  handlerMs: number[];
  rawMs: number[];
}

interface LargeRun {
  ms: number;
  series: number;
  maxRssKb: number;
}

function worker(argv: string[], env: Env): Promise<unknown> {
  return fresh(WORKER, argv, env);
}

/** Runs a plain-JavaScript worker in a fresh `node`, and parses what it writes to fd 3. */
function fresh(script: string, argv: string[], env: Env): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...argv], { env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'ignore', 'inherit', 'pipe'] });
    let out = '';
    child.stdio[3]!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`${path.basename(script)} ${argv.join(' ')} exited with ${code}`)),
    );
  });
}

// ---------------------------------------------------------------------------------------
// 3. Cold start

interface ColdRun {
  compileMs: number;
  runMs: number;
  firstMs: number;
  secondMs: number;
}

interface ColdStart {
  name: string;
  compileMs: number;
  runMs: number;
  firstMs: number;
  secondMs: number;
  /** compile + run + (first call − second call): what a cold call costs beyond a warm one. */
  initMs: number;
}

/**
 * Each round starts a fresh process per bundle, in an order that alternates, so that
 * the machine's drift falls on all alike; medians over the rounds.
 */
async function coldStarts(bundles: { name: string; bundle: string; event: string }[], env: Env): Promise<ColdStart[]> {
  const runs = bundles.map((): ColdRun[] => []);
  for (let round = 0; round < N.cold; round++) {
    const order = bundles.map((_, i) => (round % 2 === 0 ? i : bundles.length - 1 - i));
    for (const i of order) runs[i]!.push((await fresh(COLD, [bundles[i]!.bundle, bundles[i]!.event], env)) as ColdRun);
  }
  return bundles.map(({ name }, i) => {
    const r = runs[i]!;
    const pick = (f: (x: ColdRun) => number) => median(r.map(f));
    return {
      name,
      compileMs: pick((x) => x.compileMs),
      runMs: pick((x) => x.runMs),
      firstMs: pick((x) => x.firstMs),
      secondMs: pick((x) => x.secondMs),
      initMs: pick((x) => x.compileMs + x.runMs + Math.max(0, x.firstMs - x.secondMs)),
    };
  });
}

// ---------------------------------------------------------------------------------------
// 4. Profile

interface Profile {
  name: string;
  bytes: number;
  /** Mean milliseconds per part, in the load and in the first call. */
  load: Map<string, number>;
  first: Map<string, number>;
  /** Per warm call. */
  warm: Map<string, number>;
}

async function profileColdStarts(functions: BuiltFunction[], scratch: string, env: Env): Promise<Profile[]> {
  const profiles: Profile[] = [];
  for (const f of functions) {
    const dir = path.join(scratch, 'profile', f.name);
    const file = path.join(dir, `${f.name}.js`);
    // The same code, its lines cut at 120 characters so that V8's per-line ticks point at a few statements each.
    const bytes = await esbuild(f.entry, file, { sourcemap: 'external', lineLimit: 120 });
    const map = new SourceMap(`${file}.map`);
    const load = new Map<string, number>();
    const first = new Map<string, number>();
    const warm = new Map<string, number>();
    for (let i = 0; i < N.profile; i++) {
      const prefix = path.join(dir, `run${i}`);
      await fresh(COLD, [file, f.event, '--profile', prefix, '--warm', String(N.warmCalls)], env);
      for (const [phase, into, calls] of [
        ['load', load, 1],
        ['first', first, 1],
        ['warm', warm, N.warmCalls],
      ] as const) {
        for (const [part, partMs] of attribute(`${prefix}.${phase}.cpuprofile`, file, map)) {
          into.set(part, (into.get(part) ?? 0) + partMs / N.profile / calls);
        }
      }
    }
    profiles.push({ name: f.name, bytes, load, first, warm });
  }
  return profiles;
}

// ---------------------------------------------------------------------------------------
// Report

function render(r: {
  prometheusVersion: string;
  loadStart: number[];
  revision: string;
  stale: string[];
  mcp: McpResults;
  overhead: Overhead;
  unsigned: Overhead;
  quiet: Overhead;
  cold: ColdStart[];
  experiments: { name: string; bytes: number }[];
  profiles: Profile[];
  handlerRuns: LargeRun[];
  rawRuns: LargeRun[];
  sizes: { name: string; bytes: number }[];
  agentTasks: AgentTaskSuite;
}): string {
  const { mcp } = r;
  const p = (values: number[], q: number) => percentile(values, q);
  const readyOurs = median(mcp.ready[0]);
  const readyPeer = median(mcp.ready[1]);
  const [callOurs, callPeer] = mcp.latency.servers as [number[], number[]];
  const callRaw = mcp.latency.raw;
  const hp50 = p(r.overhead.handlerMs, 50);
  const rp50 = p(r.overhead.rawMs, 50);
  const naive = r.cold.find((c) => c.name === 'naive bundle')!;
  const noop = r.cold.find((c) => c.name === '(nothing loaded)')!;
  const experimentNames = new Set(r.experiments.map((x) => x.name));
  const functionsCold = r.cold.filter((c) => c !== naive && c !== noop && !experimentNames.has(c.name));
  const worstInit = Math.max(...functionsCold.map((c) => c.initMs));
  const largeHandler = median(r.handlerRuns.map((x) => x.ms));
  const largeRaw = median(r.rawRuns.map((x) => x.ms));
  const rssHandler = Math.max(...r.handlerRuns.map((x) => x.maxRssKb)) / 1024;
  const tokenRatios = (format: string) =>
    mcp.sizes.map(({ answers }) => answers.find((a) => a.label.endsWith(`format ${format}`))!.tokens / answers.find((a) => a.label === 'peer')!.tokens);
  const compactWorst = Math.max(...tokenRatios('compact'));
  const summaryWorst = Math.max(...tokenRatios('summary'));
  const functionSizes = r.sizes.filter((s) => !s.name.startsWith('('));
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const load = (l: number[]) => l.map((x) => x.toFixed(1)).join(', ');

  const summary: [string, string, string, boolean][] = [
    ['MCP server ready (spawn → initialize → tools/list), p50', `${ms(readyOurs)} vs peer ${ms(readyPeer)}: ${ratio(readyOurs / readyPeer)}`, `≤ ${TARGETS.mcpReadyVsPeer}× the peer's`, readyOurs / readyPeer <= TARGETS.mcpReadyVsPeer],
    ['tools/call, instant query, p50', `${ms(p(callOurs, 50))} vs peer ${ms(p(callPeer, 50))}: ${ratio(p(callOurs, 50) / p(callPeer, 50))} (raw ${ms(p(callRaw, 50))})`, "≤ the peer's", p(callOurs, 50) <= p(callPeer, 50) * TARGETS.callP50VsPeer],
    ['handler p50 vs the raw request (in-process)', `${ms(hp50)} vs ${ms(rp50)}: ${ratio(hp50 / rp50)}`, `≤ ${TARGETS.handlerVsRaw}×`, hp50 / rp50 <= TARGETS.handlerVsRaw],
    ['function init vs a naive bundle of the same packages (worst function)', `${ms(worstInit)} vs ${ms(naive.initMs)}: ${ratio(worstInit / naive.initMs)}`, `≤ ${TARGETS.initVsNaive}×`, worstInit / naive.initMs <= TARGETS.initVsNaive],
    [`compact answer's tokens vs the peer's, for each of the ${mcp.sizes.length} range queries`, tokenRatios('compact').map(ratio).join(', '), `≤ ${TARGETS.compactTokensVsPeer}×`, compactWorst <= TARGETS.compactTokensVsPeer],
    ["summary answer's tokens vs the peer's, for each", tokenRatios('summary').map(ratio).join(', '), `≤ ${TARGETS.summaryTokensVsPeer}×`, summaryWorst <= TARGETS.summaryTokensVsPeer],
    ['largest bundle (the functions and the MCP server)', `${bytes(Math.max(...functionSizes.map((s) => s.bytes)))} bytes`, `< ${bytes(TARGETS.bundleBytes)} bytes each`, functionSizes.every((s) => s.bytes < TARGETS.bundleBytes)],
    ...r.sizes
      .filter((s) => s.name.includes('MCP App'))
      .map((s): [string, string, string, boolean] => ["the query tool's MCP App page (one HTML file, script and styles inlined)", `${bytes(s.bytes)} bytes`, `≤ ${bytes(TARGETS.viewBytes)} bytes`, s.bytes <= TARGETS.viewBytes]),
    ['large range query vs raw + JSON.parse', `${ratio(largeHandler / largeRaw)}, ${rssHandler.toFixed(0)} MB peak`, `≤ ${TARGETS.largeVsRaw}×, inside ${TARGETS.largeMemoryMb} MB`, largeHandler / largeRaw <= TARGETS.largeVsRaw && rssHandler < TARGETS.largeMemoryMb * 0.75],
    ...summarizeAgentTasks(r.agentTasks.runs),
  ];

  const sizeRows = (answers: AnswerSize[]) => {
    const peer = answers.find((a) => a.label === 'peer')!;
    return answers.map(
      (a) =>
        `| ${a.label} | ${bytes(a.bytes)} | ${bytes(a.tokens)} | ${ratio(a.tokens / peer.tokens)} | ${ratio(a.cl100k / peer.cl100k)} | ${a.series} | ${a.points}${a.truncated ? ' (truncated)' : ''} |`,
    );
  };

  const profileParts = (prof: Profile) => {
    const parts = new Set([...prof.load.keys(), ...prof.first.keys(), ...prof.warm.keys()]);
    return [...parts]
      .map((part) => ({ part, load: prof.load.get(part) ?? 0, first: prof.first.get(part) ?? 0, warm: prof.warm.get(part) ?? 0 }))
      .filter((x) => x.load + x.first >= 0.2 || x.warm >= 0.005)
      .sort((a, b) => b.load + b.first - (a.load + a.first));
  };
  const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

  return [
    '# Benchmarks',
    '',
    `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)} (code at ${r.revision}), in one run on one machine: ${os.cpus().length} × ${cpu}, ` +
      `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, Node.js ${process.version}, Prometheus ${r.prometheusVersion} ` +
      `(Debian's package) on 127.0.0.1 holding the test fixture plus ${BENCH_SERIES} series. The functions are the \`sam build\` bundles ` +
      '(minified, target node24), signing with SigV4, logging at INFO and emitting EMF metrics as deployed. ' +
      `The peer is the npm package \`prometheus-mcp\` (a pinned dev dependency), run as its README says (\`prometheus-mcp stdio\`, \`PROMETHEUS_URL\`). ` +
      'Every comparison is a ratio of two figures measured in this run, interleaved, so it holds across machines better than either figure alone.' +
      ` Load average (1, 5, 15 min) at the start ${load(r.loadStart)}, at the end ${load(os.loadavg())}.` +
      (QUICK ? ' **A `--quick` smoke run: too few samples to read anything into the numbers.**' : '') +
      (r.stale.length === 0 ? '' : ` **Measured on builds older than src/ (${r.stale.join(', ')}).**`),
    '',
    '## Targets',
    '',
    '| measure | result | target | |',
    '|---|---|---|---|',
    ...summary.map(([what, result, target, ok]) => `| ${what} | ${result} | ${target} | ${verdict(ok)} |`),
    '',
    'What was tried for a missed target, and why it stays missed: [benchmark-history.md](benchmark-history.md).',
    '',
    '## 1. The local MCP server and the peer',
    '',
    `Both over stdio, started with \`node\` as their client configurations start them (${mcp.labels[0]}; ${mcp.labels[1]}), ` +
      "driven by the MCP SDK's own 2025-11-25 client (`@modelcontextprotocol/sdk` 1.x, which hosts use today: both servers speak its revision) from the benchmark's process.",
    '',
    `**Ready**: from spawning the server to the answer of its first \`tools/list\` (spawn, \`initialize\`, \`tools/list\`), ${N.ready} times each, alternating.`,
    '',
    '| server | p50 | min | max |',
    '|---|---|---|---|',
    ...mcp.labels.map((label, i) => `| ${label} | ${ms(median(mcp.ready[i]!))} | ${ms(Math.min(...mcp.ready[i]!))} | ${ms(Math.max(...mcp.ready[i]!))} |`),
    `| ratio | ${ratio(readyOurs / readyPeer)} | | |`,
    `| ${mcp.tried.label} | ${ms(median(mcp.tried.ms))} | ${ms(Math.min(...mcp.tried.ms))} | ${ms(Math.max(...mcp.tried.ms))} |`,
    '',
    `**tools/call**: the same instant query (\`up\` at ${T0}, 3 series) through each server's query tool, and the same request sent raw ` +
      `from the client's process (Node's http, kept-alive, gzip, JSON.parse): ${N.calls} calls each after ${N.warmup} warm-up calls, interleaved, the order rotating every call.`,
    '',
    '| | p50 | p99 | p50 vs raw |',
    '|---|---|---|---|',
    `| raw request (the floor) | ${ms(p(callRaw, 50))} | ${ms(p(callRaw, 99))} | 1.00× |`,
    `| ${mcp.labels[0]} | ${ms(p(callOurs, 50))} | ${ms(p(callOurs, 99))} | ${ratio(p(callOurs, 50) / p(callRaw, 50))} |`,
    `| ${mcp.labels[1]} | ${ms(p(callPeer, 50))} | ${ms(p(callPeer, 99))} | ${ratio(p(callPeer, 50) / p(callRaw, 50))} |`,
    `| this project vs the peer | ${ratio(p(callOurs, 50) / p(callPeer, 50))} | ${ratio(p(callOurs, 99) / p(callPeer, 99))} | |`,
    '',
    "**Answer sizes**: the text of each tool result (what a host hands the model), in bytes and in tokens of OpenAI's `o200k_base` " +
      'encoding (GPT-4o, GPT-4.1, GPT-5), counted with the `gpt-tokenizer` package, a pure-JavaScript port of tiktoken\'s BPE ' +
      "with the encoding's real ranks; the ratios in `cl100k_base` (GPT-4's encoding) are given as a check, since other models' tokenizers count differently. " +
      "The peer answers Prometheus' `data` as JSON; this project answers the data in the format asked for (the envelope is the structured content; `note` and `truncated` beside the data when something was cut). " +
      'Rows marked (tried) are shapes this project does not have, computed from its own answer above them, as measured suggestions.',
    '',
    ...mcp.sizes.flatMap(({ title, answers }) => [
      `${title}:`,
      '',
      '| answer | bytes | tokens | tokens vs the peer | the same in cl100k_base | series | points |',
      '|---|---|---|---|---|---|---|',
      ...sizeRows(answers),
      '',
    ]),
    'The tool definitions themselves, which a host puts in front of the model in every conversation: the whole `tools/list` answer, and what a ' +
      "model API is given of it (each tool's name, description and input schema; the output schemas and annotations stay with the host):",
    '',
    '| server | tools | `tools/list` bytes | tokens | given to the model: bytes | tokens |',
    '|---|---|---|---|---|---|',
    ...mcp.toolList.map(
      (t) => `| ${t.all.label} | ${t.all.series} | ${bytes(t.all.bytes)} | ${bytes(t.all.tokens)} | ${bytes(t.forModel.bytes)} | ${bytes(t.forModel.tokens)} |`,
    ),
    '',
    '## 2. Per-call overhead of the handler (small instant query, `up`, 3 series)',
    '',
    `The query function's handler, in-process, against the same request sent raw (Node's http, kept-alive connection, JSON.parse), interleaved, ${N.overhead} calls each after 50 warm-up calls.`,
    '',
    '| | p50 | p99 |',
    '|---|---|---|',
    `| raw request | ${ms(rp50)} | ${ms(p(r.overhead.rawMs, 99))} |`,
    `| handler | ${ms(hp50)} | ${ms(p(r.overhead.handlerMs, 99))} |`,
    `| ratio | ${ratio(hp50 / rp50)} | ${ratio(p(r.overhead.handlerMs, 99) / p(r.overhead.rawMs, 99))} |`,
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
    ).map(([label, o]) => `| ${label} | ${ms(p(o.handlerMs, 50))} | ${ms(p(o.rawMs, 50))} | ${ratio(p(o.handlerMs, 50) / p(o.rawMs, 50))} |`),
    '',
    '## 3. Cold start against a naive bundle',
    '',
    `The naive bundle (\`scripts/lib/bench-naive.js\`, ${bytes(r.sizes.find((s) => s.name.startsWith('(naive'))!.bytes)} bytes): ` +
      'the same packages — the Powertools Logger, Metrics and Tracer, `@aws-sdk/client-amp`, `@smithy/signature-v4`, `@aws-crypto/sha256-js`, ' +
      'TypeBox and its compiler, the PromQL grammar — imported eagerly and set up at module scope, bundled by esbuild with the functions\' settings ' +
      'and nothing external, with a handler that does nothing. ' +
      `Each of ${N.cold} rounds starts a fresh \`node\` per bundle (the order alternating) that compiles the bundle, runs its module body, ` +
      'then calls the handler twice with its `events/*.json` (a cold call, then a warm one), timed in-process; medians. ' +
      '**Init** = compile + module body + (first call − second call): what a cold start costs beyond a warm call, so that work moved from ' +
      'the load to the first call still counts. Outside Lambda, so without the X-Ray SDK, which the functions load only with active tracing.',
    '',
    '| bundle | compile | module body | first call | second call | init | init vs naive |',
    '|---|---|---|---|---|---|---|',
    ...r.cold.filter((c) => !experimentNames.has(c.name)).map(
      (c) =>
        `| ${c.name} | ${ms(c.compileMs)} | ${ms(c.runMs)} | ${ms(c.firstMs)} | ${ms(c.secondMs)} | ${ms(c.initMs)} | ${c === noop ? '' : ratio(c.initMs / naive.initMs)} |`,
    ),
    '',
    '## 4. Where the init goes',
    '',
    `**Build settings tried** on the query function (${bytes(r.sizes.find((x) => x.name === 'query')?.bytes ?? 0)} bytes as \`sam build\` made it), ` +
      "rebuilt with esbuild in this run and cold-started in the same rounds as section 3: each a change to the esbuild settings of scripts/build-function.mjs, or " +
      'a measure of what bytes cost that the function carries but does not run outside Lambda tracing or a refused query.',
    '',
    '| query function, built | bytes | compile | module body | first call | second call | init | init vs naive |',
    '|---|---|---|---|---|---|---|---|',
    ...r.experiments.map((x) => {
      const c = r.cold.find((y) => y.name === x.name)!;
      return `| ${x.name} | ${bytes(x.bytes)} | ${ms(c.compileMs)} | ${ms(c.runMs)} | ${ms(c.firstMs)} | ${ms(c.secondMs)} | ${ms(c.initMs)} | ${ratio(c.initMs / naive.initMs)} |`;
    }),
    '',
    `**Profile.** ${PROFILED.join(' and ')} (the functions share one core; these two span it), rebuilt with the same settings plus a source map and lines cut at 120 characters, ` +
      `loaded and called in ${N.profile} fresh processes under V8's sampling profiler; each sample traced back through the source map to its package ` +
      '(time that esbuild\'s module wrappers spend themselves, mostly V8 compiling a module\'s body as it first runs, goes to that module). ' +
      'Means per process. The profiler slows what it measures, so the parts add up to more than section 3: read their shares.',
    '',
    ...r.profiles.flatMap((prof) => [
      `**${prof.name}** (${bytes(prof.bytes)} bytes with its lines cut): load ${ms(sum(prof.load))}, first call ${ms(sum(prof.first))}, ` +
        `a warm call ${ms(sum(prof.warm))} (profiled; the mean of ${N.warmCalls} calls after the first two, CPU time only, waiting on Prometheus not counted).`,
      '',
      '| part | load | first call | a warm call |',
      '|---|---|---|---|',
      ...profileParts(prof).map((x) => `| ${x.part} | ${ms(x.load)} | ${ms(x.first)} | ${x.warm.toFixed(3)} ms |`),
      '',
    ]),
    `## 5. Large range query (${r.handlerRuns[0]?.series ?? '?'} series × 500 points)`,
    '',
    `The range-query handler (its flat result serialized, as the Lambda runtime does) against a raw request plus JSON.parse, each in a fresh process, median of ${N.large}. ` +
      'The complete answer is larger than the 6 MB response budget, so the handler returns the series that fit, with a note.',
    '',
    '| | time | peak memory (max RSS) | series returned |',
    '|---|---|---|---|',
    `| raw request + JSON.parse | ${ms(largeRaw)} | ${(Math.max(...r.rawRuns.map((x) => x.maxRssKb)) / 1024).toFixed(0)} MB | ${r.rawRuns[0]?.series} |`,
    `| handler | ${ms(largeHandler)} | ${rssHandler.toFixed(0)} MB | ${r.handlerRuns[0]?.series} |`,
    `| ratio | ${ratio(largeHandler / largeRaw)} | | |`,
    '',
    '## 6. Bundle sizes',
    '',
    '| bundle | bytes (minified) |',
    '|---|---|',
    ...r.sizes.map((s) => `| ${s.name} | ${bytes(s.bytes)} |`),
    '',
    ...renderAgentTasks(r.agentTasks.runs, '## 7. Agent tasks: calls and tokens per question', r.agentTasks.setup),
  ].join('\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack}\n`);
  process.exit(1);
});
