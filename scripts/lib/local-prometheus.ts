import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port';
import { FIXTURE, toExposition, toOpenMetrics, type FixtureFamily } from '../../tests/fixtures/dataset';
import { RULE_FILES, RULE_METRICS, toRuleFile } from '../../tests/fixtures/rules';

/**
 * A real Prometheus (Debian's `prometheus` package) on 127.0.0.1, loaded with the
 * fixture: backfilled with promtool for the exact values, scraping a small live target
 * so that the metadata API has the fixture's types and help texts, and evaluating the
 * fixture's recording and alerting rules every second. The binaries and the families can
 * be others (the Prometheus 3 standing in for CloudWatch PromQL: backfilled data only).
 */

const run = promisify(execFile);

export interface LocalPrometheus {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  /** The version Prometheus reports, e.g. 2.42.0+ds */
  version: string;
  stop(): Promise<void>;
}

export interface LocalPrometheusOptions {
  families?: FixtureFamily[];
  prometheusBin?: string;
  promtoolBin?: string;
  /** The families as OpenMetrics for the backfill: the fixture's writer by default (Prometheus 2's names only). */
  openMetrics?: (families: FixtureFamily[]) => string;
  /**
   * The backfilled data only: no live target (so no metadata) and none of the fixture's
   * rules, which need its families. For a Prometheus standing in for a store that serves
   * neither (CloudWatch PromQL); it is ready as soon as it has loaded the blocks.
   */
  backfillOnly?: boolean;
  /** More command-line flags, e.g. a Prometheus 3 feature. */
  flags?: string[];
  /** An Alertmanager (http://host:port) the fixture's alerting rules send their alerts to. */
  alertmanagerUrl?: string;
}

export async function startLocalPrometheus(options: LocalPrometheusOptions = {}): Promise<LocalPrometheus> {
  const families = options.families ?? FIXTURE;
  const prometheusBin = options.prometheusBin ?? process.env.PROMETHEUS_BIN ?? 'prometheus';
  const promtoolBin = options.promtoolBin ?? process.env.PROMTOOL_BIN ?? 'promtool';
  const dir = await mkdtemp(path.join(tmpdir(), 'local-prometheus-'));
  const dataDir = path.join(dir, 'data');

  await writeFile(path.join(dir, 'fixture.om'), (options.openMetrics ?? toOpenMetrics)(families));
  await backfill(promtoolBin, path.join(dir, 'fixture.om'), dataDir);

  const target = options.backfillOnly === true ? undefined : await startTarget(families);
  const config = ['global:', '  scrape_interval: 1s', '  evaluation_interval: 1s'];
  if (target === undefined) config.push('scrape_configs: []');
  else {
    for (const file of RULE_FILES) await writeFile(path.join(dir, file.file), toRuleFile(file));
    if (options.alertmanagerUrl !== undefined) {
      config.push('alerting:', '  alertmanagers:', '    - static_configs:', `        - targets: ['${new URL(options.alertmanagerUrl).host}']`);
    }
    config.push(
      'rule_files:',
      ...RULE_FILES.map((f) => `  - ${f.file}`),
      'scrape_configs:',
      '  - job_name: fixture',
      '    static_configs:',
      `      - targets: ['127.0.0.1:${(target.address() as { port: number }).port}']`,
    );
  }
  await writeFile(path.join(dir, 'prometheus.yml'), [...config, ''].join('\n'));

  const { child, url, log } = await spawnPrometheus(prometheusBin, dir, dataDir, [
    ...(options.flags ?? []),
    // Its first notification goes before it has found the Alertmanager, and is dropped: resend each second, not each minute.
    ...(options.alertmanagerUrl === undefined ? [] : ['--rules.alert.resend-delay=1s']),
  ]);
  const stop = async () => {
    await stopProcess(child);
    if (target !== undefined) await new Promise<void>((resolve) => target.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(child, async () => (await get(`${url}/-/ready`)).status === 200, log);
    if (target !== undefined) await waitForLiveData(child, url, log);
    const info = JSON.parse((await get(`${url}/api/v1/status/buildinfo`)).body) as { data: { version: string } };
    return { url, version: info.data.version, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The live target Prometheus scrapes, serving the families (a bench's large ones left out). */
async function startTarget(families: FixtureFamily[]): Promise<http.Server> {
  const exposition = toExposition(families.filter((f) => f.series.length <= 100));
  const target = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(exposition);
  });
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  return target;
}

/** The first scrape (for the metadata) and every rule evaluated once, after it: the alerts active, the rules' series written. */
async function waitForLiveData(child: ChildProcess, url: string, log: () => string): Promise<void> {
  await waitFor(
    child,
    async () => {
      const res = await get(`${url}/api/v1/metadata?metric=up`);
      return res.status === 200 && JSON.parse(res.body).data.up !== undefined;
    },
    log,
  );
  await waitFor(
    child,
    async () => {
      const rules = JSON.parse((await get(`${url}/api/v1/rules`)).body) as { data: { groups: { rules: { health: string }[] }[] } };
      const names = JSON.parse((await get(`${url}/api/v1/label/__name__/values`)).body) as { data: string[] };
      return (
        rules.data.groups.length === RULE_FILES.flatMap((f) => f.groups).length &&
        rules.data.groups.every((g) => g.rules.every((r) => r.health !== 'unknown')) &&
        RULE_METRICS.every((name) => names.data.includes(name))
      );
    },
    log,
  );
}

/** Writes the OpenMetrics file's samples into blocks in `dataDir` with promtool, then removes the file; answers the seconds it took. */
export async function backfill(promtoolBin: string, openMetrics: string, dataDir: string): Promise<number> {
  const started = performance.now();
  await run(promtoolBin, ['tsdb', 'create-blocks-from', 'openmetrics', openMetrics, dataDir], { maxBuffer: 64 * 1024 * 1024 });
  await rm(openMetrics);
  return (performance.now() - started) / 1000;
}

/**
 * Prometheus on a free loopback port, run in `dir` (its prometheus.yml, and rule files named
 * as written there) over `dataDir`, kept whatever the data's age; `log`: the end of its stderr.
 */
export async function spawnPrometheus(bin: string, dir: string, dataDir: string, flags: readonly string[] = []): Promise<{ child: ChildProcess; url: string; log: () => string }> {
  const port = await freePort();
  const child = spawn(
    bin,
    [
      // Relative to the working directory, so the rules API names each file as written (as AMP names a namespace).
      '--config.file=prometheus.yml',
      `--storage.tsdb.path=${dataDir}`,
      // The fixture lies in 2023: keep it, whatever today's date.
      '--storage.tsdb.retention.time=100y',
      `--web.listen-address=127.0.0.1:${port}`,
      ...flags,
    ],
    { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  return { child, url: `http://127.0.0.1:${port}`, log: () => stderr };
}

/** Waits until `ready` holds, failing when the process exits or after 30 s (with its log). */
export async function waitFor(child: ChildProcess, ready: () => Promise<boolean>, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}:\n${log()}`);
    try {
      if (await ready()) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`prometheus was not ready within 30 s:\n${log()}`);
}

export function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
