import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GATEWAY_CONVENTIONS, renderTemplate, renderToolsJson, TEMPLATE_FILE, TOOLS_FILE } from '../../scripts/lib/tool-files';
import { REGISTRY } from '../../src/operations';
import { toolDefinitions as definitionsOf } from '../../src/shared/tools';
import { TOOLS } from '../../src/tools';
import { asToolCall, TOOL_CALL } from '../../src/tools/replaced';

const toolDefinitions = () => definitionsOf(TOOLS);
import { readTemplate } from '../support/template';

const GATEWAY_KEYS = ['type', 'description', 'properties', 'required', 'items'];
const GATEWAY_PAYLOAD = () =>
  readTemplate(TEMPLATE_FILE).Resources.GatewayTarget.Properties.TargetConfiguration.Mcp.Lambda.ToolSchema.InlinePayload as { 'Fn::If': [string, Record<string, unknown>] }[];

/** A gateway schema in JSON Schema's camelCase, its conditional properties taken as present. */
function camel(schema: Record<string, unknown>): Record<string, unknown> {
  const conditional = schema['Fn::If'] as [string, Record<string, unknown>] | undefined;
  if (conditional !== undefined) return camel(conditional[1]);
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => {
      const name = key[0]!.toLowerCase() + key.slice(1);
      if (key === 'Properties') return [name, Object.fromEntries(Object.entries(value as Record<string, Record<string, unknown>>).map(([k, v]) => [k, camel(v)]))];
      if (key === 'Items') return [name, camel(value as Record<string, unknown>)];
      return [name, value];
    }),
  );
}

function keysIn(schema: Record<string, unknown>): string[] {
  const own = Object.keys(schema);
  const nested = Object.values((schema.properties ?? {}) as Record<string, Record<string, unknown>>).flatMap(keysIn);
  const items = schema.items === undefined ? [] : keysIn(schema.items as Record<string, unknown>);
  return [...own, ...nested, ...items];
}

describe('tool definitions', () => {
  it('are five tools (the fifth writes), generated from their schemas, and every operation is behind exactly one of them', () => {
    expect(toolDefinitions().map((t) => t.name)).toEqual(['query', 'discover', 'alerts', 'server_info', 'silence']);
    expect(TOOLS.filter((tool) => tool.writes === true).map((tool) => tool.name)).toEqual(['silence']);
    const fronted = TOOLS.flatMap((tool) => tool.operations.map((op) => op.name));
    expect([...fronted].sort()).toEqual(REGISTRY.map((op) => op.name).sort());
  });

  it('map every operation to the tool call that runs it, and the call routes back to it', () => {
    expect(Object.keys(TOOL_CALL).sort()).toEqual(REGISTRY.map((op) => op.name).sort());
    for (const op of REGISTRY) {
      const args: Record<string, Record<string, unknown>> = { range_query: { start: '1h' }, describe_metric: { metric: 'up' }, label_values: { label: 'job' }, series: { match: 'up' }, expire_silence: { id: 'e2518ae4-7b19-404f-bd7f-2bb054725576' } };
      const call = asToolCall(op.name, args[op.name] ?? {});
      expect(TOOLS.find((tool) => tool.name === call.tool)!.route(call.args).operation).toBe(op.name);
    }
  });

  it('use, besides enum for MCP clients, only what AgentCore Gateway accepts for Lambda targets; its own schema has no enum', () => {
    for (const tool of toolDefinitions()) {
      expect([...new Set(keysIn(tool.inputSchema as never))].filter((k) => !GATEWAY_KEYS.includes(k) && k !== 'enum')).toEqual([]);
    }
    for (const tool of GATEWAY_PAYLOAD()) {
      const schema = camel(tool['Fn::If'][1].InputSchema as Record<string, unknown>);
      expect([...new Set(keysIn(schema))].filter((k) => !GATEWAY_KEYS.includes(k))).toEqual([]);
    }
  });

  it('offer allowed values as enum, and leave times, lengths and patterns to the instructions and the operations', () => {
    const props = (name: string) => toolDefinitions().find((t) => t.name === name)!.inputSchema.properties!;
    expect(props('query').format).toEqual({ type: 'string', description: 'summary: per series min, max, avg, last.', enum: ['compact', 'summary', 'prometheus'] });
    expect(props('alerts').state).toEqual({ type: 'string', enum: ['firing', 'pending'] });
    expect(props('query').workspace_id).toEqual({ type: 'string', description: 'Default: configured.' });
    expect(props('query').time).toEqual({ type: 'string' });
    expect(toolDefinitions().find((t) => t.name === 'query')!.inputSchema.required).toEqual(['query']);
    expect(props('discover').match).toEqual({ type: 'string', description: 'Or a list of up to 20.' });
    // An argument list that requires nothing says nothing of it.
    expect(toolDefinitions().find((t) => t.name === 'discover')!.inputSchema).not.toHaveProperty('required');
  });

  it('give the gateway the enums as text, workspace_id only with AllowedWorkspaceIds, no region, and the conventions in the first description', () => {
    const payload = GATEWAY_PAYLOAD().map((t) => t['Fn::If'][1] as { Name: string; Description: string; InputSchema: { Properties: Record<string, unknown> } });
    const query = payload.find((t) => t.Name === 'query')!;
    expect(query.InputSchema.Properties.format).toEqual({
      Type: 'string',
      Description: 'summary: per series min, max, avg, last. One of: compact, summary, prometheus.',
    });
    expect(query.InputSchema.Properties.workspace_id).toEqual({
      'Fn::If': ['HasWorkspaceChoice', { Type: 'string', Description: 'Default: configured.' }, { Ref: 'AWS::NoValue' }],
    });
    expect(payload[0]!.Description).toBe(`${toolDefinitions()[0]!.description} ${GATEWAY_CONVENTIONS}`);
    for (const tool of payload) {
      expect(tool.InputSchema.Properties).not.toHaveProperty('region');
      expect(tool.InputSchema.Properties.workspace_id).toMatchObject({ 'Fn::If': ['HasWorkspaceChoice', expect.anything(), { Ref: 'AWS::NoValue' }] });
    }
  });

  it('tools.json is up to date with the schemas (npm run tools)', () => {
    expect(readFileSync(TOOLS_FILE, 'utf8')).toBe(renderToolsJson());
  });

  it("template.yaml's gateway tool schema is up to date with the schemas (npm run tools)", () => {
    const template = readFileSync(TEMPLATE_FILE, 'utf8');
    expect(template).toBe(renderTemplate(template));
    const payload = readTemplate(TEMPLATE_FILE).Resources.GatewayTarget.Properties.TargetConfiguration.Mcp.Lambda.ToolSchema.InlinePayload;
    expect(payload.map((t: { 'Fn::If': [string, { Name: string }] }) => t['Fn::If'][1].Name)).toEqual(JSON.parse(readFileSync(TOOLS_FILE, 'utf8')).map((t: { name: string }) => t.name));
  });

  it('declare no output schema to the gateway, which is not documented to return structuredContent; the local MCP server keeps it', () => {
    // MCP clients refuse a result without structuredContent from a tool that declares an outputSchema.
    const payload = readTemplate(TEMPLATE_FILE).Resources.GatewayTarget.Properties.TargetConfiguration.Mcp.Lambda.ToolSchema.InlinePayload as { 'Fn::If': [string, Record<string, unknown>] }[];
    for (const tool of payload) expect(Object.keys(tool['Fn::If'][1])).toEqual(['Name', 'Description', 'InputSchema']);
    for (const tool of JSON.parse(readFileSync(TOOLS_FILE, 'utf8')) as { outputSchema?: unknown }[]) {
      expect(tool.outputSchema).toMatchObject({ type: 'object', required: ['status'] });
    }
  });
});

describe('the optional AgentCore Gateway in template.yaml', () => {
  const template = readTemplate(path.join(__dirname, '..', '..', 'template.yaml'));
  const r = template.Resources;

  it('is off by default', () => {
    expect(template.Parameters.EnableAgentCoreGateway.Default).toBe('false');
    expect(template.Conditions.CreateGateway).toEqual({ 'Fn::Equals': [{ Ref: 'EnableAgentCoreGateway' }, 'true'] });
    for (const id of ['GatewayUserPool', 'GatewayUserPoolDomain', 'GatewayResourceServer', 'GatewayClient', 'GatewayRole', 'Gateway', 'GatewayTarget']) {
      expect(r[id].Condition).toBe('CreateGateway');
    }
  });

  it('speaks MCP behind a JWT authorizer on the Cognito app client (client-credentials)', () => {
    expect(r.Gateway.Properties).toMatchObject({
      ProtocolType: 'MCP',
      AuthorizerType: 'CUSTOM_JWT',
      AuthorizerConfiguration: {
        CustomJWTAuthorizer: {
          DiscoveryUrl: { 'Fn::Sub': 'https://cognito-idp.${AWS::Region}.amazonaws.com/${GatewayUserPool}/.well-known/openid-configuration' },
          AllowedClients: [{ Ref: 'GatewayClient' }],
        },
      },
      RoleArn: { 'Fn::GetAtt': ['GatewayRole', 'Arn'] },
    });
    expect(r.GatewayClient.Properties).toMatchObject({ GenerateSecret: true, AllowedOAuthFlows: ['client_credentials'] });
  });

  it('offers MCP 2026-07-28 besides the 2025 revisions, and 2025-03-26 for requests that name none', () => {
    expect(r.Gateway.Properties.ProtocolConfiguration).toEqual({ Mcp: { SupportedVersions: ['2025-03-26', '2025-06-18', '2025-11-25', '2026-07-28'] } });
  });

  it('targets the router with the gateway role, which may invoke it and nothing else, and only AgentCore for a gateway of this account and region may assume', () => {
    expect(r.GatewayTarget.Properties.CredentialProviderConfigurations).toEqual([{ CredentialProviderType: 'GATEWAY_IAM_ROLE' }]);
    expect(r.GatewayTarget.Properties.TargetConfiguration.Mcp.Lambda.LambdaArn).toEqual({ Ref: 'IntegrationFunction.Alias' });
    expect(r.GatewayRole.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'bedrock-agentcore.amazonaws.com' },
        Action: 'sts:AssumeRole',
        // Assumed only by AgentCore on behalf of a gateway of this account and region (any of
        // them: the role is created before the gateway, which names it).
        Condition: {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          ArnLike: { 'aws:SourceArn': { 'Fn::Sub': 'arn:${AWS::Partition}:bedrock-agentcore:${AWS::Region}:${AWS::AccountId}:gateway/*' } },
        },
      },
    ]);
    expect(r.GatewayRole.Properties.Policies).toEqual([
      {
        PolicyName: 'InvokePrometheusTools',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { Ref: 'IntegrationFunction.Alias' } }],
        },
      },
    ]);
  });

  it('outputs the gateway URL, the token endpoint and the client id', () => {
    for (const id of ['GatewayUrl', 'GatewayTokenEndpoint', 'GatewayClientId', 'GatewayScope']) {
      expect(template.Outputs[id].Condition).toBe('CreateGateway');
    }
    expect(template.Outputs.GatewayUrl.Value).toEqual({ 'Fn::GetAtt': ['Gateway', 'GatewayUrl'] });
  });
});
