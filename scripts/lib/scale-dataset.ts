/**
 * Workspace-scale data: N series shaped like a large AMP workspace behind a Kubernetes
 * fleet, for the scale benchmark and its test (npm run bench -- --scale). Nearly all the
 * series are one metric, as in real workspaces where one histogram or counter dominates:
 *
 * - `http_requests_total{job="api", service, pod, handler, method, code}`: 48 series per pod
 *   (8 handlers × 2 methods × 3 codes), 0.96 N in all;
 * - `kube_pod_info{namespace, pod, node}`: one series per pod, N / 50 (20,000 at a million):
 *   the "20k-series metric", and `pod` the "20k-value label";
 * - `container_memory_working_set_bytes{namespace, pod, container}`: one per pod;
 * - node_exporter-like gauges on 40 hosts, 200 names: 8,000 series, whatever N.
 *
 * A sample every 5 minutes, 11 points ending at `end`, written as OpenMetrics a series at a
 * time and backfilled with promtool: the benchmark puts the end 40 minutes after it starts,
 * so that every default call (now, the last hour) finds data throughout the run. The
 * counters rise at a steady rate, so `rate(...[10m])` is the same at every step.
 */
import { createWriteStream } from 'node:fs';

export const SCALE_INTERVAL = 300;
export const SCALE_POINTS = 11;
export const SERIES_PER_POD = 48;
const SERVICES = 50;
const HANDLERS = ['/api/orders', '/api/users', '/api/cart', '/api/search', '/api/login', '/api/items', '/healthz', '/metrics'];
const METHODS = ['GET', 'POST'];
const CODES = ['200', '404', '500'];
const HOSTS = 40;
const NODE_METRICS = 200;

export interface ScaleShape {
  /** Series in all. */
  series: number;
  pods: number;
  /** http_requests_total's series. */
  bigMetricSeries: number;
  metricNames: number;
  samples: number;
}

/** The pods of a dataset of about `series` series. */
export function podsFor(series: number): number {
  return Math.max(1, Math.round(series / 50));
}

export function scaleShape(target: number): ScaleShape {
  const pods = podsFor(target);
  const series = pods * (SERIES_PER_POD + 2) + HOSTS * NODE_METRICS;
  return { series, pods, bigMetricSeries: pods * SERIES_PER_POD, metricNames: 3 + NODE_METRICS, samples: series * SCALE_POINTS };
}

const podName = (p: number) => `svc-${String(p % SERVICES).padStart(2, '0')}-${(p * 2654435761) % 4294967296}`;
const service = (p: number) => `svc-${String(p % SERVICES).padStart(2, '0')}`;

/** Writes the dataset for `target` series ending at `end` (Unix seconds) to `file` as OpenMetrics. */
export async function writeScaleOpenMetrics(target: number, end: number, file: string): Promise<ScaleShape> {
  const shape = scaleShape(target);
  const times = Array.from({ length: SCALE_POINTS }, (_, k) => end - (SCALE_POINTS - 1 - k) * SCALE_INTERVAL);
  const out = createWriteStream(file, { highWaterMark: 1 << 22 });
  let buffer: string[] = [];
  let size = 0;
  const write = async (line: string) => {
    buffer.push(line);
    size += line.length;
    if (size < 1 << 22) return;
    const chunk = buffer.join('');
    buffer = [];
    size = 0;
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  };
  const series = async (name: string, labels: string, value: (k: number) => number) => {
    for (let k = 0; k < SCALE_POINTS; k++) await write(`${name}{${labels}} ${value(k)} ${times[k]}\n`);
  };

  await write('# TYPE http_requests counter\n# HELP http_requests Requests served, by handler, method and code.\n');
  for (let p = 0; p < shape.pods; p++) {
    const pod = `job="api",service="${service(p)}",pod="${podName(p)}"`;
    let i = 0;
    for (const handler of HANDLERS) {
      for (const method of METHODS) {
        for (const code of CODES) {
          const rate = code === '200' ? 60 : code === '404' ? 6 : 1;
          const base = (p * 31 + i++) % 1000;
          await series('http_requests_total', `${pod},handler="${handler}",method="${method}",code="${code}"`, (k) => base + rate * k);
        }
      }
    }
  }
  await write('# TYPE kube_pod_info gauge\n# HELP kube_pod_info Information about pod.\n');
  for (let p = 0; p < shape.pods; p++) {
    await series('kube_pod_info', `namespace="${service(p)}",pod="${podName(p)}",node="node-${p % HOSTS}"`, () => 1);
  }
  await write('# TYPE container_memory_working_set_bytes gauge\n# HELP container_memory_working_set_bytes Current working set in bytes.\n');
  for (let p = 0; p < shape.pods; p++) {
    await series('container_memory_working_set_bytes', `namespace="${service(p)}",pod="${podName(p)}",container="app"`, (k) => 100_000_000 + ((p * 7919) % 50_000_000) + k * 1000);
  }
  for (let m = 0; m < NODE_METRICS; m++) {
    const name = `node_metric_${String(m).padStart(3, '0')}`;
    await write(`# TYPE ${name} gauge\n# HELP ${name} A node gauge.\n`);
    for (let h = 0; h < HOSTS; h++) await series(name, `job="node",instance="host-${h}:9100"`, (k) => (m * 13 + h * 7 + k) % 100);
  }
  await write('# EOF\n');
  out.end(buffer.join(''));
  await new Promise<void>((resolve, reject) => out.on('finish', () => resolve()).on('error', reject));
  return shape;
}
