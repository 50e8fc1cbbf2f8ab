/**
 * A real Prometheus on 127.0.0.1 holding the workspace-scale dataset
 * (scripts/lib/scale-dataset.ts) of about `series` series, from 10 minutes before it starts
 * to 40 after, so that the tools' defaults (now, the last hour) read it for the whole run:
 * generated, backfilled with promtool, and loaded; no scrape target and no rules.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { backfill, get, spawnPrometheus, stopProcess, waitFor, type LocalPrometheus } from './local-prometheus';
import { writeScaleOpenMetrics, type ScaleShape } from './scale-dataset';

export interface ScalePrometheus extends LocalPrometheus {
  shape: ScaleShape;
  /** The time of the last sample (Unix seconds), 40 minutes after the start. */
  end: number;
  /** Wall-clock seconds: writing the data, promtool's backfill, Prometheus ready. */
  seconds: { generate: number; backfill: number; start: number };
  /** Prometheus' process id, to read its memory. */
  pid: number;
}

export async function startScalePrometheus(series: number, options: { prometheusBin?: string; promtoolBin?: string } = {}): Promise<ScalePrometheus> {
  const prometheusBin = options.prometheusBin ?? process.env.PROMETHEUS_BIN ?? 'prometheus';
  const promtoolBin = options.promtoolBin ?? process.env.PROMTOOL_BIN ?? 'promtool';
  const dir = await mkdtemp(path.join(tmpdir(), 'scale-prometheus-'));
  const dataDir = path.join(dir, 'data');
  const openMetrics = path.join(dir, 'scale.om');
  const end = Math.floor(Date.now() / 60_000) * 60 + 40 * 60;

  let started = performance.now();
  const shape = await writeScaleOpenMetrics(series, end, openMetrics);
  const generate = (performance.now() - started) / 1000;

  const backfilled = await backfill(promtoolBin, openMetrics, dataDir);

  started = performance.now();
  await writeFile(path.join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1m\n');
  const { child, url, log } = await spawnPrometheus(prometheusBin, dir, dataDir);
  const stop = async () => {
    await stopProcess(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(child, async () => (await get(`${url}/-/ready`)).status === 200, log);
    await waitFor(
      child,
      async () => (JSON.parse((await get(`${url}/api/v1/query?query=count(kube_pod_info)&time=${end}`)).body) as { data: { result: { value: [number, string] }[] } }).data.result[0]?.value[1] === String(shape.pods),
      log,
    );
    const info = JSON.parse((await get(`${url}/api/v1/status/buildinfo`)).body) as { data: { version: string } };
    return { url, version: info.data.version, stop, shape, end, pid: child.pid!, seconds: { generate, backfill: backfilled, start: (performance.now() - started) / 1000 } };
  } catch (error) {
    await stop();
    throw error;
  }
}
