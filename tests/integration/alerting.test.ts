import { asToolCall } from '../../src/tools/replaced';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { lambdaContext } from '../../scripts/lib/lambda-context';
import { ACTIVE_ALERTS, EXPECTED_EVENT_DATA, RULE_GROUPS } from '../fixtures/expected';
import { RULE_FILES, toRuleFile } from '../fixtures/rules';
import { TEST_WORKSPACE_ID } from '../support/credentials';
import { loadEvent } from '../support/events';
import { envelopeOf, loadHandler, useHarness } from '../support/harness';

/**
 * list_rules and list_alerts against the real Prometheus evaluating the fixture's rules
 * (tests/fixtures/rules.ts), through the AMP-like front: through their function, its
 * events file, the router and the gateway's tool-call shape; filters, limits, and
 * answers shaped the same from a server that does not filter or that answers as AMP does.
 */

const TOOL_NAMES = (JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'tools.json'), 'utf8')) as { name: string }[]).map((t) => t.name);
const RULE_COUNT = RULE_GROUPS.flatMap((g) => g.rules).length;
const ALL_RULES = { groups: RULE_GROUPS, total: RULE_COUNT, truncated: false };
const ALL_ALERTS = { alerts: ACTIVE_ALERTS, total: ACTIVE_ALERTS.length, truncated: false };

const harness = useHarness();
afterEach(() => {
  // Every call was a signed GET, the only method AMP serves on rules and alerts.
  for (const request of harness.front.requests) {
    expect(request).toMatchObject({ method: 'GET', status: 200, workspaceId: TEST_WORKSPACE_ID });
    expect(request.signatureError).toBeUndefined();
  }
});

const only = (groups: typeof RULE_GROUPS, keep: (rule: Record<string, unknown>) => boolean) =>
  groups.map((g) => ({ ...g, rules: g.rules.filter(keep) })).filter((g) => g.rules.length > 0);

it('the fixture rule files pass promtool check rules', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'rules-'));
  try {
    for (const file of RULE_FILES) {
      await writeFile(path.join(dir, file.file), toRuleFile(file));
      const { stdout } = await promisify(execFile)(process.env.PROMTOOL_BIN ?? 'promtool', ['check', 'rules', path.join(dir, file.file)]);
      const count = file.groups.flatMap((g) => g.rules).length;
      expect(stdout).toContain(`SUCCESS: ${count} rules found`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

describe('list_rules', () => {
  it('lists every rule: groups by name, rules by name, with what a model needs', async () => {
    const handler = await harness.handler('alerting');
    expect(await handler({ operation: 'list_rules' }, lambdaContext())).toEqual({ status: 'success', data: ALL_RULES });
    expect(harness.front.requests).toHaveLength(1);
    expect(harness.front.requests[0]).toMatchObject({ endpoint: 'rules', params: {} });
  });

  it.each([
    ['alert', 'alerting', 'alert'],
    ['record', 'recording', 'record'],
    // As the answers spell the types: asked of Prometheus by its own names.
    ['alerting', 'alerting', 'alert'],
    ['recording', 'recording', 'record'],
  ])('type %s keeps the %s rules, and asks Prometheus for them only (type=%s)', async (type, kept, sent) => {
    const handler = await harness.handler('alerting');
    const groups = only(RULE_GROUPS, (r) => r.type === kept);
    const total = groups.flatMap((g) => g.rules).length;
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThan(RULE_COUNT);
    expect(await handler({ operation: 'list_rules', type }, lambdaContext())).toEqual({
      status: 'success',
      data: { groups, total, truncated: false },
    });
    expect(harness.front.requests[0]!.params).toEqual({ type: [sent] });
  });

  it('filters by type itself when the server answers every rule', async () => {
    const handler = await harness.handler('alerting');
    // As a server that ignores `type` would: the whole list.
    harness.front.fault = async (_req, res) => {
      const all = await fetch(`${process.env.LOCAL_PROMETHEUS_URL}/api/v1/rules`);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(await all.text());
      return true;
    };
    const result = envelopeOf(await handler({ operation: 'list_rules', type: 'record' }, lambdaContext()));
    expect(result.data.groups).toEqual(only(RULE_GROUPS, (r) => r.type === 'recording'));
  });

  it('keeps the group of exactly the name given, and nothing for a name no group has', async () => {
    const handler = await harness.handler('alerting');
    const [first, second] = RULE_GROUPS;
    expect((await handler({ operation: 'list_rules', group: second!.name }, lambdaContext()))).toEqual({
      status: 'success',
      data: { groups: [second], total: second!.rules.length, truncated: false },
    });
    expect(envelopeOf(await handler({ operation: 'list_rules', group: first!.name.slice(0, -1) }, lambdaContext())).data).toEqual({
      groups: [],
      total: 0,
      truncated: false,
    });
    // The filters combine: the recording group has no alerting rule.
    const recording = RULE_GROUPS.find((g) => g.rules.every((r) => r.type === 'recording'))!;
    expect(envelopeOf(await handler({ operation: 'list_rules', group: recording.name, type: 'alert' }, lambdaContext())).data).toEqual({
      groups: [],
      total: 0,
      truncated: false,
    });
  });

  it('cuts at limit rules, in order, and says so', async () => {
    const handler = await harness.handler('alerting');
    const [first] = RULE_GROUPS;
    expect(first!.rules.length).toBeGreaterThan(2);
    expect(await handler({ operation: 'list_rules', limit: 2 }, lambdaContext())).toEqual({
      status: 'success',
      data: { groups: [{ ...first, rules: first!.rules.slice(0, 2) }], total: RULE_COUNT, truncated: true },
      truncated: true,
      note: `returned the first 2 of ${RULE_COUNT} rules (limit); raise limit or narrow with type or group`,
    });
    expect((await handler({ operation: 'list_rules', limit: RULE_COUNT }, lambdaContext()))).toEqual({ status: 'success', data: ALL_RULES });
  });

  it("shapes AMP's answer alike: an empty lastError and empty labels left out, a rule's error kept", async () => {
    const handler = await harness.handler('alerting');
    // AMP's documented ListRules answer, with a broken rule added.
    const amp = {
      status: 'success',
      data: {
        groups: [
          {
            name: 'test-1.rules',
            file: 'test-rules',
            rules: [
              { name: 'record:1', query: 'sum(rate(node_cpu_seconds_total[10m:1m]))', labels: {}, health: 'ok', lastError: '', type: 'recording', lastEvaluation: '2021-10-21T21:22:34.429565909Z', evaluationTime: 0.001005399 },
              { name: 'record:0', query: 'sum(x) / on() y', labels: {}, health: 'err', lastError: 'found duplicate series for the match group', type: 'recording', lastEvaluation: '2021-10-21T21:22:34.429565909Z', evaluationTime: 0.0001 },
            ],
            interval: 60,
            lastEvaluation: '2021-10-21T21:22:34.429563992Z',
            evaluationTime: 0.001010504,
          },
        ],
      },
      errorType: '',
      error: '',
    };
    harness.front.fault = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(amp));
      return true;
    };
    expect(envelopeOf(await handler({ operation: 'list_rules' }, lambdaContext())).data).toEqual({
      groups: [
        {
          name: 'test-1.rules',
          file: 'test-rules',
          rules: [
            { name: 'record:0', type: 'recording', query: 'sum(x) / on() y', health: 'err', lastError: 'found duplicate series for the match group' },
            { name: 'record:1', type: 'recording', query: 'sum(rate(node_cpu_seconds_total[10m:1m]))', health: 'ok' },
          ],
        },
      ],
      total: 2,
      truncated: false,
    });
  });
});

describe('list_alerts', () => {
  it("answers events/alerting.json with the active alerts, by alert name, each with its rule's expression, for and group", async () => {
    const handler = await harness.handler('alerting');
    const result = (await handler(loadEvent('alerting'), lambdaContext())) as { statusCode: number; body: string };
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ status: 'success', data: EXPECTED_EVENT_DATA.alerting });
    expect(ACTIVE_ALERTS.map((a) => [a.labels.alertname, a.expression, a.for, a.group])).toEqual([
      ['AlwaysFiring', 'vector(1)', 0, 'fixture-alerts'],
      ['AlwaysPending', 'vector(1)', 3600, 'fixture-alerts'],
    ]);
    // The alerts, and the alerting rules they come from (in parallel).
    const requests = [...harness.front.requests].sort((a, b) => (a.endpoint! < b.endpoint! ? -1 : 1));
    expect(requests).toHaveLength(2);
    expect(requests[0]).toMatchObject({ endpoint: 'alerts', params: {} });
    expect(requests[1]).toMatchObject({ endpoint: 'rules', params: { type: ['alert'] } });
  });

  it('takes the rule of an alert by its labels when rules share a name, else the only rule of its name', async () => {
    const handler = await harness.handler('alerting');
    const alert = (labels: Record<string, string>) => ({ labels, annotations: {}, state: 'firing', activeAt: '2023-04-01T00:00:00Z', value: '1e+00' });
    const warning = alert({ alertname: 'Latency', severity: 'warning' });
    const critical = alert({ alertname: 'Latency', severity: 'critical' });
    const unknownLatency = alert({ alertname: 'Latency', severity: 'info' });
    const disk = alert({ alertname: 'Disk', instance: 'a' });
    const rule = (name: string, query: string, duration: number, alerts: object[]) => ({ type: 'alerting', name, query, duration, health: 'ok', state: 'firing', alerts });
    const rules = {
      groups: [
        { name: 'slow', file: 'f', rules: [rule('Latency', 'latency > 1', 300, [warning])] },
        { name: 'fast', file: 'f', rules: [rule('Latency', 'latency > 5', 60, [critical]), rule('Disk', 'disk > 0.9', 600, [])] },
      ],
    };
    harness.front.fault = (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'success', data: req.endpoint === 'rules' ? rules : { alerts: [warning, critical, unknownLatency, disk] } }));
      return true;
    };
    expect(envelopeOf(await handler({ operation: 'list_alerts' }, lambdaContext())).data.alerts).toEqual([
      // Disk's rule lists no such alert (it became active between the two calls): its name alone tells.
      { ...disk, expression: 'disk > 0.9', for: 600, group: 'fast' },
      { ...critical, expression: 'latency > 5', for: 60, group: 'fast' },
      // Two rules named Latency, neither with these labels: no rule is guessed.
      unknownLatency,
      { ...warning, expression: 'latency > 1', for: 300, group: 'slow' },
    ]);
  });

  it("keeps each alert's activeAt exactly as Prometheus reports it, a time already past", async () => {
    const handler = await harness.handler('alerting');
    const result = envelopeOf(await handler({ operation: 'list_alerts' }, lambdaContext()));
    const direct = (await (await fetch(`${process.env.LOCAL_PROMETHEUS_URL}/api/v1/alerts`)).json()) as { data: { alerts: { labels: { alertname: string }; activeAt: string }[] } };
    const activeAt = (alerts: { labels: { alertname: string }; activeAt: string }[]) =>
      Object.fromEntries(alerts.map((a) => [a.labels.alertname, a.activeAt]));
    expect(activeAt(result.data.alerts)).toEqual(activeAt(direct.data.alerts));
    for (const alert of result.data.alerts as { activeAt: string }[]) expect(Date.parse(alert.activeAt)).toBeLessThanOrEqual(Date.now());
  });

  it.each(['firing', 'pending'])('state %s keeps those alerts only', async (state) => {
    const handler = await harness.handler('alerting');
    const alerts = ACTIVE_ALERTS.filter((a) => a.state === state);
    expect(alerts).toHaveLength(1);
    expect(await handler({ operation: 'list_alerts', state }, lambdaContext())).toEqual({
      status: 'success',
      data: { alerts, total: 1, truncated: false },
    });
  });

  it('cuts at limit alerts, in order, and says so', async () => {
    const handler = await harness.handler('alerting');
    expect(await handler({ operation: 'list_alerts', limit: 1 }, lambdaContext())).toEqual({
      status: 'success',
      data: { alerts: ACTIVE_ALERTS.slice(0, 1), total: ACTIVE_ALERTS.length, truncated: true },
      truncated: true,
      note: `returned the first 1 of ${ACTIVE_ALERTS.length} alerts (limit); raise limit or narrow with state`,
    });
  });

  it('sorts by alert name, then labels', async () => {
    const handler = await harness.handler('alerting');
    const alert = (alertname: string, labels: Record<string, string>) => ({
      labels: { alertname, ...labels },
      annotations: {},
      state: 'firing',
      activeAt: '2023-04-01T00:00:00Z',
      value: '1e+00',
    });
    const sent = [alert('B', {}), alert('A', { z: '1' }), alert('AB', {}), alert('A', { instance: 'b' }), alert('A', { instance: 'a', z: '0' })];
    harness.front.fault = (req, res) => {
      // The rules come from Prometheus: none has these names, so the alerts come back as sent.
      if (req.endpoint !== 'alerts') return false;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'success', data: { alerts: sent } }));
      return true;
    };
    const result = envelopeOf(await handler({ operation: 'list_alerts' }, lambdaContext()));
    expect(result.data.alerts).toEqual([sent[4], sent[3], sent[1], sent[2], sent[0]]);
  });
});

describe('through the router and the gateway', () => {
  it.each([
    ['list_rules', ALL_RULES],
    ['list_alerts', ALL_ALERTS],
  ])('the router (integration) routes operation %s', async (operation, data) => {
    const router = await harness.handler('integration');
    expect(await router({ operation }, lambdaContext())).toEqual({ status: 'success', data });
  });

  it.each([
    ['list_rules', { type: 'alerting' }, { groups: only(RULE_GROUPS, (r) => r.type === 'alerting'), total: RULE_COUNT - 1, truncated: false }],
    ['list_alerts', { state: 'pending' }, { alerts: ACTIVE_ALERTS.filter((a) => a.state === 'pending'), total: 1, truncated: false }],
  ] as const)('answers %s as a tool call (flat arguments, prefixed tool name): alerts on the router, the operation on its function', async (operation, args, data) => {
    const call = asToolCall(operation, args);
    expect(TOOL_NAMES).toContain(call.tool);
    const router = await harness.handler('integration');
    expect(await router(call.args, lambdaContext({ toolName: call.tool }))).toEqual({ status: 'success', data });
    const alerting = await harness.handler('alerting');
    expect(await alerting({ ...args }, lambdaContext({ toolName: operation }))).toEqual({ status: 'success', data });
  });

  it('the alerting function refuses a tool that is not its own', async () => {
    const handler = await harness.handler('alerting');
    expect(await handler({ query: 'up' }, lambdaContext({ toolName: 'query' }))).toEqual({
      status: 'error',
      error: { type: 'validation_error', message: "unknown operation 'query': use one of list_rules, list_alerts, list_silences, alert_groups, alertmanager_status, create_silence, expire_silence" },
    });
    expect(harness.front.requests).toHaveLength(0);
  });
});

describe('the response budget', () => {
  it.each([
    ['list_alerts', 'alerts', ALL_ALERTS.alerts, 'alerts', 'pass state or limit'],
    ['list_rules', 'groups', ALL_RULES.groups, 'rule groups', 'pass type, group or limit'],
  ] as const)('cuts %s to the %s that fit, and says so', async (operation, key, all, unit, narrow) => {
    const complete = await (await harness.handler('alerting'))({ operation }, lambdaContext());
    expect(envelopeOf(complete).data[key]).toEqual(all);
    // 1 KB is kept for the note: with 10 bytes fewer, the last item no longer fits.
    const budget = Buffer.byteLength(JSON.stringify(complete)) + 1024 - 10;
    const small = await loadHandler('alerting', { PROMETHEUS_URL: harness.front.workspaceUrl, RESPONSE_BUDGET_BYTES: String(budget) });
    const cut = (await small({ operation }, lambdaContext())) as { status: string; data: Record<string, unknown>; truncated?: boolean; note?: string };
    expect(Buffer.byteLength(JSON.stringify(cut))).toBeLessThanOrEqual(budget);
    expect(cut.status).toBe('success');
    expect(cut.data[key]).toEqual(all.slice(0, -1));
    expect(cut.truncated).toBe(true);
    expect(cut.note).toMatch(
      new RegExp(`^the complete answer \\(about .+ from Prometheus\\) is larger than the .+ response budget: returned ${all.length - 1} of ${all.length} ${unit}; ${narrow}$`),
    );
  });
});
