import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './free-port';
import { get, stopProcess, waitFor } from './local-prometheus';
import { ALERTMANAGER_CONFIG, END, PUSHED_ALERTS, SILENCE, START } from '../../tests/fixtures/alertmanager';

/**
 * A real Alertmanager (Debian's `prometheus-alertmanager`, v2 API) on 127.0.0.1, alone
 * (no cluster), with the fixture's configuration; `seed` posts the fixture's alerts and
 * silence, as another Prometheus and an operator would.
 */
export interface LocalAlertmanager {
  url: string;
  /** The fixture silence's ID, once seeded. */
  silenceId?: string;
  seed(): Promise<void>;
  stop(): Promise<void>;
}

export async function startLocalAlertmanager(bin = process.env.ALERTMANAGER_BIN ?? 'prometheus-alertmanager'): Promise<LocalAlertmanager> {
  const dir = await mkdtemp(path.join(tmpdir(), 'local-alertmanager-'));
  await writeFile(path.join(dir, 'alertmanager.yml'), ALERTMANAGER_CONFIG);
  const port = await freePort();
  const child = spawn(
    bin,
    [
      '--config.file=alertmanager.yml',
      `--storage.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // Alone: an empty address turns the gossip cluster off.
      '--cluster.listen-address=',
    ],
    { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const am: LocalAlertmanager = {
    url,
    async seed() {
      const alerts = PUSHED_ALERTS.map((a) => ({ ...a, startsAt: START, endsAt: END, generatorURL: 'http://other-prometheus.example/graph' }));
      const posted = await post(`${url}/api/v2/alerts`, alerts);
      if (posted.status !== 200) throw new Error(`the Alertmanager refused the fixture's alerts: ${posted.status} ${posted.body}`);
      const silenced = await post(`${url}/api/v2/silences`, SILENCE);
      if (silenced.status !== 200) throw new Error(`the Alertmanager refused the fixture's silence: ${silenced.status} ${silenced.body}`);
      am.silenceId = (JSON.parse(silenced.body) as { silenceID: string }).silenceID;
    },
    async stop() {
      await stopProcess(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    await waitFor(child, async () => (await get(`${url}/-/ready`)).status === 200, () => stderr);
  } catch (error) {
    await am.stop();
    throw error;
  }
  return am;
}

async function post(url: string, body: unknown): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.text() };
}

/** Waits until the Alertmanager holds an alert of this name (Prometheus sends its first ones within seconds of finding it). */
export async function waitForAlert(url: string, name: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const alerts = (await (await fetch(`${url}/api/v2/alerts`)).json()) as { labels: Record<string, string> }[];
    if (alerts.some((a) => a.labels.alertname === name)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the Alertmanager at ${url} never received ${name}`);
}
