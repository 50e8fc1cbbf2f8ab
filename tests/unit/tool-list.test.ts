import { readFileSync } from 'node:fs';
import path from 'node:path';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { INSTRUCTIONS } from '../../src/mcp/server';
import { loadConfig } from '../../src/shared/config';
import { toolDefinitionsFor, type ToolDefinition } from '../../src/shared/tools';

/**
 * What a model is given of the local MCP server's tools: each tool's name, description
 * and input schema (not its output schema, which the host checks results against), and
 * the server's instructions. The server trims tools.json (the full list) to what the
 * deployment can use; each of the three kinds of deployment fits in 2,000 o200k tokens.
 */

const ALL = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'tools.json'), 'utf8')) as ToolDefinition[];
const WS = 'ws-12345678-abcd-1234-efgh-123456789012';
const OTHER_WS = 'ws-87654321-abcd-1234-efgh-123456789012';
const THRESHOLDS = ['max_samples_processed_warning_threshold', 'max_samples_processed_error_threshold'];

const listFor = (env: Record<string, string>) => toolDefinitionsFor(loadConfig(env), ALL);

function modelTokens(tools: ToolDefinition[]): number {
  const perTool = tools.map((t) => countTokens(t.name) + countTokens(t.description) + countTokens(JSON.stringify(t.inputSchema)));
  return countTokens(INSTRUCTIONS) + perTool.reduce((a, b) => a + b, 0);
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
  'one AMP workspace (WORKSPACE_ID, no allow-list)': { WORKSPACE_ID: WS, AWS_REGION: 'us-east-1' },
  'several AMP workspaces (ALLOWED_WORKSPACE_IDS)': { WORKSPACE_ID: WS, ALLOWED_WORKSPACE_IDS: `${WS},${OTHER_WS}`, AWS_REGION: 'us-east-1' },
};

describe('the tool list a model is given', () => {
  it.each(Object.entries(MODES))('fits in 2,000 o200k tokens with the instructions, for %s', (_, env) => {
    expect(modelTokens(listFor(env))).toBeLessThanOrEqual(2000);
  });

  it('with PROMETHEUS_URL leaves out list_workspaces, workspace_id, region and the AMP thresholds', () => {
    const common = ['workspace_id', 'region'];
    expect(leftOut(listFor(MODES['a Prometheus at PROMETHEUS_URL']))).toEqual({
      query: [...common, ...THRESHOLDS],
      range_query: [...common, ...THRESHOLDS],
      list_metrics: common,
      describe_metric: common,
      server_info: common,
      list_labels: common,
      label_values: common,
      series: common,
      list_rules: common,
      list_alerts: common,
      list_workspaces: '*',
    });
  });

  it('with PROMETHEUS_URL signed (SigV4) and no AWS_REGION keeps region, which the signature needs', () => {
    const tools = listFor({ PROMETHEUS_URL: 'https://aps.example/workspaces/x' });
    expect(tools.find((t) => t.name === 'query')!.inputSchema.properties).toHaveProperty('region');
  });

  it('with one workspace leaves out workspace_id only; an allow-list of just that workspace is the same', () => {
    const everyTool = Object.fromEntries(ALL.map((t) => [t.name, ['workspace_id']]));
    expect(leftOut(listFor(MODES['one AMP workspace (WORKSPACE_ID, no allow-list)']))).toEqual(everyTool);
    expect(leftOut(listFor({ WORKSPACE_ID: WS, ALLOWED_WORKSPACE_IDS: WS, AWS_REGION: 'us-east-1' }))).toEqual(everyTool);
  });

  it('with several workspaces leaves out nothing, and region too when ALLOWED_REGIONS is the function\'s own (as deployed)', () => {
    const env = MODES['several AMP workspaces (ALLOWED_WORKSPACE_IDS)'];
    expect(listFor(env)).toEqual(ALL);
    expect(leftOut(listFor({ ...env, ALLOWED_REGIONS: 'us-east-1' }))).toEqual(Object.fromEntries(ALL.map((t) => [t.name, ['region']])));
    expect(listFor({ ...env, ALLOWED_REGIONS: 'us-east-1,eu-west-1' })).toEqual(ALL);
  });

  it('without a default workspace keeps workspace_id, which every call then needs', () => {
    expect(listFor({ AWS_REGION: 'us-east-1' })).toEqual(ALL);
  });
});
