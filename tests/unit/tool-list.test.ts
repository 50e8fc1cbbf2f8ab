import { readFileSync } from 'node:fs';
import path from 'node:path';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { INSTRUCTIONS } from '../../src/mcp/server';
import { loadConfig } from '../../src/shared/config';
import { toolDefinitionsFor, type ToolDefinition } from '../../src/shared/tools';
import { TEMPLATE_FILE } from '../../scripts/lib/tool-files';
import { readTemplate } from '../support/template';

/**
 * What a model is given of the tools, on every turn: each tool's name, description and
 * input schema as a model API takes them (not its output schema, which the host checks
 * results against), and the local MCP server's instructions. The server trims tools.json
 * (the full list) to what the deployment can use; in every kind of deployment, and through
 * the gateway (its inline schema, without instructions but with the conventions in the
 * first description), the whole fits in 650 o200k tokens: the npm peer prometheus-mcp's
 * five tools take 635.
 */
const CEILING = 650;
/** With the silence tool, where the operator allows writes (issue 26: the whole toolset in 800). */
const CEILING_WITH_WRITES = 800;

const ALL = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'tools.json'), 'utf8')) as ToolDefinition[];
const WS = 'ws-12345678-abcd-1234-efgh-123456789012';
const OTHER_WS = 'ws-87654321-abcd-1234-efgh-123456789012';
const THRESHOLDS = ['max_samples_processed_warning_threshold', 'max_samples_processed_error_threshold'];

const listFor = (env: Record<string, string>) => toolDefinitionsFor(loadConfig(env), ALL);

/** As the agent-task suite counts them (scripts/lib/agent-tasks.ts): the list as JSON, and the instructions. */
function modelTokens(tools: { name: string; description: string; inputSchema: unknown }[], instructions = INSTRUCTIONS): number {
  return countTokens(JSON.stringify(tools.map(({ name, description, inputSchema }) => ({ name, description, input_schema: inputSchema })))) + countTokens(instructions);
}

/** The gateway's listing for one branch of HasWorkspaceChoice (and of SilencesAllowed), back in JSON Schema's camelCase. */
function gatewayList(workspaceChoice: boolean, silences = false): { name: string; description: string; inputSchema: unknown }[] {
  const payload = readTemplate(TEMPLATE_FILE).Resources.GatewayTarget.Properties.TargetConfiguration.Mcp.Lambda.ToolSchema.InlinePayload as {
    'Fn::If': [string, { Name: string; Description: string; InputSchema: unknown }];
  }[];
  const camel = (node: unknown): unknown => {
    if (Array.isArray(node) || typeof node !== 'object' || node === null) return node;
    const branch = (node as Record<string, unknown>)['Fn::If'] as [string, unknown, unknown] | undefined;
    if (branch !== undefined) return workspaceChoice ? camel(branch[1]) : undefined;
    return Object.fromEntries(
      Object.entries(node)
        .map(([k, v]) => [k === 'Properties' ? 'properties' : k[0]!.toLowerCase() + k.slice(1), k === 'Properties' ? Object.fromEntries(Object.entries(v as object).map(([p, x]) => [p, camel(x)]).filter(([, x]) => x !== undefined)) : camel(v)])
        .filter(([, v]) => v !== undefined),
    );
  };
  return payload
    .filter((p) => silences || p['Fn::If'][1].Name !== 'silence')
    .map((p) => ({ name: p['Fn::If'][1].Name, description: p['Fn::If'][1].Description, inputSchema: camel(p['Fn::If'][1].InputSchema) }));
}

/** Tool → the arguments of the full list it lost; tools it lost entirely listed as `tool: '*'`. */
function leftOut(tools: ToolDefinition[]): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const full of ALL) {
    const kept = tools.find((t) => t.name === full.name);
    if (kept === undefined) {
      result[full.name] = '*';
      continue;
    }
    const lost = Object.keys(full.inputSchema.properties!).filter((arg) => !Object.hasOwn(kept.inputSchema.properties!, arg));
    if (lost.length > 0) result[full.name] = lost;
  }
  return result;
}

const MODES = {
  'a Prometheus at PROMETHEUS_URL': { PROMETHEUS_URL: 'http://127.0.0.1:9090', PROMETHEUS_SIGV4: 'false', AWS_REGION: 'us-east-1' },
  'a signed PROMETHEUS_URL without AWS_REGION': { PROMETHEUS_URL: 'https://aps.example/workspaces/x' },
  'a PROMETHEUS_URL with CloudWatch PromQL beside it': { PROMETHEUS_URL: 'http://127.0.0.1:9090', PROMETHEUS_SIGV4: 'false', AWS_REGION: 'us-east-1', CLOUDWATCH_PROMQL: 'true' },
  'one AMP workspace (WORKSPACE_ID, no allow-list)': { WORKSPACE_ID: WS, AWS_REGION: 'us-east-1' },
  'several AMP workspaces (ALLOWED_WORKSPACE_IDS)': { WORKSPACE_ID: WS, ALLOWED_WORKSPACE_IDS: `${WS},${OTHER_WS}`, AWS_REGION: 'us-east-1' },
  'several AMP workspaces and CloudWatch PromQL, any region': { WORKSPACE_ID: WS, ALLOWED_WORKSPACE_IDS: `${WS},${OTHER_WS}`, AWS_REGION: 'us-east-1', CLOUDWATCH_PROMQL: 'true' },
  'no default workspace': { AWS_REGION: 'us-east-1' },
};

describe('the tool list a model is given', () => {
  it.each(Object.entries(MODES))(`fits in ${CEILING} o200k tokens with the instructions, for %s`, (_, env) => {
    expect(modelTokens(listFor(env))).toBeLessThanOrEqual(CEILING);
  });

  it.each([true, false])(`fits in ${CEILING} o200k tokens through the gateway (a choice of workspaces: %s), ${CEILING_WITH_WRITES} with the silence tool`, (choice) => {
    const listed = gatewayList(choice);
    expect(listed.map((t) => t.name)).toEqual(['query', 'discover', 'alerts', 'server_info']);
    expect(listed.every((t) => Object.hasOwn((t.inputSchema as { properties: object }).properties, 'workspace_id') === choice)).toBe(true);
    expect(modelTokens(listed, '')).toBeLessThanOrEqual(CEILING);
    const withWrites = gatewayList(choice, true);
    expect(withWrites.map((t) => t.name)).toEqual(ALL.map((t) => t.name));
    expect(modelTokens(withWrites, '')).toBeLessThanOrEqual(CEILING_WITH_WRITES);
  });

  it.each(Object.entries(MODES))(`fits in ${CEILING_WITH_WRITES} o200k tokens with the silence tool (ALLOW_SILENCES), for %s`, (_, env) => {
    const tools = listFor({ ...env, ALLOW_SILENCES: 'true' });
    expect(tools.map((t) => t.name)).toContain('silence');
    expect(modelTokens(tools)).toBeLessThanOrEqual(CEILING_WITH_WRITES);
  });

  it('is counted as the suite counts it: the whole list is more than 400 tokens, the instructions more than 50', () => {
    // A guard on the counting itself: a count of nothing would pass the ceiling.
    expect(modelTokens(ALL, '')).toBeGreaterThan(400);
    expect(countTokens(INSTRUCTIONS)).toBeGreaterThan(50);
  });

  it('with PROMETHEUS_URL leaves out workspace_id, the list of workspaces, region and the AMP thresholds', () => {
    const common = ['workspace_id', 'region'];
    expect(THRESHOLDS.every((name) => !Object.hasOwn(ALL[0]!.inputSchema.properties!, name))).toBe(true);
    expect(leftOut(listFor(MODES['a Prometheus at PROMETHEUS_URL']))).toEqual({
      query: common,
      discover: common,
      alerts: common,
      server_info: [...common, 'workspaces'],
      // Writes only where the operator allows them.
      silence: '*',
    });
  });

  it('with PROMETHEUS_URL signed (SigV4) and no AWS_REGION keeps region, which the signature needs', () => {
    const tools = listFor({ PROMETHEUS_URL: 'https://aps.example/workspaces/x' });
    expect(tools.find((t) => t.name === 'query')!.inputSchema.properties).toHaveProperty('region');
  });

  it('with one workspace leaves out workspace_id only; an allow-list of just that workspace is the same', () => {
    const everyTool = { ...Object.fromEntries(ALL.map((t) => [t.name, ['workspace_id']])), silence: '*' };
    expect(leftOut(listFor(MODES['one AMP workspace (WORKSPACE_ID, no allow-list)']))).toEqual(everyTool);
    expect(leftOut(listFor({ WORKSPACE_ID: WS, ALLOWED_WORKSPACE_IDS: WS, AWS_REGION: 'us-east-1' }))).toEqual(everyTool);
  });

  it('with several workspaces leaves out nothing, and region too when ALLOWED_REGIONS is the function\'s own (as deployed)', () => {
    const env = { ...MODES['several AMP workspaces (ALLOWED_WORKSPACE_IDS)'], ALLOW_SILENCES: 'true' };
    expect(listFor(env)).toEqual(ALL);
    expect(leftOut(listFor({ ...env, ALLOWED_REGIONS: 'us-east-1' }))).toEqual(Object.fromEntries(ALL.map((t) => [t.name, ['region']])));
    expect(listFor({ ...env, ALLOWED_REGIONS: 'us-east-1,eu-west-1' })).toEqual(ALL);
  });

  it('without a default workspace keeps workspace_id, which every call then needs', () => {
    expect(listFor({ AWS_REGION: 'us-east-1', ALLOW_SILENCES: 'true' })).toEqual(ALL);
  });
});
