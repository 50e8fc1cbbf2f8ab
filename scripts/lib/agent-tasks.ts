/**
 * The agent-task suite: questions an agent asks of Prometheus, each answered with this
 * project's MCP server and with two peers, the npm `prometheus-mcp` and PyPI's
 * `prometheus-mcp-server`, by the sequence of tool calls a competent agent would make with
 * that server's tools. The sequences are fixed here (no
 * model runs), but every call goes through a real MCP client to the real server and the
 * real local Prometheus, and each task's final answer must hold the expected fact: a
 * broken tool fails the suite instead of looking cheap.
 *
 * The suite runs on two datasets, with the same questions and scripts: the demo data (the
 * test fixture and 2,000 bench series) and a workspace-shaped one (scripts/lib/
 * workspace-dataset.ts). Every expected fact is computed from the data the Prometheus holds.
 *
 * Tokens per task (o200k_base) = definitions × turns + every answer's text, where
 * definitions = the name, description and input schema of every tool plus the server's
 * instructions (what a host puts in front of the model, again on every model turn) and
 * turns = calls + 1 (a turn per call, then the one that writes the answer). With prompt
 * caching, a host pays the definitions in full once and a tenth of them on every further
 * turn (the cache-read price of Anthropic's and OpenAI's APIs): definitions × (1 + 0.1 ×
 * calls) + every answer's text.
 *
 * Both datasets lie in 2023, so "now" is pinned at 2023-04-01T00:00Z (T0) in every
 * question, and each call passes it where its tool takes a time.
 */
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { FIXTURE_END, FIXTURE_INTERVAL, FIXTURE_START, valueAt, type FixtureFamily } from '../../tests/fixtures/dataset';
import { forModel, invokeTool, resultText, type Connection } from './bench-mcp';
import { WORKSPACE_END, workspaceShape, workspaceValue, type Workspace } from './workspace-dataset';

/** 2023-04-01T00:00Z, the fixture's example time and the workspace's last sample: "now" in every question. */
const T0 = FIXTURE_START + 2 * 3600;
const NOW = String(T0);
const HOUR_AGO = String(T0 - 3600);

/**
 * The largest tool answer a host passes to the model: Claude Code refuses a larger one
 * ("response (N tokens) exceeds maximum allowed tokens (25000)", MAX_MCP_OUTPUT_TOKENS).
 * A server whose answer in a task is larger fails that task.
 */
export const HOST_LIMIT_TOKENS = 25_000;

/** An expected fact: text the answer holds, or a number it prints (to 4 significant digits or more). */
export type Fact = string | number;

/** One tool call of a script. */
export interface Step {
  tool: string;
  args: Record<string, unknown>;
  /** The call is meant to fail (a tool error the next step reacts to). */
  error?: boolean;
  /** Facts this answer must hold: what leads the agent to its next step. */
  expect?: Fact[];
}

/** What one server's agent does for a task. */
export interface Plan {
  steps: Step[];
  /** Facts the final answer must hold. */
  expect: Fact[];
  /** Why the sequence is what it is, where that is not plain. */
  note?: string;
}

/** What a server's tools/list offers: a tool's arguments, or undefined when it has no such tool. */
export interface Offered {
  args(tool: string): { properties: string[]; required: string[] } | undefined;
}

/** The servers each task runs on: this project, then the peers. */
export const PEERS = ['npm', 'pypi'] as const;
export type PeerId = (typeof PEERS)[number];
export const PEER_LABELS: Record<PeerId, string> = { npm: 'npm prometheus-mcp', pypi: 'PyPI prometheus-mcp-server' };

export interface AgentTask {
  id: string;
  question: string;
  ours(offered: Offered): Plan;
  /** The npm peer, prometheus-mcp. */
  peer(offered: Offered): Plan;
  /** PyPI's prometheus-mcp-server: an instant and a range query, metric names, metadata, targets; no labels or alerts tool. */
  pypi(offered: Offered): Plan;
}

/** A series the Prometheus holds, and its sample at a time on its grid (undefined where it has none). */
export interface DataSeries {
  name: string;
  labels: Record<string, string>;
  at(time: number): number | undefined;
}

/** The data a run's Prometheus holds, and the metrics its questions name. */
export interface TaskData {
  /** Its name in the report. */
  name: string;
  /** What it holds, in a sentence. */
  description: string;
  series: DataSeries[];
  /** A metric's type and help text, as Prometheus' metadata has them. */
  metadata(metric: string): { type: string; help: string };
  /** A gauge of many series: the top-5 and too-many-points questions. */
  gauge: string;
  /** A metric of every host: the too-large-answer question. */
  large: string;
  /** The too-many-points range (over 11,000 s), and how the question says it. */
  wide: { start: number; end: number; said: string };
}

/** The demo data: the fixture and the bench family, as the benchmark's Prometheus holds them. */
export function demoData(fixture: FixtureFamily[], bench: FixtureFamily): TaskData {
  const families = [...fixture, bench];
  const inRange = (t: number) => t >= FIXTURE_START && t <= FIXTURE_END && (t - FIXTURE_START) % FIXTURE_INTERVAL === 0;
  const series = families.flatMap((f) => f.series.map((s): DataSeries => ({ name: f.name, labels: s.labels, at: (t) => (inRange(t) ? valueAt(s, t) : undefined) })));
  const n = (x: number) => x.toLocaleString('en-US');
  return {
    name: 'demo data',
    description:
      `the test fixture (${fixture.length} metric names, ${n(fixture.reduce((k, f) => k + f.series.length, 0))} series) and ${n(bench.series.length)} series of ` +
      `${bench.name}, a sample a minute over four hours around "now"`,
    series,
    metadata(metric) {
      const family = families.find((f) => f.name === metric);
      if (family === undefined) throw new Error(`the demo data has no ${metric}`);
      return { type: family.type, help: family.help };
    },
    gauge: bench.name,
    large: bench.name,
    wide: { start: FIXTURE_START, end: FIXTURE_END, said: 'over the whole data' },
  };
}

/** The workspace-shaped data. */
export function workspaceData(workspace: Workspace): TaskData {
  const shape = workspaceShape(workspace);
  const count = (name: string) => workspace.families.find((f) => f.name === name)!.series.length;
  const up = workspace.families.find((f) => f.name === 'up')!.series;
  const services = new Set(workspace.families.find((f) => f.name === 'http_requests_total')!.series.map((s) => s.labels.job)).size;
  const byPrefix = new Map<string, number>();
  for (const f of workspace.families) byPrefix.set(f.name.split('_')[0]!, (byPrefix.get(f.name.split('_')[0]!) ?? 0) + f.series.length);
  const n = (x: number) => x.toLocaleString('en-US');
  return {
    name: 'workspace-shaped data',
    description:
      `generated from seed ${workspace.seed} (scripts/lib/workspace-dataset.ts): ${n(shape.metricNames)} metric names, ${n(shape.series)} series, ` +
      `${n(shape.samples)} samples (a minute apart over the hour before "now"), ${shape.jobs} jobs, ${shape.targets} targets of which ` +
      `${up.filter((s) => s.values[s.values.length - 1] === 0).length} down. As an EKS cluster's workspace: node_exporter on ${count('node_uname_info')} hosts ` +
      `(node_cpu_seconds_total: 8 CPUs × 8 modes), ${services} HTTP services (http_requests_total by handler, method and code, a latency histogram, ` +
      `metrics of their own), kube-state-metrics over ${count('kube_pod_info')} pods and the cluster's objects, CoreDNS, the Prometheus agent that writes ` +
      `to the workspace, the Go runtime and process of every target, and Prometheus' up and scrape_* per target. Series by prefix: ` +
      [...byPrefix]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6)
        .map(([prefix, k]) => `${prefix}_* ${n(k)}`)
        .join(', '),
    series: workspace.families.flatMap((f) => f.series.map((s): DataSeries => ({ name: s.name, labels: s.labels, at: (t) => workspaceValue(s, t) }))),
    metadata(metric) {
      const family = workspace.families.find((f) => f.name === metric);
      if (family === undefined) throw new Error(`the workspace has no ${metric}`);
      return { type: family.type, help: family.help };
    },
    gauge: 'node_filesystem_avail_bytes',
    large: 'node_cpu_seconds_total',
    wide: { start: WORKSPACE_END - 4 * 3600, end: WORKSPACE_END, said: 'over the last 4 hours' },
  };
}

/** The start and end of the data's last hour, where the tool takes them (the npm peer's discovery tools do not). */
function lastHour(offered: Offered, tool: string): { start?: string; end?: string } {
  return offered.args(tool)?.properties.includes('start') ? { start: HOUR_AGO, end: NOW } : {};
}

/** The facts of the data the tasks expect, computed as Prometheus computes them at T0. */
function facts(data: TaskData) {
  const named = (...names: string[]) => data.series.filter((s) => names.includes(s.name));
  /** rate() over `window` seconds at T0: the data's counters have samples at both ends and never reset. */
  const rate = (s: DataSeries, window: number) => (s.at(T0)! - s.at(T0 - window)!) / window;
  const sumBy = (series: DataSeries[], label: string, value: (s: DataSeries) => number): Fact[] => {
    const sums = new Map<string, number>();
    for (const s of series) sums.set(s.labels[label]!, (sums.get(s.labels[label]!) ?? 0) + value(s));
    return [...sums].flat();
  };
  const now = data.series.filter((s) => s.at(T0) !== undefined);
  const cpu = named('node_cpu_seconds_total');
  const gauge = named(data.gauge).sort((a, b) => b.at(T0)! - a.at(T0)!);
  const counts = new Map<string, number>();
  for (const s of now) counts.set(s.name, (counts.get(s.name) ?? 0) + 1);
  const [topName, topCount] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
  const highest = gauge.filter((s) => s.at(T0) === gauge[0]!.at(T0));
  return {
    jobs: [...new Set(data.series.filter((s) => s.at(T0) !== undefined || s.at(T0 - 3600) !== undefined).map((s) => s.labels.job!))].sort(),
    requestsPerJob: sumBy(named('http_requests_total', 'prometheus_http_requests_total'), 'job', (s) => rate(s, 3600)),
    httpPerJob: sumBy(named('http_requests_total'), 'job', (s) => rate(s, 3600)),
    httpPerJob5m: sumBy(named('http_requests_total'), 'job', (s) => rate(s, 300)),
    cpuLabels: [...new Set(cpu.flatMap((s) => Object.keys(s.labels)))].sort(),
    cpuInstances: [...new Set(cpu.map((s) => s.labels.instance!))].sort(),
    cpuPerMode: sumBy(cpu, 'mode', (s) => rate(s, 300)),
    memory: data.metadata('node_memory_MemAvailable_bytes'),
    /** The highest value, and the instance of each series that has it (all five answer). */
    top: [...(highest.length <= 5 ? highest.map((s) => s.labels.instance!) : []), gauge[0]!.at(T0)!],
    down: named('up').filter((s) => s.at(T0) === 0).map((s) => s.labels.instance!),
    cardinality: [topName, topCount] as Fact[],
    gaugeTotal: named(data.gauge).reduce((sum, s) => sum + s.at(data.wide.end)!, 0),
    gaugeSeries: gauge.length,
    largeSeries: named(data.large).length,
    /** The instance of the series Prometheus answers first (it sorts series by their labels). */
    largeFirst: named(data.large).sort((a, b) => compareLabels(a.labels, b.labels))[0]!.labels.instance!,
  };
}

/** Prometheus' order of label sets: label by label, names then values. */
function compareLabels(a: Record<string, string>, b: Record<string, string>): number {
  const x = Object.entries(a).sort(([p], [q]) => (p < q ? -1 : 1));
  const y = Object.entries(b).sort(([p], [q]) => (p < q ? -1 : 1));
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    for (const k of [0, 1] as const) if (x[i]![k] !== y[i]![k]) return x[i]![k] < y[i]![k] ? -1 : 1;
  }
  return x.length - y.length;
}

/** The tasks, with their expected facts computed from the data. */
export function agentTasks(data: TaskData): AgentTask[] {
  const f = facts(data);
  const n = (x: number) => x.toLocaleString('en-US');
  const requests = '{__name__=~"http_requests_total|prometheus_http_requests_total"}';
  const wide = { start: String(data.wide.start), end: String(data.wide.end) };
  // PyPI's peer: execute_query (query, time), execute_range_query (query, start, end, step, all required).
  const instant = (query: string, expect?: Fact[], error?: boolean): Step => ({ tool: 'execute_query', args: { query, time: NOW }, ...(expect === undefined ? {} : { expect }), ...(error ? { error } : {}) });
  const ranged = (query: string, range: { start: string; end: string }, step: string, error?: boolean): Step => ({
    tool: 'execute_range_query',
    args: { query, ...range, step },
    ...(error ? { error, expect: [] } : {}),
  });
  const hour = { start: HOUR_AGO, end: NOW };

  return [
    {
      id: 'jobs',
      question: 'Which jobs exist?',
      ours: (o) => ({ steps: [{ tool: 'discover', args: { label: 'job', ...lastHour(o, 'discover') } }], expect: f.jobs }),
      peer: () => ({ steps: [{ tool: 'prometheus_label_values', args: { label: 'job' } }], expect: f.jobs }),
      pypi: () => ({
        steps: [instant('group by (job) ({job!=""})')],
        expect: f.jobs,
        note: 'no label-values tool: a query grouping every series by job',
      }),
    },
    {
      id: 'request-rate',
      question: 'What was the request rate per job over the last hour?',
      ours: (o) => ({
        steps: [
          { tool: 'discover', args: { search: 'http_requests', ...lastHour(o, 'discover') }, expect: ['http_requests_total'] },
          { tool: 'query', args: { query: `sum by (job) (rate(${requests}[1h]))`, time: NOW } },
        ],
        expect: f.requestsPerJob,
      }),
      peer: () => ({
        steps: [
          { tool: 'prometheus_list_metrics', args: {}, expect: ['http_requests_total'] },
          { tool: 'prometheus_query', args: { query: `sum by (job) (rate(${requests}[1h]))`, time: NOW } },
        ],
        expect: f.requestsPerJob,
        note: 'its list_metrics takes no search: every metric name',
      }),
      pypi: () => ({
        steps: [{ tool: 'list_metrics', args: { filter_pattern: 'http_requests' }, expect: ['http_requests_total'] }, instant(`sum by (job) (rate(${requests}[1h]))`)],
        expect: f.requestsPerJob,
      }),
    },
    {
      id: 'request-rate-trend',
      question: 'How did the request rate of http_requests_total per job change over the last hour (a point a minute)?',
      ours: () => ({
        steps: [{ tool: 'query', args: { query: 'sum by (job) (rate(http_requests_total[5m]))', ...hour, step: '1m' } }],
        expect: f.httpPerJob5m,
      }),
      peer: () => ({
        steps: [{ tool: 'prometheus_query_range', args: { query: 'sum by (job) (rate(http_requests_total[5m]))', ...hour, step: '1m' } }],
        expect: f.httpPerJob5m,
      }),
      pypi: () => ({ steps: [ranged('sum by (job) (rate(http_requests_total[5m]))', hour, '1m')], expect: f.httpPerJob5m }),
    },
    {
      id: 'firing',
      question: 'What fires, and why?',
      ours: () => ({ steps: [{ tool: 'alerts', args: { state: 'firing' } }], expect: ['AlwaysFiring', 'critical', 'vector(1)'] }),
      peer: () => ({
        steps: [{ tool: 'prometheus_query', args: { query: 'ALERTS{alertstate="firing"}' } }],
        expect: ['AlwaysFiring', 'critical'],
        note: "no alerts or rules tool: the ALERTS series says what fires, and nothing the peer offers says why (the rule's expression)",
      }),
      pypi: () => ({
        // Now, as the npm peer's: the rules are evaluated in real time, not in the data's 2023.
        steps: [{ tool: 'execute_query', args: { query: 'ALERTS{alertstate="firing"}' } }],
        expect: ['AlwaysFiring', 'critical'],
        note: 'no alerts or rules tool: the ALERTS series, without the rule\'s expression',
      }),
    },
    {
      id: 'labels',
      question: 'Which labels does node_cpu_seconds_total have?',
      ours: (o) => ({ steps: [{ tool: 'discover', args: { labels: true, match: 'node_cpu_seconds_total', ...lastHour(o, 'discover') } }], expect: f.cpuLabels }),
      peer: () => ({
        steps: [{ tool: 'prometheus_query', args: { query: 'topk(1, node_cpu_seconds_total)', time: NOW } }],
        expect: f.cpuLabels,
        note:
          "its list_labels takes no selector (every label of every metric): one series of the metric carries them (every series of this one has the same labels; " +
          "topk(1, …) rather than the whole metric is in the peer's favour)",
      }),
      pypi: () => ({ steps: [instant('topk(1, node_cpu_seconds_total)')], expect: f.cpuLabels, note: 'no labels tool: one series of the metric, as for the npm peer' }),
    },
    {
      id: 'instances',
      question: 'Which instances report node_cpu_seconds_total?',
      ours: (o) => ({
        steps: [{ tool: 'discover', args: { label: 'instance', match: 'node_cpu_seconds_total', ...lastHour(o, 'discover') } }],
        expect: f.cpuInstances,
      }),
      peer: () => ({
        steps: [{ tool: 'prometheus_query', args: { query: 'count by (instance) (node_cpu_seconds_total)', time: NOW } }],
        expect: f.cpuInstances,
        note: 'its label_values takes no selector: it would answer every instance of every metric, so a query instead',
      }),
      pypi: () => ({ steps: [instant('count by (instance) (node_cpu_seconds_total)')], expect: f.cpuInstances }),
    },
    {
      id: 'metadata',
      question: 'What does node_memory_MemAvailable_bytes measure, and what type is it?',
      ours: (o) => ({
        steps: [{ tool: 'discover', args: { metric: 'node_memory_MemAvailable_bytes', ...lastHour(o, 'discover') } }],
        expect: [f.memory.type, f.memory.help],
      }),
      peer: () => ({ steps: [{ tool: 'prometheus_metric_metadata', args: { metric: 'node_memory_MemAvailable_bytes' } }], expect: [f.memory.type, f.memory.help] }),
      pypi: () => ({ steps: [{ tool: 'get_metric_metadata', args: { metric: 'node_memory_MemAvailable_bytes' } }], expect: [f.memory.type, f.memory.help] }),
    },
    {
      id: 'top-5',
      question: `Which 5 series of ${data.gauge} are highest now?`,
      ours: () => ({ steps: [{ tool: 'query', args: { query: `topk(5, ${data.gauge})`, time: NOW } }], expect: f.top }),
      peer: () => ({ steps: [{ tool: 'prometheus_query', args: { query: `topk(5, ${data.gauge})`, time: NOW } }], expect: f.top }),
      pypi: () => ({ steps: [instant(`topk(5, ${data.gauge})`)], expect: f.top }),
    },
    {
      id: 'down',
      question: 'Which targets are down?',
      ours: () => ({ steps: [{ tool: 'query', args: { query: 'up == 0', time: NOW } }], expect: f.down }),
      peer: () => ({ steps: [{ tool: 'prometheus_query', args: { query: 'up == 0', time: NOW } }], expect: f.down }),
      pypi: () => ({ steps: [instant('up == 0')], expect: f.down }),
    },
    {
      id: 'cardinality',
      question: 'Which metrics have the most series?',
      ours: () => ({ steps: [{ tool: 'query', args: { query: 'topk(3, count by (__name__) ({__name__=~".+"}))', time: NOW } }], expect: f.cardinality }),
      peer: () => ({ steps: [{ tool: 'prometheus_query', args: { query: 'topk(3, count by (__name__) ({__name__=~".+"}))', time: NOW } }], expect: f.cardinality }),
      pypi: () => ({ steps: [instant('topk(3, count by (__name__) ({__name__=~".+"}))')], expect: f.cardinality }),
    },
    {
      id: 'typo',
      question: 'What is the CPU usage rate per mode? (asked with a typo: node_cpu_secnds_total)',
      ours: () => ({
        steps: [
          { tool: 'query', args: { query: 'sum by (mode) (rate(node_cpu_secnds_total[5m]))', time: NOW }, expect: ['node_cpu_seconds_total'] },
          { tool: 'query', args: { query: 'sum by (mode) (rate(node_cpu_seconds_total[5m]))', time: NOW } },
        ],
        expect: f.cpuPerMode,
        note: 'the empty answer names the metric that exists',
      }),
      peer: () => ({
        steps: [
          { tool: 'prometheus_query', args: { query: 'sum by (mode) (rate(node_cpu_secnds_total[5m]))', time: NOW }, expect: ['"result":[]'] },
          { tool: 'prometheus_list_metrics', args: {}, expect: ['node_cpu_seconds_total'] },
          { tool: 'prometheus_query', args: { query: 'sum by (mode) (rate(node_cpu_seconds_total[5m]))', time: NOW } },
        ],
        expect: f.cpuPerMode,
        note: 'an empty answer, no hint: the agent lists the metrics to find the name',
      }),
      pypi: () => ({
        steps: [
          instant('sum by (mode) (rate(node_cpu_secnds_total[5m]))', ['"result":[]']),
          { tool: 'list_metrics', args: { filter_pattern: 'node_cpu' }, expect: ['node_cpu_seconds_total'] },
          instant('sum by (mode) (rate(node_cpu_seconds_total[5m]))'),
        ],
        expect: f.cpuPerMode,
        note: "an empty answer, no hint: the agent searches the metric names for the typo's stem (in the peer's favour)",
      }),
    },
    {
      id: 'syntax-error',
      question: 'Requests per second by job, asked as `sum by job (…)` (a syntax error)',
      ours: () => ({
        steps: [
          { tool: 'query', args: { query: 'sum by job (rate(http_requests_total[1h]))', time: NOW }, error: true, expect: ['parse error'] },
          { tool: 'query', args: { query: 'sum by (job) (rate(http_requests_total[1h]))', time: NOW } },
        ],
        expect: f.httpPerJob,
      }),
      peer: () => ({
        steps: [
          { tool: 'prometheus_query', args: { query: 'sum by job (rate(http_requests_total[1h]))', time: NOW }, error: true },
          { tool: 'prometheus_query', args: { query: 'sum by (job) (rate(http_requests_total[1h]))', time: NOW } },
        ],
        expect: f.httpPerJob,
        note: "its error is `http 400: Bad Request`, without Prometheus' message; the agent is assumed to find the mistake itself (in the peer's favour)",
      }),
      pypi: () => ({
        steps: [instant('sum by job (rate(http_requests_total[1h]))', [], true), instant('sum by (job) (rate(http_requests_total[1h]))')],
        expect: f.httpPerJob,
      }),
    },
    {
      id: 'too-many-points',
      question: `The total of ${data.gauge} ${data.wide.said}, asked with step 1s (${n(data.wide.end - data.wide.start + 1)} points, over Prometheus' 11,000)`,
      ours: () => ({
        steps: [
          { tool: 'query', args: { query: `sum(${data.gauge})`, ...wide, step: '1s' }, error: true, expect: ['step'] },
          { tool: 'query', args: { query: `sum(${data.gauge})`, ...wide, step: '1m' } },
        ],
        expect: [f.gaugeTotal],
      }),
      peer: () => ({
        steps: [
          { tool: 'prometheus_query_range', args: { query: `sum(${data.gauge})`, ...wide, step: '1s' }, error: true },
          { tool: 'prometheus_query_range', args: { query: `sum(${data.gauge})`, ...wide, step: '1m' } },
        ],
        expect: [f.gaugeTotal],
        note: "its error is `http 400: Bad Request`: the agent is assumed to guess that the step is at fault (in the peer's favour)",
      }),
      pypi: () => ({ steps: [ranged(`sum(${data.gauge})`, wide, '1s', true), ranged(`sum(${data.gauge})`, wide, '1m')], expect: [f.gaugeTotal] }),
    },
    {
      id: 'too-large-answer',
      question: `${data.large} of every host over the last hour, a point a minute (${n(f.largeSeries)} series × 61 points)`,
      ours: () => ({
        steps: [{ tool: 'query', args: { query: data.large, ...hour, step: '1m' } }],
        expect: [f.largeFirst],
        note: 'the answer is cut to the token budget, with a note on narrowing the query',
      }),
      peer: () => ({
        steps: [{ tool: 'prometheus_query_range', args: { query: data.large, ...hour, step: '1m' } }],
        expect: [f.largeFirst],
        note: "the whole answer: more than a model's context holds, so a host refuses it",
      }),
      pypi: () => ({ steps: [ranged(data.large, hour, '1m')], expect: [f.largeFirst], note: 'the whole answer, as the npm peer\'s' }),
    },
  ];
}

export interface Definitions {
  tools: number;
  /** Tokens of the tools as a model API is given them, plus the instructions'. */
  tokens: number;
  instructionsTokens: number;
}

export interface Run {
  calls: number;
  /** Tokens of each answer, in call order. */
  answers: number[];
  /** Without caching: definitions × (calls + 1) + the answers. */
  total: number;
  /** With prompt caching: definitions × (1 + 0.1 × calls) + the answers. */
  cached: number;
  note?: string;
}

/** A cache read costs a tenth of the input it replaces (Anthropic's and OpenAI's prompt caching). */
export const CACHE_READ = 0.1;

export interface TaskResult {
  id: string;
  question: string;
  ours: Run;
  peers: Record<PeerId, Run>;
}

export interface AgentTaskResults {
  /** The data's name and what it holds. */
  data: { name: string; description: string };
  definitions: { ours: Definitions; peers: Record<PeerId, Definitions> };
  /** This server's answer budget (AGENT_RESPONSE_BUDGET_TOKENS), which no answer of its may exceed. */
  budgetTokens: number;
  tasks: TaskResult[];
  seconds: number;
}

export interface Side {
  label: string;
  connection: Connection;
}

/** Runs every task on every server; throws when a step fails unexpectedly or an answer lacks its fact. */
export async function runAgentTasks(ours: Side, peers: Record<PeerId, Side>, data: TaskData, budgetTokens: number): Promise<AgentTaskResults> {
  const started = performance.now();
  const [defsOurs, offeredOurs] = await definitions(ours.connection);
  const peerDefs = {} as Record<PeerId, [Definitions, Offered]>;
  for (const id of PEERS) peerDefs[id] = await definitions(peers[id].connection);
  const tasks: TaskResult[] = [];
  for (const task of agentTasks(data)) {
    const run = (side: Side, plan: Plan, [defs, offered]: [Definitions, Offered]) => play(side, `${task.id} (${data.name})`, plan, defs, offered);
    const result: TaskResult = { id: task.id, question: task.question, ours: await run(ours, task.ours(offeredOurs), [defsOurs, offeredOurs]), peers: {} as Record<PeerId, Run> };
    result.peers.npm = await run(peers.npm, task.peer(peerDefs.npm[1]), peerDefs.npm);
    result.peers.pypi = await run(peers.pypi, task.pypi(peerDefs.pypi[1]), peerDefs.pypi);
    tasks.push(result);
  }
  return {
    data: { name: data.name, description: data.description },
    definitions: { ours: defsOurs, peers: { npm: peerDefs.npm[0], pypi: peerDefs.pypi[0] } },
    budgetTokens,
    tasks,
    seconds: (performance.now() - started) / 1000,
  };
}

async function definitions(connection: Connection): Promise<[Definitions, Offered]> {
  const { tools } = await connection.client.listTools();
  const instructions = connection.client.getInstructions() ?? '';
  const instructionsTokens = countTokens(instructions);
  const byName = new Map<string, Tool>(tools.map((t) => [t.name, t]));
  const offered: Offered = {
    args(tool) {
      const schema = byName.get(tool)?.inputSchema;
      return schema === undefined ? undefined : { properties: Object.keys(schema.properties ?? {}), required: schema.required ?? [] };
    },
  };
  return [{ tools: tools.length, tokens: countTokens(JSON.stringify(forModel(tools))) + instructionsTokens, instructionsTokens }, offered];
}

async function play(side: Side, id: string, plan: Plan, defs: Definitions, offered: Offered): Promise<Run> {
  const answers: number[] = [];
  let text = '';
  for (const [i, step] of plan.steps.entries()) {
    const where = `agent task ${id}, ${side.label}, step ${i + 1} (${step.tool} ${JSON.stringify(step.args)})`;
    // A script that calls what tools/list does not offer is out of date: fail rather than count an error answer.
    const args = offered.args(step.tool);
    if (args === undefined) throw new Error(`${where}: tools/list offers no such tool`);
    const unknown = Object.keys(step.args).filter((a) => !args.properties.includes(a));
    if (unknown.length > 0) throw new Error(`${where}: the tool takes no ${unknown.join(', ')}`);
    const result = await invokeTool(side.connection, step.tool, step.args);
    text = resultText(result);
    if ((result.isError === true) !== (step.error === true)) {
      throw new Error(`${where}: ${step.error === true ? 'succeeded, where the script expects an error' : 'failed'}: ${text.slice(0, 500)}`);
    }
    check(where, text, step.expect ?? []);
    answers.push(countTokens(text));
  }
  check(`agent task ${id}, ${side.label}, final answer`, text, plan.expect);
  const calls = plan.steps.length;
  const answered = answers.reduce((a, b) => a + b, 0);
  return { calls, answers, total: defs.tokens * (calls + 1) + answered, cached: Math.round(defs.tokens * (1 + CACHE_READ * calls)) + answered, note: plan.note };
}

function check(where: string, text: string, facts: Fact[]): void {
  let numbers: number[] | undefined;
  const holds = (fact: Fact) => {
    if (typeof fact === 'string') return text.includes(fact);
    numbers ??= (text.match(/-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/g) ?? []).map(Number);
    // This server's compact format prints 4 significant digits by default.
    return numbers.some((x) => Math.abs(x - fact) <= Math.max(Math.abs(fact) * 1e-3, 1e-9));
  };
  const missing = facts.filter((fact) => !holds(fact));
  if (missing.length > 0) throw new Error(`${where}: the answer lacks ${missing.map((f) => JSON.stringify(f)).join(', ')}: ${text.slice(0, 500)}`);
}

/** The middle value, or the mean of the two middle ones. */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return Number.isInteger(mid) ? (sorted[mid - 1]! + sorted[mid]!) / 2 : sorted[Math.floor(mid)]!;
}

/** The targets of issue 25: definitions ≤ 650 tokens, the median task ≤ 1.0× the leanest peer's, with and without caching. */
export const AGENT_TARGETS = { definitionsTokens: 650, medianVsLeanest: 1.0 };

const answersOf = (x: Run) => x.answers.reduce((a, b) => a + b, 0);
/** A server fails a task in a host when one of its answers is over the host's limit. */
const failsInHost = (x: Run) => x.answers.some((a) => a > HOST_LIMIT_TOKENS);

export interface PeerSummary {
  /** Median of the ratios over the tasks both servers complete within a host's limit, without caching and with. */
  medianRatio: number;
  medianCached: number;
  /** Median over every task, the raw tokens counted whatever a host would do with them. */
  medianRatioAll: number;
  /** The answers alone, over the tasks both complete. */
  medianAnswersRatio: number;
  /** Tasks whose peer answer is over a host's limit. */
  failing: string[];
  /** Tokens without caching, summed over the tasks every server completes: the leanest peer has the fewest. */
  sum: number;
  largest: { tokens: number; task: string };
}

export interface RunSummary {
  peers: Record<PeerId, PeerSummary>;
  /** The peer with the fewest tokens over the tasks (without caching). */
  leanest: PeerId;
  /** Tasks this server fails in a host. */
  failing: string[];
  largest: { tokens: number; task: string };
}

function largestOf(tasks: TaskResult[], run: (t: TaskResult) => Run): { tokens: number; task: string } {
  return tasks.map((t) => ({ tokens: Math.max(...run(t).answers), task: t.id })).reduce((a, b) => (b.tokens > a.tokens ? b : a));
}

export function summarizeRun(r: AgentTaskResults): RunSummary {
  const peers = {} as Record<PeerId, PeerSummary>;
  for (const id of PEERS) {
    const completed = r.tasks.filter((t) => !failsInHost(t.ours) && !failsInHost(t.peers[id]));
    peers[id] = {
      medianRatio: median(completed.map((t) => t.ours.total / t.peers[id].total)),
      medianCached: median(completed.map((t) => t.ours.cached / t.peers[id].cached)),
      medianRatioAll: median(r.tasks.map((t) => t.ours.total / t.peers[id].total)),
      medianAnswersRatio: median(completed.map((t) => answersOf(t.ours) / answersOf(t.peers[id]))),
      failing: r.tasks.filter((t) => failsInHost(t.peers[id])).map((t) => t.id),
      sum: r.tasks.filter((t) => ![t.ours, ...PEERS.map((p) => t.peers[p])].some(failsInHost)).reduce((a, t) => a + t.peers[id].total, 0),
      largest: largestOf(r.tasks, (t) => t.peers[id]),
    };
  }
  const leanest = [...PEERS].sort((a, b) => peers[a].sum - peers[b].sum)[0]!;
  return { peers, leanest, failing: r.tasks.filter((t) => failsInHost(t.ours)).map((t) => t.id), largest: largestOf(r.tasks, (t) => t.ours) };
}

/** The rows of the benchmark's Targets table: the definitions, the largest answer, and each dataset's medians against the leanest peer. */
export function summarizeAgentTasks(runs: AgentTaskResults[]): [string, string, string, boolean][] {
  const n = (x: number) => x.toLocaleString('en-US');
  const { ours, peers } = runs[0]!.definitions;
  const summaries = runs.map(summarizeRun);
  const largest = summaries.map((s, i) => ({ ...s.largest, data: runs[i]!.data.name })).reduce((a, b) => (b.tokens > a.tokens ? b : a));
  const budget = runs[0]!.budgetTokens;
  return [
    [
      "tool definitions a model is given (every tool's name, description, input schema, and the instructions)",
      `${n(ours.tokens)} tokens, ${ours.tools} tools (${PEERS.map((id) => `${PEER_LABELS[id]} ${n(peers[id].tokens)}`).join(', ')})`,
      `≤ ${n(AGENT_TARGETS.definitionsTokens)} tokens`,
      ours.tokens <= AGENT_TARGETS.definitionsTokens,
    ],
    [
      `largest answer in the ${runs[0]!.tasks.length} agent tasks`,
      `${n(largest.tokens)} tokens (${largest.task}, ${largest.data})`,
      `≤ ${n(budget)} (AGENT_RESPONSE_BUDGET_TOKENS)`,
      largest.tokens <= budget,
    ],
    ...runs.flatMap((r, i): [string, string, string, boolean][] => {
      const s = summaries[i]!;
      const lean = s.peers[s.leanest];
      const completed = r.tasks.length - new Set([...lean.failing, ...s.failing]).size;
      const others = PEERS.filter((id) => id !== s.leanest);
      const worst = (key: 'medianRatio' | 'medianCached') => Math.max(...PEERS.map((id) => s.peers[id][key]));
      return [
        [
          `tokens per agent task vs the leanest peer (${PEER_LABELS[s.leanest]}), ${r.data.name}, without caching: median of the ${completed} tasks both complete`,
          `${lean.medianRatio.toFixed(2)}× (raw, all ${r.tasks.length}: ${lean.medianRatioAll.toFixed(2)}×; the peer fails ${lean.failing.length}); ` +
            others.map((id) => `vs ${PEER_LABELS[id]} ${s.peers[id].medianRatio.toFixed(2)}×`).join(', '),
          `≤ ${AGENT_TARGETS.medianVsLeanest.toFixed(1)}× (each peer)`,
          worst('medianRatio') <= AGENT_TARGETS.medianVsLeanest,
        ],
        [
          `the same with prompt caching (definitions once, then ${CACHE_READ} × per turn)`,
          `${lean.medianCached.toFixed(2)}×; ${others.map((id) => `vs ${PEER_LABELS[id]} ${s.peers[id].medianCached.toFixed(2)}×`).join(', ')}`,
          `≤ ${AGENT_TARGETS.medianVsLeanest.toFixed(1)}× (each peer)`,
          worst('medianCached') <= AGENT_TARGETS.medianVsLeanest,
        ],
      ];
    }),
  ];
}

/** The suite's section of docs/benchmarks.md: the method once, then a table per dataset. */
export function renderAgentTasks(runs: AgentTaskResults[], heading: string, setup: string[] = []): string[] {
  const { ours, peers } = runs[0]!.definitions;
  const n = (x: number) => x.toLocaleString('en-US');
  const notes = runs[0]!.tasks.flatMap((t) => [
    ...(t.ours.note === undefined ? [] : [`- **${t.id}**, this project: ${t.ours.note}.`]),
    ...PEERS.flatMap((id) => (t.peers[id].note === undefined ? [] : [`- **${t.id}**, ${PEER_LABELS[id]}: ${t.peers[id].note}.`])),
  ]);
  const seconds = runs.reduce((a, r) => a + r.seconds, 0);
  const near = runs
    .flatMap((r) => r.tasks.flatMap((t) => [...t.ours.answers, ...PEERS.flatMap((id) => t.peers[id].answers)]))
    .filter((a) => a >= HOST_LIMIT_TOKENS * 0.8 && a <= HOST_LIMIT_TOKENS * 1.2).length;
  const defs = (d: Definitions) => `${n(d.tokens)} tokens (${d.tools} tools; ${d.instructionsTokens === 0 ? 'no instructions' : `instructions ${n(d.instructionsTokens)}`})`;
  return [
    heading,
    '',
    `${runs[0]!.tasks.length} questions an agent asks, each answered with each server by the tool calls a competent agent would make with that server's tools ` +
      '(scripts/lib/agent-tasks.ts: the calls are fixed there, no model runs), every call made for real through the MCP client to the server and a real ' +
      "Prometheus, and each task's final answer checked for the expected facts, computed from the data the Prometheus holds. The servers: this project, " +
      `the npm package \`prometheus-mcp\` and PyPI's \`prometheus-mcp-server\` (pinned: package.json, requirements-peer.txt), each as its README runs it. ` +
      `The same questions and calls run on ${runs.length === 1 ? 'one dataset' : `${runs.length} datasets`}: ${runs.map((r) => `the ${r.data.name}`).join(' and ')}. ` +
      'The data lies in 2023, so "now" is 2023-04-01T00:00Z in every question.',
    '',
    '**Tokens per task** (o200k_base), **without caching** = definitions × turns + the text of every answer, with turns = calls + 1 (a host sends the ' +
      `definitions again on every model turn: one per call, and the turn that writes the answer); **with prompt caching** = definitions × (1 + ${CACHE_READ} × calls) ` +
      '+ the answers (the definitions paid once, then read from the cache at a tenth of the price on every further turn). ' +
      `**Definitions** = every tool's name, description and input schema, and the server's instructions: this project ${defs(ours)}, ` +
      `${PEERS.map((id) => `${PEER_LABELS[id]} ${defs(peers[id])}`).join(', ')}. The **leanest peer** of a dataset is the one with the fewest tokens over its tasks.`,
    '',
    `**A host's limit.** A host refuses a tool answer over ${n(HOST_LIMIT_TOKENS)} tokens (Claude Code: "response (N tokens) exceeds maximum allowed tokens ` +
      `(25000)", MAX_MCP_OUTPUT_TOKENS; counted with its own tokenizer, not this one: ${near === 0 ? 'no answer here is within 20% of the line' : `${near} answers here are within 20% of the line`}): ` +
      'a server with such an answer in a task **fails** the task (marked † with its raw tokens, as if a host passed everything). The medians are taken over ' +
      'the tasks both servers complete; the median over every task with the raw tokens is given beside them.',
    '',
    ...(setup.length === 0 ? [] : [...setup, '']),
    `The suite took ${seconds.toFixed(1)} s (${runs.map((r) => `${r.data.name} ${r.seconds.toFixed(1)} s`).join(', ')}).`,
    '',
    ...runs.flatMap((r) => renderRun(r)),
    ...(notes.length === 0 ? [] : ['Why a sequence is what it is:', '', ...notes, '']),
  ];
}

function renderRun(r: AgentTaskResults): string[] {
  const s = summarizeRun(r);
  const n = (x: number) => x.toLocaleString('en-US');
  const mark = (x: Run) => (failsInHost(x) ? '† ' : '');
  const capital = r.data.name.charAt(0).toUpperCase() + r.data.name.slice(1);
  const cell = (x: Run) => `${mark(x)}${n(x.total)} / ${n(x.cached)} (${n(answersOf(x))})`;
  const ratio = (t: TaskResult, id: PeerId) => `${(t.ours.total / t.peers[id].total).toFixed(2)}× / ${(t.ours.cached / t.peers[id].cached).toFixed(2)}×`;
  return [
    `### ${capital}`,
    '',
    `${capital}: ${r.data.description}.`,
    '',
    'Tokens: without caching / with prompt caching (the answers alone). Ratios: this project against each peer, without / with caching.',
    '',
    `| task | calls: this project / npm / PyPI | this project | ${PEERS.map((id) => PEER_LABELS[id]).join(' | ')} | ${PEERS.map((id) => `vs ${id}`).join(' | ')} |`,
    `|---|---|---|${PEERS.map(() => '---|').join('')}${PEERS.map(() => '---|').join('')}`,
    ...r.tasks.map(
      (t) =>
        `| ${t.id} | ${[t.ours, ...PEERS.map((id) => t.peers[id])].map((x) => x.calls).join(' / ')} | ${cell(t.ours)} | ${PEERS.map((id) => cell(t.peers[id])).join(' | ')} | ` +
        `${PEERS.map((id) => ratio(t, id)).join(' | ')} |`,
    ),
    `| **median**, the tasks both complete | | | ${PEERS.map(() => '').join(' | ')} | ${PEERS.map((id) => `**${s.peers[id].medianRatio.toFixed(2)}× / ${s.peers[id].medianCached.toFixed(2)}×**`).join(' | ')} |`,
    `| median of all ${r.tasks.length}, raw, without caching | | | ${PEERS.map(() => '').join(' | ')} | ${PEERS.map((id) => `${s.peers[id].medianRatioAll.toFixed(2)}×`).join(' | ')} |`,
    `| median of the answers alone | | | ${PEERS.map(() => '').join(' | ')} | ${PEERS.map((id) => `${s.peers[id].medianAnswersRatio.toFixed(2)}×`).join(' | ')} |`,
    '',
    `Leanest peer on the ${r.data.name}: ${PEER_LABELS[s.leanest]} (${PEERS.map((id) => `${PEER_LABELS[id]} ${n(s.peers[id].sum)}`).join(', ')} tokens over the tasks every server completes). ` +
      `† over a host's ${n(HOST_LIMIT_TOKENS)}-token limit: ${PEERS.map((id) => `${PEER_LABELS[id]} fails ${s.peers[id].failing.length === 0 ? 'no task' : s.peers[id].failing.join(', ')}`).join('; ')}` +
      `${s.failing.length === 0 ? '; this project fails none' : `; this project fails ${s.failing.join(', ')}`}. ` +
      `Largest answer: this project ${n(s.largest.tokens)} tokens (${s.largest.task}), ${s.largest.tokens <= r.budgetTokens ? 'within' : '**over**'} its budget of ` +
      `${n(r.budgetTokens)} (AGENT_RESPONSE_BUDGET_TOKENS); ${PEERS.map((id) => `${PEER_LABELS[id]} ${n(s.peers[id].largest.tokens)} (${s.peers[id].largest.task})`).join(', ')}.`,
    '',
  ];
}
