/**
 * A real Prometheus on 127.0.0.1 holding the workspace-shaped dataset
 * (scripts/lib/workspace-dataset.ts) in place of the fixture: the data backfilled with
 * promtool, a live target exposing one sample of every family so that the metadata API
 * has their types and help texts, and the fixture's rules evaluated every second (the
 * alert tasks read them). As scripts/lib/local-prometheus.ts does for the fixture, whose
 * options take only linear fixture families over four hours.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { backfill, get, spawnPrometheus, stopProcess, waitFor, type LocalPrometheus } from './local-prometheus';
import { generateWorkspace, metadataExposition, workspaceShape, writeOpenMetrics, type Workspace, type WorkspaceShape } from './workspace-dataset';
import { RULE_FILES, RULE_METRICS, toRuleFile } from '../../tests/fixtures/rules';

export interface WorkspacePrometheus extends LocalPrometheus {
  workspace: Workspace;
  shape: WorkspaceShape;
  /** Wall-clock seconds: generating and writing the data, promtool's backfill, Prometheus ready with metadata and rules. */
  seconds: { generate: number; backfill: number; start: number };
}

export async function startWorkspacePrometheus(seed?: number): Promise<WorkspacePrometheus> {
  const prometheusBin = process.env.PROMETHEUS_BIN ?? 'prometheus';
  const promtoolBin = process.env.PROMTOOL_BIN ?? 'promtool';
  const dir = await mkdtemp(path.join(tmpdir(), 'workspace-prometheus-'));
  const dataDir = path.join(dir, 'data');
  const openMetrics = path.join(dir, 'workspace.om');

  let started = performance.now();
  const workspace = generateWorkspace(seed);
  writeOpenMetrics(workspace, openMetrics);
  const generate = (performance.now() - started) / 1000;

  const backfilled = await backfill(promtoolBin, openMetrics, dataDir);

  started = performance.now();
  const exposition = metadataExposition(workspace);
  const target = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(exposition);
  });
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  const targetPort = (target.address() as { port: number }).port;

  for (const file of RULE_FILES) await writeFile(path.join(dir, file.file), toRuleFile(file));
  await writeFile(
    path.join(dir, 'prometheus.yml'),
    [
      'global:',
      '  scrape_interval: 1s',
      '  evaluation_interval: 1s',
      'rule_files:',
      ...RULE_FILES.map((f) => `  - ${f.file}`),
      'scrape_configs:',
      '  - job_name: fixture',
      '    static_configs:',
      `      - targets: ['127.0.0.1:${targetPort}']`,
      '',
    ].join('\n'),
  );

  const { child, url, log } = await spawnPrometheus(prometheusBin, dir, dataDir);
  const stop = async () => {
    await stopProcess(child);
    await new Promise<void>((resolve) => target.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(child, async () => (await get(`${url}/-/ready`)).status === 200, log);
    await waitFor(
      child,
      async () => {
        const metadata = JSON.parse((await get(`${url}/api/v1/metadata`)).body) as { data: Record<string, unknown> };
        const rules = JSON.parse((await get(`${url}/api/v1/rules`)).body) as { data: { groups: { rules: { health: string }[] }[] } };
        const names = JSON.parse((await get(`${url}/api/v1/label/__name__/values`)).body) as { data: string[] };
        return (
          Object.keys(metadata.data).length >= workspace.families.length - 5 &&
          rules.data.groups.length === RULE_FILES.flatMap((f) => f.groups).length &&
          rules.data.groups.every((g) => g.rules.every((r) => r.health !== 'unknown')) &&
          RULE_METRICS.every((name) => names.data.includes(name))
        );
      },
      log,
    );
    const info = JSON.parse((await get(`${url}/api/v1/status/buildinfo`)).body) as { data: { version: string } };
    return {
      url,
      version: info.data.version,
      stop,
      workspace,
      shape: workspaceShape(workspace),
      seconds: { generate, backfill: backfilled, start: (performance.now() - started) / 1000 },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
