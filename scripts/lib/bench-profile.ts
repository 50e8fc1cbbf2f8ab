/**
 * Where a cold start goes: each function rebuilt with the settings `sam build` uses
 * (scripts/build-function.mjs) plus a source map, loaded and called in fresh
 * processes under V8's sampling profiler (bench-cold.js --profile), and every sample's
 * function traced back through the source map to the package it came from.
 */
import { readFileSync } from 'node:fs';
import { build, type BuildOptions } from 'esbuild';

/** The esbuild settings with which `sam build` bundles each function (scripts/build-function.mjs), mainFields apart: section 4 tries it. */
export const SAM_ESBUILD: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node24',
  minify: true,
  external: ['@aws-sdk/client-amp', '@aws-sdk/credential-provider-node'],
  logLevel: 'warning',
};

/** Bundles `entry` to `outfile` with SAM's settings and `extra`; returns the bundle's bytes. */
export async function bundle(entry: string, outfile: string, extra: BuildOptions = {}): Promise<number> {
  const result = await build({ ...SAM_ESBUILD, ...extra, entryPoints: [entry], outfile, metafile: true });
  const output = Object.entries(result.metafile.outputs).find(([file]) => file.endsWith('.js'));
  return output?.[1].bytes ?? 0;
}

interface CpuNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
  positionTicks?: { line: number; ticks: number }[];
}

interface CpuProfile {
  nodes: CpuNode[];
  samples: number[];
  timeDeltas: number[];
}

const WRAPPERS = "(esbuild's module wrappers)";

/**
 * Milliseconds per part in one CPU profile of a bundle built with a source map (and
 * line breaks, so that V8's per-line ticks point at one statement each).
 */
export function attribute(profileFile: string, bundleFile: string, map: SourceMap): Map<string, number> {
  const profile = JSON.parse(readFileSync(profileFile, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  // A sample's time is the delta to the next sample.
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
  }
  const subtree = new Map<number, number>();
  const total = (id: number): number => {
    let t = subtree.get(id);
    if (t === undefined) {
      t = (self.get(id) ?? 0) + (nodes.get(id)!.children ?? []).reduce((sum, c) => sum + total(c), 0);
      subtree.set(id, t);
    }
    return t;
  };
  // esbuild's wrappers call each module's body: the time they spend themselves is
  // mostly V8 compiling that body lazily, so it goes to the heaviest module they call.
  const calleePart = (node: CpuNode): string => {
    const children = (node.children ?? []).map((c) => nodes.get(c)!).filter((c) => c.callFrame.url.endsWith(bundleFile));
    if (children.length === 0) return WRAPPERS;
    const heaviest = children.reduce((a, b) => (total(b.id) > total(a.id) ? b : a));
    const part = map.partAt(heaviest.callFrame.lineNumber, heaviest.callFrame.columnNumber);
    return part === WRAPPERS ? calleePart(heaviest) : part;
  };

  const totals = new Map<string, number>();
  const add = (part: string, value: number) => totals.set(part, (totals.get(part) ?? 0) + value);
  for (const node of profile.nodes) {
    const ms = self.get(node.id) ?? 0;
    if (ms === 0) continue;
    const { url, functionName, lineNumber, columnNumber } = node.callFrame;
    if (url.endsWith(bundleFile)) {
      const own = map.partAt(lineNumber, columnNumber);
      const ticks = node.positionTicks ?? [];
      const all = ticks.reduce((sum, t) => sum + t.ticks, 0);
      if (all === 0) {
        add(own === WRAPPERS ? calleePart(node) : own, ms);
        continue;
      }
      for (const t of ticks) {
        const part = map.partOfLine(t.line - 1) ?? own;
        add(part === WRAPPERS ? calleePart(node) : part, (ms * t.ticks) / all);
      }
    } else if (functionName === 'internalCompileFunction' || functionName === 'compileFunction') {
      add("V8: parsing and compiling the bundle's top level", ms);
    } else if (functionName === '(garbage collector)') {
      add('V8: garbage collection', ms);
    } else if (functionName === '(program)') {
      add('V8: other work outside JavaScript', ms);
    } else if (functionName === '(idle)' || functionName === '(root)') {
      continue;
    } else if (url === '') {
      // Native functions and eval'd code: writes to stdout (logs, EMF) and sockets, JSON, TypeBox's generated validators.
      add(functionName.startsWith('write') ? 'native: writing to stdout (logs, EMF) and sockets' : "native and eval'd code (JSON, timers, TypeBox's generated validators…)", ms);
    } else if (url.startsWith('node:')) {
      add('Node.js built-ins (loading http, crypto…; sockets, streams)', ms);
    } else {
      add('(the benchmark harness)', ms);
    }
  }
  return totals;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The parts of a source map a profile needs: generated position → package or folder of ours. */
export class SourceMap {
  private readonly lines: { column: number; source: number }[][] = [];
  private readonly parts: string[];

  constructor(mapFile: string) {
    const map = JSON.parse(readFileSync(mapFile, 'utf8')) as { sources: string[]; mappings: string };
    this.parts = map.sources.map(partOfSource);
    let source = 0;
    for (const line of map.mappings.split(';')) {
      const segments: { column: number; source: number }[] = [];
      let column = 0;
      for (const segment of line === '' ? [] : line.split(',')) {
        const fields = decodeVlq(segment);
        column += fields[0]!;
        if (fields.length > 1) {
          source += fields[1]!;
          segments.push({ column, source });
        }
      }
      this.lines.push(segments);
    }
  }

  /** The package (or folder of this project) of the code at a 0-based line and column. */
  partAt(line: number, column: number): string {
    const segments = this.lines[line] ?? [];
    let lo = 0;
    let hi = segments.length - 1;
    let found: number | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (segments[mid]!.column <= column) {
        found = segments[mid]!.source;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found === undefined ? WRAPPERS : this.parts[found]!;
  }

  /** The part of the first code on a 0-based line; undefined for a line without any. */
  partOfLine(line: number): string | undefined {
    const first = this.lines[line]?.[0];
    return first === undefined ? undefined : this.parts[first.source];
  }
}

function partOfSource(source: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source);
  if (pkg !== null) return pkg[1]!;
  const ours = /(?:^|\/)(src\/[^/]+)\//.exec(source);
  return ours === null ? source : `${ours[1]!} (this project)`;
}

function decodeVlq(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = BASE64.indexOf(char);
    value += (digit & 31) << shift;
    if ((digit & 32) !== 0) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}
