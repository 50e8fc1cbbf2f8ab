import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { lambdaContext } from '../../scripts/lib/lambda-context';
import { startLocalAlertmanager, waitForAlert, type LocalAlertmanager } from '../../scripts/lib/local-alertmanager';
import { ACTIVE_ALERTS, RFC3339_TIME } from '../fixtures/expected';
import { END, SILENCE, START } from '../fixtures/alertmanager';
import { startAmpFront, type AmpFront } from '../support/amp-front';
import { TEST_REGION, TEST_WORKSPACE_ID } from '../support/credentials';
import { knownIdentities } from '../support/iam';
import { envelopeOf, functionEnv, loadHandler } from '../support/harness';
import { MCP_BUNDLE } from '../support/mcp-http';

/**
 * The Alertmanager, through the tools: Debian's real Alertmanager (started by the global
 * setup, with the fixture's alerts and silence, tests/fixtures/alertmanager.ts) behind the
 * AMP-like front, which serves it under each workspace's `/alertmanager/api/v2/...` with
 * AMP's methods and IAM actions (the roles from template.yaml); one workspace has no alert
 * manager definition. Locally, ALERTMANAGER_URL names it directly.
 */

const NO_AM_WORKSPACE = 'ws-00000000-0000-0000-0000-00000000000a';
const SILENCE_ID = process.env.LOCAL_ALERTMANAGER_SILENCE_ID!;
const AM_URL = process.env.LOCAL_ALERTMANAGER_URL!;

let front: AmpFront;
/**
 * The same, for a stack deployed with AllowSilences=true (the roles have the write actions),
 * before an Alertmanager of its own: the silences written here are seen by no other test.
 */
let writeFront: AmpFront;
let writeAm: LocalAlertmanager;

beforeAll(async () => {
  const options = {
    upstream: process.env.LOCAL_PROMETHEUS_URL!,
    workspaces: [TEST_WORKSPACE_ID, NO_AM_WORKSPACE],
    region: TEST_REGION,
    alertmanager: AM_URL,
    alertmanagerWorkspaces: [TEST_WORKSPACE_ID],
  };
  // The roles of a stack that allows the second workspace too; writeFront's, of one that also allows silences.
  front = await startAmpFront({ ...options, identities: knownIdentities({ parameters: { AllowedWorkspaceIds: NO_AM_WORKSPACE } }) });
  writeAm = await startLocalAlertmanager();
  await writeAm.seed();
  writeFront = await startAmpFront({
    ...options,
    alertmanager: writeAm.url,
    identities: knownIdentities({ parameters: { AllowedWorkspaceIds: NO_AM_WORKSPACE, AllowSilences: 'true' } }),
  });
  // The fixture's Prometheus sends AlwaysFiring to the Alertmanager within its first evaluations.
  await waitForAlert(AM_URL, 'AlwaysFiring');
}, 30_000);
afterAll(async () => Promise.all([front.stop(), writeFront.stop(), writeAm.stop()]));

/** A handler in front of a workspace: PROMETHEUS_URL and ALERTMANAGER_URL through the front, signed. */
function handlerFor(name: 'alerting' | 'integration', env: Record<string, string> = {}, via: () => AmpFront = () => front, workspace = TEST_WORKSPACE_ID) {
  const f = via();
  return loadHandler(name, { PROMETHEUS_URL: `${f.url}/workspaces/${workspace}`, ALERTMANAGER_URL: `${f.url}/workspaces/${workspace}/alertmanager`, ...env });
}

const tool = (name: string) => lambdaContext({ toolName: name });

/** The alerts as the join gives them: Prometheus' with the Alertmanager's view, and the Alertmanager's own. */
const JOINED = [
  { ...ACTIVE_ALERTS.find((a) => a.labels.alertname === 'AlwaysFiring')!, alertmanager: { state: 'active', receivers: ['pager'] } },
  ACTIVE_ALERTS.find((a) => a.labels.alertname === 'AlwaysPending')!,
  {
    labels: { alertname: 'DiskFull', instance: 'node-1:9100', severity: 'warning' },
    annotations: { summary: '/ is 95% full' },
    state: 'firing',
    activeAt: START,
    alertmanager: {
      state: 'suppressed',
      receivers: ['team'],
      silenced_by: [{ id: SILENCE_ID, matchers: '{alertname="DiskFull"}', createdBy: SILENCE.createdBy, comment: SILENCE.comment, endsAt: END }],
    },
  },
  {
    labels: { alertname: 'HighLatency', instance: 'node-2:9100', severity: 'warning' },
    annotations: { summary: 'p99 latency over 1s' },
    state: 'firing',
    activeAt: START,
    alertmanager: { state: 'suppressed', receivers: ['team'], inhibited_by: ['NodeDown{instance="node-2:9100", severity="critical"}'] },
  },
  {
    labels: { alertname: 'NodeDown', instance: 'node-2:9100', severity: 'critical' },
    annotations: { summary: 'node-2 does not answer' },
    state: 'firing',
    activeAt: START,
    alertmanager: { state: 'active', receivers: ['pager'] },
  },
];

describe('reading, joined for the agent', () => {
  it('answers what fires, and for each whether it is silenced (by whom, why, until when), inhibited (by what) and to whom it goes, with its rule: one call', async () => {
    const router = await handlerFor('integration');
    const result = envelopeOf(await router({}, tool('alerts')));
    expect(result).toEqual({ status: 'success', data: { alerts: JOINED, total: JOINED.length, truncated: false } });
    // Prometheus' alerts and rules, and the Alertmanager's alerts and silences: four GETs, each allowed by IAM.
    const calls = front.requests.slice(-4).map((r) => `${r.method} ${r.endpoint} ${r.status}`).sort();
    expect(calls).toEqual(['GET alertmanager/alerts 200', 'GET alertmanager/silences 200', 'GET alerts 200', 'GET rules 200']);
  });

  it('lists the silences, active first; expired ones only on request', async () => {
    const alerting = await handlerFor('integration');
    const silence = { id: SILENCE_ID, state: 'active', matchers: '{alertname="DiskFull"}', createdBy: 'alice', comment: SILENCE.comment, startsAt: expect.stringMatching(RFC3339_TIME), endsAt: END };
    const result = envelopeOf(await alerting({ show: 'silences' }, tool('alerts')));
    expect(result.status).toBe('success');
    // Other tests may have expired silences of their own: only the active ones are listed.
    expect(result.data.silences.filter((s: { state: string }) => s.state !== 'active')).toEqual([]);
    expect(result.data.silences).toContainEqual(silence);
  });

  it('answers the notification groups, each with its receiver and its alerts', async () => {
    const alerting = await handlerFor('integration');
    const result = envelopeOf(await alerting({ show: 'groups' }, tool('alerts')));
    const byName = Object.fromEntries((result.data.groups as { labels: { alertname: string }; receiver: string; alerts: unknown[] }[]).map((g) => [g.labels.alertname, g]));
    expect(byName.DiskFull).toEqual({ labels: { alertname: 'DiskFull' }, receiver: 'team', alerts: [{ alert: 'DiskFull{instance="node-1:9100", severity="warning"}', state: 'suppressed' }] });
    expect(byName.NodeDown).toEqual({ labels: { alertname: 'NodeDown' }, receiver: 'pager', alerts: [{ alert: 'NodeDown{instance="node-2:9100", severity="critical"}', state: 'active' }] });
    expect(byName.AlwaysFiring).toMatchObject({ receiver: 'pager' });
  });

  it("answers the Alertmanager's status: version, receivers, configuration", async () => {
    const alerting = await handlerFor('integration');
    const result = envelopeOf(await alerting({ show: 'status' }, tool('alerts')));
    expect(result.data).toMatchObject({ version: '0.25.0', receivers: ['team', 'pager'], cluster: { status: 'disabled', peers: 0 } });
    expect(result.data.config).toContain('inhibit_rules');
  });
});

describe('where there is no Alertmanager', () => {
  it("a workspace without an alert manager definition answers the alerts as Prometheus has them, and the Alertmanager's views with how to get one", async () => {
    const alerting = await handlerFor('integration', {}, () => front, NO_AM_WORKSPACE);
    expect(envelopeOf(await alerting({}, tool('alerts')))).toEqual({ status: 'success', data: { alerts: ACTIVE_ALERTS, total: ACTIVE_ALERTS.length, truncated: false } });
    expect(envelopeOf(await alerting({ show: 'silences' }, tool('alerts')))).toEqual({
      status: 'error',
      error: {
        type: 'no_alertmanager',
        message:
          'this workspace has no Alertmanager (AMP answered 404 on its Alertmanager API): create its alert manager definition (CreateAlertManagerDefinition) to route and silence alerts; the alerts tool still lists what its rules fire',
      },
    });
  });

  it('with PROMETHEUS_URL and no ALERTMANAGER_URL, says how to name one', async () => {
    const alerting = await loadHandler('integration', { PROMETHEUS_URL: process.env.LOCAL_PROMETHEUS_URL!, PROMETHEUS_SIGV4: 'false' });
    expect(envelopeOf(await alerting({}, tool('alerts'))).data.alerts).toEqual(ACTIVE_ALERTS);
    expect(envelopeOf(await alerting({ show: 'status' }, tool('alerts'))).error).toEqual({
      type: 'no_alertmanager',
      message: 'no Alertmanager is configured: with PROMETHEUS_URL, set ALERTMANAGER_URL to one (its v2 API); on AMP each workspace has its own',
    });
  });

  it('on CloudWatch PromQL, names CloudWatch alarms', async () => {
    const alerting = await loadHandler('integration', { CLOUDWATCH_PROMQL: 'true', AWS_REGION: TEST_REGION, WORKSPACE_ID: undefined, PROMETHEUS_URL: undefined });
    expect(envelopeOf(await alerting({ workspace_id: 'cloudwatch', show: 'silences' }, tool('alerts'))).error).toEqual({
      type: 'not_supported',
      message: 'CloudWatch has no Alertmanager: use CloudWatch alarms (PromQL alarms: DescribeAlarms / the console) and their actions',
    });
  });

  it('locally, ALERTMANAGER_URL names a plain Alertmanager (its v2 API, unsigned beside an unsigned Prometheus)', async () => {
    const alerting = await loadHandler('integration', { PROMETHEUS_URL: process.env.LOCAL_PROMETHEUS_URL!, PROMETHEUS_SIGV4: 'false', ALERTMANAGER_URL: AM_URL });
    const result = envelopeOf(await alerting({}, tool('alerts')));
    expect(result.data.alerts).toEqual(JOINED);
  });
});

describe('writing silences, only where the operator allows it', () => {
  const CREATE = { matchers: '{alertname="NodeDown", instance="node-2:9100"}', duration: '2h', comment: 'node-2 is being replaced, OPS-43' };

  it('is refused by default, naming the parameter that allows it, before any call', async () => {
    const router = await handlerFor('integration');
    const before = front.requests.length;
    expect(envelopeOf(await router(CREATE, tool('silence'))).error).toEqual({
      type: 'access_denied',
      message: 'this deployment does not let agents create or expire silences: its operator can allow it (template parameter AllowSilences=true, or ALLOW_SILENCES=true locally)',
    });
    expect(front.requests.length).toBe(before);
  });

  it('without the write actions (a stack with AllowSilences=false), IAM refuses even a function told to write', async () => {
    const router = await handlerFor('integration', { ALLOW_SILENCES: 'true' });
    expect(envelopeOf(await router(CREATE, tool('silence'))).error?.type).toBe('access_denied');
    expect(front.requests.at(-1)!.accessDenied).toContain('aps:PutAlertManagerSilences');
  });

  it('creates a silence with its comment and an end within the maximum, createdBy naming the caller, and expires it; each write logged and counted', async () => {
    const router = await handlerFor('integration', { ALLOW_SILENCES: 'true', POWERTOOLS_LOG_LEVEL: 'INFO', POWERTOOLS_METRICS_DISABLED: 'false' }, () => writeFront);
    const printed: string[] = [];
    for (const level of ['log', 'info'] as const) jest.spyOn(console, level).mockImplementation((...parts: unknown[]) => void printed.push(parts.map(String).join(' ')));
    const started = Date.now();
    const created = envelopeOf(await router(CREATE, tool('silence')));
    expect(created.status).toBe('success');
    expect(created.data).toMatchObject({ matchers: '{alertname="NodeDown", instance="node-2:9100"}', createdBy: 'prometheus-tools (local MCP server)' });
    const endsAt = Date.parse(created.data.endsAt);
    expect(endsAt - started).toBeGreaterThanOrEqual(2 * 3600_000 - 1000);
    expect(endsAt - Date.now()).toBeLessThanOrEqual(2 * 3600_000);
    // The Alertmanager holds it, and NodeDown is now suppressed by it.
    const held = (await (await fetch(`${writeAm.url}/api/v2/silence/${created.data.silenceID}`)).json()) as { comment: string; createdBy: string; status: { state: string } };
    expect(held).toMatchObject({ comment: CREATE.comment, createdBy: 'prometheus-tools (local MCP server)', status: { state: 'active' } });

    const expired = envelopeOf(await router({ expire: created.data.silenceID }, tool('silence')));
    expect(expired.data).toMatchObject({ id: created.data.silenceID, matchers: '{alertname="NodeDown", instance="node-2:9100"}' });
    const after = (await (await fetch(`${writeAm.url}/api/v2/silence/${created.data.silenceID}`)).json()) as { status: { state: string } };
    expect(after.status.state).toBe('expired');
    expect(writeFront.requests.slice(-3).map((r) => `${r.method} ${r.endpoint} ${r.status}`)).toEqual([
      'POST alertmanager/silences 200',
      `GET alertmanager/silence/${created.data.silenceID} 200`,
      `DELETE alertmanager/silence/${created.data.silenceID} 200`,
    ]);
    jest.restoreAllMocks();
    // The log lines, with what was written and by whom; the EMF documents, with the counts.
    const records = printed.flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, any>];
      } catch {
        return [];
      }
    });
    expect(records.find((r) => r.message === 'silence created')?.silence).toEqual({
      id: created.data.silenceID,
      matchers: '{alertname="NodeDown", instance="node-2:9100"}',
      endsAt: created.data.endsAt,
      createdBy: 'prometheus-tools (local MCP server)',
      comment: CREATE.comment,
    });
    expect(records.find((r) => r.message === 'silence expired')?.silence).toEqual({
      id: created.data.silenceID,
      matchers: '{alertname="NodeDown", instance="node-2:9100"}',
      by: 'prometheus-tools (local MCP server)',
    });
    expect(records.filter((r) => r.SilencesCreated !== undefined).map((r) => r.SilencesCreated)).toEqual([1]);
    expect(records.filter((r) => r.SilencesExpired !== undefined).map((r) => r.SilencesExpired)).toEqual([1]);
  });

  it.each([
    [{ ...CREATE, duration: '5h' }, "field 'duration' must be more than 0 and at most 4h (the deployment's MaxSilenceHours)"],
    [{ ...CREATE, comment: ' ' }, "field 'comment' must say why the alerts are silenced"],
    [{ ...CREATE, matchers: '{}' }, "field 'matchers' must name what to silence: at least one matcher that does not match every alert, e.g. {alertname=\"DiskFull\"}"],
    [{ ...CREATE, matchers: '{alertname=~".*"}' }, "field 'matchers' must name what to silence: at least one matcher that does not match every alert, e.g. {alertname=\"DiskFull\"}"],
    [{ ...CREATE, matchers: 'up or down' }, "field 'matchers' must be one selector of alert labels, e.g. {alertname=\"DiskFull\", instance=\"node-1:9100\"}"],
    [{ expire: '2b0c8a7a-d755-456b-b22a-2e735a08b732', comment: 'x' }, 'expire takes a silence ID alone, not comment: one call creates, another expires'],
  ])('refuses %j with a clear message, before any write', async (args, message) => {
    const router = await handlerFor('integration', { ALLOW_SILENCES: 'true' }, () => writeFront);
    const before = writeFront.requests.length;
    const result = envelopeOf(await router(args, tool('silence')));
    expect(result.error).toEqual({ type: 'validation_error', message });
    expect(writeFront.requests.slice(before)).toEqual([]);
  });

  it("leaves an operator's silence alone, and says an unknown one is not there", async () => {
    const router = await handlerFor('integration', { ALLOW_SILENCES: 'true' }, () => writeFront);
    const operators = writeAm.silenceId!;
    expect(envelopeOf(await router({ expire: operators }, tool('silence'))).error).toEqual({
      type: 'access_denied',
      message: `silence ${operators} was created by "alice", not by these tools: only its owner, in the Alertmanager, may expire it`,
    });
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect(envelopeOf(await router({ expire: unknown }, tool('silence'))).error).toEqual({ type: 'silence_not_found', message: `no silence ${unknown}: alerts with show: 'silences' lists them` });
  });
});

describe('through the local MCP server, with ALLOW_SILENCES', () => {
  it('lists the silence tool as a tool that writes, and creates and expires a silence through it', async () => {
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      ...functionEnv('integration'),
      PROMETHEUS_URL: `${writeFront.url}/workspaces/${TEST_WORKSPACE_ID}`,
      ALERTMANAGER_URL: `${writeFront.url}/workspaces/${TEST_WORKSPACE_ID}/alertmanager`,
      ALLOW_SILENCES: 'true',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    };
    delete env.MCP_AUTH_TOKEN;
    const client = new Client({ name: 'silence-test', version: '1.0.0' });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [MCP_BUNDLE], env, stderr: 'ignore' }));
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(['query', 'discover', 'alerts', 'server_info', 'silence']);
      expect(tools.find((t) => t.name === 'silence')!.annotations).toEqual({ readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true });
      const created = await client.callTool({ name: 'silence', arguments: { matchers: '{alertname="HighLatency"}', duration: '30m', comment: 'latency expected during the failover' } });
      expect(created.isError).toBe(false);
      const data = JSON.parse((created.content as { text: string }[])[0]!.text) as { silenceID: string; createdBy: string };
      expect(data.createdBy).toBe('prometheus-tools (local MCP server)');
      const expired = await client.callTool({ name: 'silence', arguments: { expire: data.silenceID } });
      expect(expired.isError).toBe(false);
      const held = (await (await fetch(`${writeAm.url}/api/v2/silence/${data.silenceID}`)).json()) as { status: { state: string } };
      expect(held.status.state).toBe('expired');
    } finally {
      await client.close();
    }
  }, 30_000);
});
