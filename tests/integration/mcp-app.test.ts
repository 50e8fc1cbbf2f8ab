import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { build } from 'esbuild';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import puppeteer, { type Browser, type Frame, type Page } from 'puppeteer-core';
import { FIXTURE_START } from '../fixtures/dataset';
import type { AmpFront } from '../support/amp-front';
import { functionEnv, startTestFront } from '../support/harness';
import { MCP_BUNDLE } from '../support/mcp-http';

/**
 * The query tool's MCP App in a real browser: Debian's Chromium (headless, driven by
 * puppeteer-core) loads a test host built on the extension SDK's AppBridge
 * (tests/support/app-host/host.ts), which puts the page the MCP server serves at
 * resources/read in a sandboxed iframe and sends it tool results the server really gave
 * against the tests' Prometheus: a range of several series, a cut answer, an empty answer
 * with hints, an instant answer. What was drawn is asserted, and a screenshot of the range
 * is saved for the README (docs/query-view.png).
 */

const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const ROOT = path.join(__dirname, '..', '..');
const T0 = FIXTURE_START + 2 * 3600;
const HOUR = { start: T0 - 3600, end: T0 };

let front: AmpFront;
let client: Client;
let browser: Browser;
let page: Page;
let hostScript: string;
let viewHtml: string;
const consoleErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: scripts/setup.sh installs Debian's chromium`);
  front = await startTestFront();
  const env: Record<string, string> = { ...(process.env as Record<string, string>), ...functionEnv('integration'), PROMETHEUS_URL: front.workspaceUrl, POWERTOOLS_LOG_LEVEL: 'SILENT' };
  delete env.MCP_AUTH_TOKEN;
  client = new Client({ name: 'app-test', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [MCP_BUNDLE], env, stderr: 'ignore' }));
  const read = await client.readResource({ uri: 'ui://prometheus-tools/query-view.html' });
  viewHtml = (read.contents[0] as { text: string }).text;
  const bundled = await build({ entryPoints: [path.join(ROOT, 'tests/support/app-host/host.ts')], bundle: true, platform: 'browser', format: 'iife', write: false, logLevel: 'warning' });
  hostScript = bundled.outputFiles[0]!.text;
  browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  page = await browser.newPage();
  await page.setViewport({ width: 800, height: 480 });
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(String(error)));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await client?.close();
  await front?.stop();
});

beforeEach(() => {
  consoleErrors.length = 0;
});

/** Calls the query tool for real, has the host show its result, and returns the view's frame once it has drawn. */
async function showQuery(args: Record<string, unknown>, theme: 'light' | 'dark' = 'light'): Promise<{ view: Frame; result: Awaited<ReturnType<Client['callTool']>> }> {
  const result = await client.callTool({ name: 'query', arguments: args });
  await page.setContent(`<!doctype html><html><body style="margin:0"></body><script>${hostScript}</script></html>`);
  await page.evaluate((view, a, r, t) => (globalThis as unknown as HostWindow).show(view, a, r, t), viewHtml, args, result as unknown, theme);
  const view = await waitForView();
  return { view, result };
}

async function waitForView(): Promise<Frame> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const frame = page.frames().find((f) => f !== page.mainFrame());
    if (frame !== undefined) {
      const drawn = await frame.$eval('#app', (el) => (el as unknown as Drawn).dataset.drawn ?? '').catch(() => '');
      if (drawn !== '') return frame;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the view never drew: ${consoleErrors.join('; ')}`);
}

/** What the host page's script (tests/support/app-host/host.ts) offers, and what the view marks on its root. */
interface HostWindow {
  show(view: string, args: Record<string, unknown>, result: unknown, theme: 'light' | 'dark'): Promise<void>;
}
interface Drawn {
  dataset: Record<string, string | undefined>;
}

it('is linked from the query tool and served as one self-contained page, without growing what the model reads', async () => {
  const { tools } = await client.listTools();
  const query = tools.find((t) => t.name === 'query')!;
  expect(query._meta).toEqual({ ui: { resourceUri: 'ui://prometheus-tools/query-view.html' }, 'ui/resourceUri': 'ui://prometheus-tools/query-view.html' });
  expect(tools.filter((t) => t._meta !== undefined).map((t) => t.name)).toEqual(['query']);
  const { resources } = await client.listResources();
  expect(resources).toEqual([expect.objectContaining({ uri: 'ui://prometheus-tools/query-view.html', mimeType: 'text/html;profile=mcp-app' })]);
  // No network: no remote script, style or fetch; one inline script, one inline style.
  expect(viewHtml).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\/(?!www\.w3\.org)/);
  expect(viewHtml.match(/<script>/g)).toHaveLength(1);
  // The budget the benchmark states (docs/benchmarks.md): a page a host loads for every answer it draws.
  expect(Buffer.byteLength(viewHtml)).toBeLessThanOrEqual(100_000);
  // What a model is given of the tool: its name, description and input schema, as before the view.
  const forModel = JSON.stringify({ name: query.name, description: query.description, input_schema: query.inputSchema });
  expect(countTokens(forModel)).toBeLessThanOrEqual(170);
  expect(forModel).not.toContain('ui://');
});

it('draws a range answer as lines per series, with a legend of the labels that tell them apart', async () => {
  const { view, result } = await showQuery({ query: 'sum by (instance, mode) (rate(node_cpu_seconds_total[5m]))', ...HOUR, step: '1m' });
  const series = (result.structuredContent as { data: { series: { metric: Record<string, string> }[] } }).data.series;
  expect(series.length).toBeGreaterThan(1);
  expect(await view.$eval('#app', (el) => ({ drawn: (el as unknown as Drawn).dataset.drawn, series: (el as unknown as Drawn).dataset.series }))).toEqual({ drawn: 'lines', series: String(series.length) });
  // uPlot's legend (not live: no x row), one entry per series, named by the labels that vary: instance and mode.
  const legend = await view.$$eval('.u-legend .u-series', (rows) => rows.map((r) => r.textContent?.trim() ?? ''));
  expect(legend).toEqual(series.map((s) => `{instance="${s.metric.instance}", mode="${s.metric.mode}"}`));
  expect(await view.$eval('.step', (el) => el.textContent)).toBe('a point every 60 s');
  expect(await view.$$eval('canvas', (c) => c.length)).toBe(1);
  expect(consoleErrors).toEqual([]);
  mkdirSync(path.join(ROOT, 'docs'), { recursive: true });
  await page.screenshot({ path: path.join(ROOT, 'docs', 'query-view.png'), clip: { x: 0, y: 0, width: 760, height: 400 } });
}, 30_000);

it('draws a summary answer as a table of each series\' min, avg, max and last', async () => {
  const { view, result } = await showQuery({ query: 'node_memory_MemAvailable_bytes', ...HOUR, format: 'summary' });
  const series = (result.structuredContent as { data: { series: { metric: Record<string, string>; min: { value: number }; avg: number; max: { value: number }; last: { value: number }; count: number }[] } }).data.series;
  expect(await view.$eval('#app', (el) => (el as unknown as Drawn).dataset.drawn)).toBe('summary');
  const rows = await view.$$eval('table.summary tr', (trs) => trs.slice(1).map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
  expect(rows).toEqual(series.map((s) => [`{instance="${s.metric.instance}"}`, String(s.min.value), String(s.avg), String(s.max.value), String(s.last.value), String(s.count)]));
  expect(consoleErrors).toEqual([]);
}, 30_000);

it('shows what a cut answer left out, as the note says', async () => {
  const { view, result } = await showQuery({ query: 'up', ...HOUR, max_series: 1 });
  const envelope = result.structuredContent as { truncated?: boolean; note: string };
  expect(envelope.truncated).toBe(true);
  expect(await view.$eval('#app', (el) => (el as unknown as Drawn).dataset.series)).toBe('1');
  expect(await view.$eval('.note.cut', (el) => el.textContent)).toBe(envelope.note);
  expect(consoleErrors).toEqual([]);
}, 30_000);

it('shows an empty answer as such, with its hints', async () => {
  const { view, result } = await showQuery({ query: 'node_cpu_secnds_total', time: T0 });
  const hints = (result.structuredContent as { hints: string[] }).hints;
  expect(hints.length).toBeGreaterThan(0);
  expect(await view.$eval('.empty', (el) => el.textContent)).toBe('No data: the query matched no series.');
  expect(await view.$$eval('.hints li', (items) => items.map((i) => i.textContent))).toEqual(hints);
  expect(consoleErrors).toEqual([]);
}, 30_000);

it('draws an instant answer as bars, and follows the host into dark mode', async () => {
  const { view } = await showQuery({ query: 'sum by (mode) (rate(node_cpu_seconds_total[5m]))', time: T0 }, 'dark');
  expect(await view.$eval('#app', (el) => (el as unknown as Drawn).dataset.drawn)).toBe('bars');
  expect(await view.$$eval('.bars .label', (cells) => cells.map((c) => c.textContent))).toEqual(['{mode="system"}', '{mode="user"}']);
  expect(await view.evaluate(() => (globalThis as unknown as { document: { documentElement: Drawn } }).document.documentElement.dataset.theme)).toBe('dark');
  expect(consoleErrors).toEqual([]);
}, 30_000);
