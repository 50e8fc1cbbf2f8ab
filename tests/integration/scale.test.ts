import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SCALE_CALLS, measureCall, measureMcpServer, type CallMeasure } from '../../scripts/lib/scale-calls';
import { startScalePrometheus, type ScalePrometheus } from '../../scripts/lib/scale-prometheus';

/**
 * Workspace scale in the test run: the first calls an agent makes (each tool's default call,
 * and the broad ones: a large metric described, queried instant and over a range, 2,000
 * label values and series, a typo, the metrics with the most series) on 100,000 series of
 * workspace-shaped data in a real Prometheus, each through its function's built bundle held
 * to its MemorySize as Lambda runs it (scripts/lib/scale-calls.ts). Every call answers (never
 * an error), within half of its function's timeout and 60% of its memory; what does not fit
 * is cut and said; a query states what it processed. The benchmark runs the same calls at
 * 10,000 and 1,000,000 series (npm run bench -- --scale).
 */

let prometheus: ScalePrometheus;
let scratch: string;
const measured = new Map<string, CallMeasure>();

beforeAll(async () => {
  if (!existsSync(path.join(__dirname, '..', '..', '.aws-sam', 'build', 'template.yaml'))) throw new Error('no .aws-sam/build: run `npm run build` first');
  scratch = mkdtempSync(path.join(os.tmpdir(), 'scale-test-'));
  prometheus = await startScalePrometheus(100_000);
  for (const call of SCALE_CALLS) measured.set(call.name, await measureCall(call, prometheus.url, prometheus.end, scratch));
}, 240_000);
afterAll(async () => {
  await prometheus?.stop();
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
});

it('holds 100,000 series: 2,000 pods of 48 http_requests_total series, their kube_pod_info and memory, 8,000 node series', () => {
  expect(prometheus.shape).toMatchObject({ series: 108_000, pods: 2000, bigMetricSeries: 96_000 });
});

describe.each(SCALE_CALLS.map((call) => [call.name, call] as const))('%s', (name, call) => {
  it('answers, within half of its timeout and 60% of its memory', () => {
    const m = measured.get(name)!;
    expect(m.error).toBeUndefined();
    expect(m.status).toBe('success');
    expect(m.wallMs).toBeLessThan((m.timeoutS * 1000) / 2);
    expect(m.peakMb).toBeLessThan(0.6 * m.memoryMb);
    // The host's budget: 20,000 tokens (the estimate is an upper bound; o200k counts fewer).
    expect(m.answerTokens).toBeLessThanOrEqual(20_000);
    // A query states what it processed.
    if (call.tool === 'query' || call.tool === 'range_query' || call.tool === 'describe_metric') expect(m.samplesProcessed).toBeGreaterThanOrEqual(0);
  });
});

it('reads the 96,000 series of an instant query as a stream: the series that fit, how many there were, a narrower query, one sample each', () => {
  const m = measured.get('instant query of the largest metric')!;
  expect(m.truncated).toBe(true);
  expect(m.note).toMatch(/^Prometheus answered 96,000 series \([0-9.]+ MB\), more than the function reads at once: kept the first [0-9,]+ whole; ask for less: aggregate \(sum by \(\w+\) \(http_requests_total\)\), keep the largest \(topk\(10, http_requests_total\)\), add matchers/);
  expect(m.samplesProcessed).toBe(96_000);
});

it('describes the 96,000-series metric from the index and one count: a sample per series, no series list', () => {
  const m = measured.get('describe_metric of the largest metric')!;
  expect(m.samplesProcessed).toBe(96_000);
  // The gzip'd label lists and a count: far less than the series (about 14 MB as JSON).
  expect(m.upstreamBytes).toBeLessThan(200_000);
});

it('counts the series of every metric in one query, a sample per series', () => {
  expect(measured.get('cardinality: top 10 metrics by series')!.samplesProcessed).toBe(prometheus.shape.series);
});

it('serves the same broad calls from the local MCP server within 512 MB', async () => {
  const broad = SCALE_CALLS.filter((call) => call.broad);
  const { peakMb, answers } = await measureMcpServer(broad, prometheus.url, prometheus.end);
  expect(answers.map((a) => [a.name, a.isError])).toEqual(broad.map((call) => [call.name, false]));
  for (const answer of answers) expect(answer.tokens).toBeLessThanOrEqual(20_000);
  expect(peakMb).toBeLessThan(512);
}, 120_000);
