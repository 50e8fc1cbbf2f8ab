/**
 * npm run bench -- --scale: the calls an agent makes first (scripts/lib/scale-calls.ts) on
 * workspace-scale data of 10,000, 100,000 and 1,000,000 series, each run as Lambda runs it.
 * For each call and size: wall time, Prometheus' share and the function's own, peak memory
 * against the function's MemorySize, bytes read from Prometheus, answer tokens, samples
 * processed. Writes the section of docs/benchmarks.md between its markers, and the chart
 * docs/benchmark-scale.svg (wall time per call against series, log-log).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startScalePrometheus, type ScalePrometheus } from './scale-prometheus';
import { SCALE_CALLS, measureCall, measureMcpServer, type CallMeasure } from './scale-calls';

const ROOT = path.join(__dirname, '..', '..');
export const SCALE_BEGIN = '<!-- scale: npm run bench -- --scale -->';
export const SCALE_END = '<!-- /scale -->';
const SIZES = [10_000, 100_000, 1_000_000];

interface SizeRun {
  target: number;
  prometheus: Pick<ScalePrometheus, 'shape' | 'seconds' | 'version'>;
  calls: CallMeasure[];
  /** The local MCP server's peak memory over the broad calls. */
  mcpPeakMb: number;
}

export async function runScaleBenchmark(log: (line: string) => void, revision: string): Promise<string> {
  const runs: SizeRun[] = [];
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'bench-scale-'));
  try {
    for (const target of SIZES) {
      log(`Scale: generating and backfilling about ${target.toLocaleString('en-US')} series…`);
      const prometheus = await startScalePrometheus(target);
      try {
        const calls: CallMeasure[] = [];
        for (const call of SCALE_CALLS) {
          const measured = await measureCall(call, prometheus.url, prometheus.end, scratch);
          log(`  ${call.name}: ${Math.round(measured.wallMs)} ms, ${measured.status}`);
          calls.push(measured);
        }
        const mcp = await measureMcpServer(SCALE_CALLS.filter((call) => call.broad), prometheus.url, prometheus.end);
        log(`  the local MCP server, every broad call: peak ${Math.round(mcp.peakMb)} MB`);
        runs.push({ target, prometheus: { shape: prometheus.shape, seconds: prometheus.seconds, version: prometheus.version }, calls, mcpPeakMb: mcp.peakMb });
      } finally {
        await prometheus.stop();
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  writeFileSync(path.join(ROOT, 'docs', 'benchmark-scale.svg'), chart(runs));
  const section = render(runs, revision);
  writeSection(section);
  return section;
}

/** Replaces the scale section of docs/benchmarks.md (or appends it). */
function writeSection(section: string): void {
  const file = path.join(ROOT, 'docs', 'benchmarks.md');
  const text = readFileSync(file, 'utf8');
  const [before, rest] = text.includes(SCALE_BEGIN) ? text.split(SCALE_BEGIN) : [`${text.trimEnd()}\n\n`, SCALE_END];
  const after = rest!.includes(SCALE_END) ? rest!.split(SCALE_END)[1]! : '\n';
  writeFileSync(file, `${before}${SCALE_BEGIN}\n${section}${SCALE_END}${after}`);
}

/** The scale section of an existing docs/benchmarks.md, markers included, for a full run to keep. */
export function scaleSection(text: string): string | undefined {
  const start = text.indexOf(SCALE_BEGIN);
  const end = text.indexOf(SCALE_END);
  return start === -1 || end === -1 ? undefined : text.slice(start, end + SCALE_END.length);
}

const ms = (v: number) => (v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v).toLocaleString('en-US')} ms`);
const kb = (v: number) => (v >= 1e6 ? `${(v / 1e6).toFixed(1)} MB` : `${Math.ceil(v / 1000).toLocaleString('en-US')} KB`);

function render(runs: SizeRun[], revision: string): string {
  const lines = [
    '## Workspace scale: 10,000 to 1,000,000 series',
    '',
    `Measured by \`npm run bench -- --scale\` on ${new Date().toISOString().slice(0, 10)} (code at ${revision}), ${os.cpus().length} cores, ` +
      `Prometheus ${runs[0]?.prometheus.version ?? '?'} (Debian's). Workspace-shaped data (scripts/lib/scale-dataset.ts): one counter holds 96% ` +
      'of the series (48 per pod: handler × method × code), `kube_pod_info` one per pod (a fiftieth of the series: 20,000 at a million), ' +
      'node gauges on 40 hosts; 11 samples 5 minutes apart around "now". Each call runs its function\'s built bundle in a fresh Node ' +
      'process held to its MemorySize, as a tool call (the answer sized for a model: 20,000 tokens), through a proxy that times ' +
      "Prometheus. *ours* is the invocation less Prometheus' time; *peak* the process' RSS against MemorySize; *upstream* the bytes on the " +
      'wire (gzip); *tokens* the answer in o200k_base; *samples* what the answer states it processed (AMP bills queries by it).',
    '',
    '![Wall time of each call against the series in the workspace](benchmark-scale.svg)',
    '',
    '| data | series | backfill | Prometheus ready |',
    '|---|---|---|---|',
    ...runs.map(
      (r) =>
        `| ${r.target.toLocaleString('en-US')} | ${r.prometheus.shape.series.toLocaleString('en-US')} (${r.prometheus.shape.samples.toLocaleString('en-US')} samples) | ` +
        `${r.prometheus.seconds.generate.toFixed(1)} s to write, ${r.prometheus.seconds.backfill.toFixed(1)} s promtool | ${r.prometheus.seconds.start.toFixed(1)} s |`,
    ),
    '',
  ];
  for (const r of runs) {
    lines.push(
      `### ${r.prometheus.shape.series.toLocaleString('en-US')} series`,
      '',
      `The local MCP server (stdio, holding what a 1,024 MB function would) answered every broad call with a peak of ${Math.round(r.mcpPeakMb)} MB (bound: 512 MB).`,
      '',
      '| call | answer | wall | Prometheus | ours | peak / memory | upstream | tokens | samples |',
      '|---|---|---|---|---|---|---|---|---|',
      ...r.calls.map((c) => {
        const answer = c.status === 'success' ? (c.truncated ? 'cut, said' : 'whole') : `error: ${(c.error ?? '').slice(0, 80)}`;
        const bound = c.wallMs <= (c.timeoutS * 1000) / 2 ? '' : ` (over ${c.timeoutS / 2} s)`;
        return (
          `| ${c.name} | ${answer} | ${ms(c.wallMs)}${bound} | ${ms(c.prometheusMs)} | ${ms(c.oursMs)} | ` +
          `${Math.round(c.peakMb)} / ${c.memoryMb} MB (${Math.round((100 * c.peakMb) / c.memoryMb)}%) | ${kb(c.upstreamBytes)} | ` +
          `${c.answerTokens.toLocaleString('en-US')} | ${c.samplesProcessed === undefined ? '—' : c.samplesProcessed.toLocaleString('en-US')} |`
        );
      }),
      '',
    );
  }
  const largest = runs[runs.length - 1];
  if (largest !== undefined) {
    const notes = largest.calls.filter((c) => c.note !== undefined).map((c) => `- ${c.name}: ${c.note}`);
    if (notes.length > 0) lines.push(`What the answers at ${largest.prometheus.shape.series.toLocaleString('en-US')} series said:`, '', ...notes, '');
  }
  return `${lines.join('\n')}\n`;
}

/** Wall time per call against series, log-log, as an SVG line chart. */
function chart(runs: SizeRun[]): string {
  const [w, h, left, right, top, bottom] = [940, 420, 70, 340, 20, 50];
  const xs = runs.map((r) => Math.log10(r.prometheus.shape.series));
  const all = runs.flatMap((r) => r.calls.map((c) => Math.max(10, c.wallMs)));
  const [yMin, yMax] = [Math.floor(Math.log10(Math.min(...all))), Math.ceil(Math.log10(Math.max(...all)))];
  const [xMin, xMax] = [Math.min(...xs), Math.max(...xs)];
  const x = (v: number) => left + ((v - xMin) / Math.max(1e-9, xMax - xMin)) * (w - left - right);
  const y = (v: number) => top + (1 - (Math.log10(Math.max(10, v)) - yMin) / Math.max(1e-9, yMax - yMin)) * (h - top - bottom);
  const colors = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf', '#393b79', '#637939'];
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="11">`,
    `<rect width="${w}" height="${h}" fill="white"/>`,
  ];
  for (let e = yMin; e <= yMax; e++) {
    const label = 10 ** e >= 1000 ? `${10 ** e / 1000} s` : `${10 ** e} ms`;
    parts.push(`<line x1="${left}" x2="${w - right}" y1="${y(10 ** e)}" y2="${y(10 ** e)}" stroke="#ddd"/>`, `<text x="${left - 6}" y="${y(10 ** e) + 4}" text-anchor="end">${label}</text>`);
  }
  runs.forEach((r, i) => parts.push(`<text x="${x(xs[i]!)}" y="${h - bottom + 18}" text-anchor="middle">${r.prometheus.shape.series.toLocaleString('en-US')}</text>`));
  parts.push(`<text x="${(left + w - right) / 2}" y="${h - 10}" text-anchor="middle">series in the workspace</text>`);
  SCALE_CALLS.forEach((call, i) => {
    const color = colors[i % colors.length]!;
    const points = runs.map((r, j) => [x(xs[j]!), y(r.calls[i]!.wallMs)] as const);
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(' ')}"/>`);
    for (const [a, b] of points) parts.push(`<circle cx="${a.toFixed(1)}" cy="${b.toFixed(1)}" r="3" fill="${color}"/>`);
    parts.push(`<rect x="${w - right + 12}" y="${top + i * 18}" width="10" height="10" fill="${color}"/>`, `<text x="${w - right + 26}" y="${top + i * 18 + 9}">${call.name}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
