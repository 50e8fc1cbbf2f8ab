import { loadConfig } from '../../src/shared/config';

describe('loadConfig', () => {
  it('has safe defaults', () => {
    expect(loadConfig({})).toEqual({
      defaultWorkspaceId: undefined,
      defaultRegion: undefined,
      prometheusUrl: undefined,
      sigv4: true,
      cloudWatch: false,
      cloudWatchEndpoint: undefined,
      maxAttempts: 3,
      maxResponseBytes: 16 * 1024 * 1024,
      workspaceCacheTtlMs: 300_000,
      responseBudgetBytes: 6_000_000,
      allowedWorkspaceIds: undefined,
      allowedRegions: undefined,
      enabledTools: undefined,
      samplesThresholds: { warning: undefined, error: undefined },
      agentResponseBudgetTokens: 20_000,
      alertmanagerUrl: undefined,
      allowSilences: false,
      maxSilenceHours: 4,
    });
  });

  it.each([
    ['128', 2 * 1024 * 1024],
    ['256', 4 * 1024 * 1024],
    ['512', 8 * 1024 * 1024],
  ])('holds at most a sixty-fourth of the function memory (%s MB) of an upstream answer', (memory, bytes) => {
    expect(loadConfig({ AWS_LAMBDA_FUNCTION_MEMORY_SIZE: memory }).maxResponseBytes).toBe(bytes);
  });

  it('reads ALLOWED_REGIONS', () => {
    expect(loadConfig({ ALLOWED_REGIONS: 'us-east-1, eu-west-1' }).allowedRegions).toEqual(new Set(['us-east-1', 'eu-west-1']));
    expect(() => loadConfig({ ALLOWED_REGIONS: 'us-east-1,evil.com' })).toThrow(
      'environment variable ALLOWED_REGIONS has an entry that does not match',
    );
  });

  it('reads every variable', () => {
    const config = loadConfig({
      WORKSPACE_ID: 'ws-12345678-abcd-1234-efgh-123456789012',
      AWS_REGION: 'eu-west-1',
      PROMETHEUS_URL: 'http://127.0.0.1:9090/workspaces/ws-x/',
      PROMETHEUS_SIGV4: 'false',
      CLOUDWATCH_PROMQL: 'true',
      CLOUDWATCH_ENDPOINT: 'http://127.0.0.1:9091/cw/',
      PROMETHEUS_MAX_ATTEMPTS: '5',
      PROMETHEUS_MAX_RESPONSE_BYTES: '2048',
      WORKSPACE_CACHE_TTL_SECONDS: '0',
      RESPONSE_BUDGET_BYTES: '200000',
      ALLOWED_WORKSPACE_IDS: 'ws-12345678-abcd-1234-efgh-123456789012, ,ws-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee,',
      ALLOWED_REGIONS: 'eu-west-1',
      ENABLED_TOOLS: 'query,list_metrics',
      MAX_SAMPLES_PROCESSED_WARNING_THRESHOLD: '1000000',
      MAX_SAMPLES_PROCESSED_ERROR_THRESHOLD: '0',
      AGENT_RESPONSE_BUDGET_TOKENS: '50000',
      ALERTMANAGER_URL: 'http://127.0.0.1:9093',
      ALLOW_SILENCES: 'true',
      MAX_SILENCE_HOURS: '2',
    });
    expect(config).toEqual({
      defaultWorkspaceId: 'ws-12345678-abcd-1234-efgh-123456789012',
      defaultRegion: 'eu-west-1',
      prometheusUrl: new URL('http://127.0.0.1:9090/workspaces/ws-x/'),
      sigv4: false,
      cloudWatch: true,
      cloudWatchEndpoint: new URL('http://127.0.0.1:9091/cw/'),
      maxAttempts: 5,
      maxResponseBytes: 2048,
      workspaceCacheTtlMs: 0,
      responseBudgetBytes: 200_000,
      allowedWorkspaceIds: new Set(['ws-12345678-abcd-1234-efgh-123456789012', 'ws-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee']),
      allowedRegions: new Set(['eu-west-1']),
      enabledTools: new Set(['query', 'list_metrics']),
      samplesThresholds: { warning: 1_000_000, error: undefined },
      agentResponseBudgetTokens: 50_000,
      alertmanagerUrl: new URL('http://127.0.0.1:9093'),
      allowSilences: true,
      maxSilenceHours: 2,
    });
  });

  it.each([
    [{ WORKSPACE_ID: 'ws-../x' }, 'environment variable WORKSPACE_ID must match'],
    [{ AWS_REGION: 'mars-1' }, 'environment variable AWS_REGION must match'],
    [{ PROMETHEUS_URL: 'not a url' }, 'environment variable PROMETHEUS_URL is not a URL'],
    [{ ALERTMANAGER_URL: 'http://127.0.0.1:9093' }, 'environment variable ALERTMANAGER_URL goes with PROMETHEUS_URL'],
    [{ MAX_SILENCE_HOURS: '0' }, 'environment variable MAX_SILENCE_HOURS'],
    [{ PROMETHEUS_URL: 'file:///etc/passwd' }, 'environment variable PROMETHEUS_URL must be an http:// or https:// URL'],
    [{ PROMETHEUS_URL: 'https://user:secret@example.com' }, 'must not carry credentials, a query or a fragment'],
    [{ PROMETHEUS_SIGV4: 'maybe' }, 'environment variable PROMETHEUS_SIGV4 must be true or false'],
    [{ PROMETHEUS_MAX_ATTEMPTS: '0' }, 'environment variable PROMETHEUS_MAX_ATTEMPTS must be an integer from 1 to 10'],
    [{ ALLOWED_WORKSPACE_IDS: 'ws-12345678-abcd-1234-efgh-123456789012,../x' }, 'environment variable ALLOWED_WORKSPACE_IDS has an entry that does not match'],
    [{ CLOUDWATCH_PROMQL: 'yes' }, 'environment variable CLOUDWATCH_PROMQL must be true or false'],
    [{ CLOUDWATCH_ENDPOINT: 'ftp://monitoring.example' }, 'environment variable CLOUDWATCH_ENDPOINT must be an http:// or https:// URL'],
    [{ WORKSPACE_ID: 'cloudwatch' }, 'environment variable WORKSPACE_ID is cloudwatch, but CLOUDWATCH_PROMQL is not true'],
  ])('fails fast on %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('makes CloudWatch the default target of a deployment of CloudWatch alone', () => {
    expect(loadConfig({ CLOUDWATCH_PROMQL: 'true' }).defaultWorkspaceId).toBe('cloudwatch');
    expect(loadConfig({ CLOUDWATCH_PROMQL: 'true', WORKSPACE_ID: 'cloudwatch' }).defaultWorkspaceId).toBe('cloudwatch');
    // A workspace, or PROMETHEUS_URL, stays the default; CloudWatch is then named.
    expect(loadConfig({ CLOUDWATCH_PROMQL: 'true', WORKSPACE_ID: 'ws-12345678-abcd-1234-efgh-123456789012' }).defaultWorkspaceId).toBe(
      'ws-12345678-abcd-1234-efgh-123456789012',
    );
    expect(loadConfig({ CLOUDWATCH_PROMQL: 'true', PROMETHEUS_URL: 'http://127.0.0.1:9090' }).defaultWorkspaceId).toBeUndefined();
    expect(loadConfig({ CLOUDWATCH_PROMQL: 'false' }).defaultWorkspaceId).toBeUndefined();
  });
});
