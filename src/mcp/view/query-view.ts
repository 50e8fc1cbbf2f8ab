/**
 * The MCP App of the query tool (MCP Apps, SEP-1865, 2026-01-26): drawn in the host's
 * sandboxed iframe from the tool result the host already holds (its structuredContent, the
 * envelope), at no token cost to the model. A range answer is lines per series over time
 * (uPlot: axes, legend, gaps where there are no samples); an instant answer, bars; a
 * summary, a table; the answer's note, hints and warnings are shown as they are.
 *
 * It speaks the protocol itself (postMessage JSON-RPC: ui/initialize, then
 * ui/notifications/initialized, then the host's tool-result and host-context-changed):
 * a few hundred bytes, where the SDK's App would bring zod into the page (665 KB). The
 * tests drive it from the SDK's own host side, AppBridge, in Chromium.
 */
import uPlot from 'uplot';

const PROTOCOL_VERSION = '2026-01-26';

type Labels = Record<string, string>;
type Value = number | string | null;
interface Envelope {
  status: 'success' | 'error';
  data?: unknown;
  error?: { type: string; message: string };
  truncated?: boolean;
  note?: string;
  hints?: string[];
  warnings?: string[];
  step?: number;
}
interface Series {
  labels: Labels;
  times: number[];
  values: (number | null)[];
}

const root = document.getElementById('app')!;
let nextId = 0;
const pending = new Map<number, (result: unknown) => void>();
let plot: uPlot | undefined;
let last: Envelope | undefined;

function post(message: Record<string, unknown>): void {
  window.parent.postMessage({ jsonrpc: '2.0', ...message }, '*');
}

function request(method: string, params: unknown): Promise<unknown> {
  const id = ++nextId;
  post({ id, method, params });
  return new Promise((resolve) => pending.set(id, resolve));
}

window.addEventListener('message', (event: MessageEvent) => {
  if (event.source !== window.parent) return;
  const m = event.data as { jsonrpc?: string; id?: number; method?: string; params?: any; result?: unknown; error?: unknown };
  if (m?.jsonrpc !== '2.0') return;
  if (m.method === undefined) {
    if (m.id !== undefined && pending.has(m.id)) {
      pending.get(m.id)!(m.result ?? {});
      pending.delete(m.id);
    }
    return;
  }
  switch (m.method) {
    case 'ui/notifications/tool-result':
      show(m.params);
      break;
    case 'ui/notifications/host-context-changed':
      applyContext(m.params);
      break;
    case 'ui/resource-teardown':
      post({ id: m.id, result: {} });
      break;
    default:
      // Requests it does not serve get an error; other notifications (tool input…) need nothing.
      if (m.id !== undefined) post({ id: m.id, error: { code: -32601, message: `Method not found: ${m.method}` } });
  }
});

function applyContext(context: { theme?: string; styles?: { variables?: Record<string, string> } } | undefined): void {
  if (context?.theme === 'dark' || context?.theme === 'light') {
    document.documentElement.dataset.theme = context.theme;
    document.documentElement.style.colorScheme = context.theme;
  }
  for (const [name, value] of Object.entries(context?.styles?.variables ?? {})) {
    if (name.startsWith('--') && typeof value === 'string') document.documentElement.style.setProperty(name, value);
  }
  if (last !== undefined) render(last);
}

function show(result: { structuredContent?: unknown; content?: { type: string; text?: string }[]; isError?: boolean }): void {
  let envelope = result.structuredContent as Envelope | undefined;
  if (envelope?.status === undefined) {
    const text = result.content?.find((c) => c.type === 'text')?.text ?? '';
    envelope = result.isError === true ? { status: 'error', error: { type: 'error', message: text } } : { status: 'success', data: safeParse(text) };
  }
  last = envelope;
  render(envelope);
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className !== undefined) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function render(envelope: Envelope): void {
  plot?.destroy();
  plot = undefined;
  root.replaceChildren();
  root.dataset.drawn = '';
  if (envelope.status === 'error') {
    root.append(el('p', 'error', `${envelope.error?.type ?? 'error'}: ${envelope.error?.message ?? ''}`));
    return done('error', 0);
  }
  const data = envelope.data as Record<string, any> | undefined;
  const notes = el('div', 'notes');
  if (envelope.truncated === true || envelope.note !== undefined) notes.append(el('p', envelope.truncated === true ? 'note cut' : 'note', envelope.note ?? 'Part of the answer was left out.'));
  for (const warning of envelope.warnings ?? []) notes.append(el('p', 'note', `Warning: ${warning}`));
  if ((envelope.hints ?? []).length > 0) {
    const list = el('ul', 'hints');
    for (const hint of envelope.hints!) list.append(el('li', undefined, hint));
    notes.append(list);
  }
  if (data?.format === 'summary') {
    summaryTable(data.series ?? []);
    root.append(notes);
    return done('summary', (data.series ?? []).length);
  }
  if (data?.resultType === 'matrix') {
    const series = matrixSeries(data, envelope.step);
    if (series.length === 0) empty();
    else lines(series, data.step ?? envelope.step);
    root.append(notes);
    return done('lines', series.length);
  }
  if (data?.resultType === 'vector') {
    const points = vectorPoints(data);
    if (points.length === 0) empty();
    else bars(points);
    root.append(notes);
    return done('bars', points.length);
  }
  root.append(el('pre', 'value', JSON.stringify(data?.result ?? data, null, 1)));
  root.append(notes);
  return done('value', 1);
}

function done(kind: string, series: number): void {
  root.dataset.drawn = kind;
  root.dataset.series = String(series);
  const { width, height } = document.documentElement.getBoundingClientRect();
  post({ method: 'ui/notifications/size-changed', params: { width: Math.ceil(width), height: Math.ceil(height) } });
}

function empty(): void {
  root.append(el('p', 'empty', 'No data: the query matched no series.'));
}

function number(value: Value): number | null {
  if (value === null) return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

/** Prometheus' matrix, or its compact form (regular series: start + i × step; others: timestamps). */
function matrixSeries(data: Record<string, any>, step: number | undefined): Series[] {
  if (Array.isArray(data.result)) {
    return data.result.map((s: { metric: Labels; values: [number, string][] }) => ({
      labels: s.metric,
      times: s.values.map(([t]) => t),
      values: s.values.map(([, v]) => number(v)),
    }));
  }
  const every = data.step ?? step ?? 0;
  return (data.series ?? []).map((s: { metric: Labels; start?: number; timestamps?: number[]; values?: Value[] }) => {
    const values = s.values ?? [];
    const times = s.timestamps ?? values.map((_, i) => Math.round(((s.start ?? 0) + i * every) * 1000) / 1000);
    return { labels: s.metric, times, values: values.map(number) };
  });
}

function vectorPoints(data: Record<string, any>): { labels: Labels; value: number | null }[] {
  if (Array.isArray(data.result)) return data.result.map((s: { metric: Labels; value: [number, Value] }) => ({ labels: s.metric, value: number(s.value[1]) }));
  return (data.series ?? []).map((s: { metric: Labels; value: Value }) => ({ labels: s.metric, value: number(s.value) }));
}

/** Each series named by the labels that tell it from the others (all of them when it is alone). */
function names(labelSets: Labels[]): string[] {
  const keys = [...new Set(labelSets.flatMap((l) => Object.keys(l)))].sort();
  const varying = keys.filter((k) => new Set(labelSets.map((l) => l[k] ?? '')).size > 1);
  const shown = varying.length > 0 ? varying : keys;
  return labelSets.map((l) => {
    const parts = shown.filter((k) => l[k] !== undefined).map((k) => `${k}="${l[k]}"`);
    return parts.length === 0 ? '{}' : `{${parts.join(', ')}}`;
  });
}

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

function lines(series: Series[], step: number | undefined): void {
  // One x axis for every series: the union of their times; a series without a sample at a time has a gap there.
  const times = [...new Set(series.flatMap((s) => s.times))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const columns = series.map((s) => {
    const column: (number | null)[] = new Array(times.length).fill(null);
    s.times.forEach((t, i) => (column[index.get(t)!] = s.values[i] ?? null));
    return column;
  });
  const labels = names(series.map((s) => s.labels));
  const dark = document.documentElement.dataset.theme === 'dark';
  const ink = dark ? '#d0d0d0' : '#333';
  const grid = dark ? '#444' : '#e5e5e5';
  const axis = { stroke: ink, grid: { stroke: grid }, ticks: { stroke: grid } };
  const chart = el('div', 'chart');
  root.append(chart);
  if (step !== undefined) root.append(el('p', 'step', `a point every ${step} s`));
  plot = new uPlot(
    {
      width: Math.max(320, root.clientWidth || 640),
      height: 280,
      series: [{}, ...labels.map((label, i) => ({ label, stroke: PALETTE[i % PALETTE.length], width: 1.5, spanGaps: false }))],
      axes: [axis, { ...axis, size: 60 }],
      legend: { live: false },
    },
    [times, ...columns] as uPlot.AlignedData,
    chart,
  );
}

function bars(points: { labels: Labels; value: number | null }[]): void {
  const labels = names(points.map((p) => p.labels));
  const max = Math.max(...points.map((p) => Math.abs(p.value ?? 0)), 0) || 1;
  const table = el('table', 'bars');
  points.forEach((point, i) => {
    const row = el('tr');
    row.append(el('td', 'label', labels[i]));
    const cell = el('td', 'bar');
    const bar = el('div', 'fill');
    bar.style.width = `${(Math.abs(point.value ?? 0) / max) * 100}%`;
    bar.style.background = PALETTE[i % PALETTE.length]!;
    cell.append(bar);
    row.append(cell, el('td', 'value', point.value === null ? '—' : String(point.value)));
    table.append(row);
  });
  root.append(table);
}

function summaryTable(series: { metric: Labels; count: number; min: { value: Value } | null; max: { value: Value } | null; last: { value: Value } | null; avg: Value }[]): void {
  const labels = names(series.map((s) => s.metric));
  const table = el('table', 'summary');
  const head = el('tr');
  for (const h of ['series', 'min', 'avg', 'max', 'last', 'points']) head.append(el('th', undefined, h));
  table.append(head);
  series.forEach((s, i) => {
    const row = el('tr');
    const cell = (v: Value | undefined) => el('td', 'value', v === null || v === undefined ? '—' : String(v));
    row.append(el('td', 'label', labels[i]), cell(s.min?.value), cell(s.avg), cell(s.max?.value), cell(s.last?.value), cell(s.count));
    table.append(row);
  });
  root.append(table);
}

void request('ui/initialize', { protocolVersion: PROTOCOL_VERSION, appInfo: { name: 'prometheus-query-view', version: '1.0.0' }, appCapabilities: {} }).then((result) => {
  applyContext((result as { hostContext?: Parameters<typeof applyContext>[0] }).hostContext);
  post({ method: 'ui/notifications/initialized', params: {} });
});
