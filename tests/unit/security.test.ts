import { BlockedPatternError } from '../../src/shared/errors';
import { DANGEROUS_PATTERNS, REGION_PATTERN, WORKSPACE_ID_PATTERN, assertNoDangerousPatterns, assertWorkspaceAllowed } from '../../src/shared/security';

describe('dangerous patterns', () => {
  it('is the seed list, exactly', () => {
    expect(DANGEROUS_PATTERNS).toEqual([';', '&&', '||', '`', '$(', '${', 'file://', '/etc/', '/var/log', 'http://', 'https://']);
  });

  it.each(DANGEROUS_PATTERNS.map((p) => [p]))('refuses %s in the query, naming field and pattern', (pattern) => {
    const call = () => assertNoDangerousPatterns({ query: `up${pattern}x` });
    expect(call).toThrow(BlockedPatternError);
    expect(call).toThrow(`field 'query' contains the blocked pattern '${pattern}'`);
  });

  it('checks every string parameter, nested ones included', () => {
    expect(() => assertNoDangerousPatterns({ query: 'up', time: 'now;rm' })).toThrow(
      "field 'time' contains the blocked pattern ';'",
    );
    expect(() => assertNoDangerousPatterns({ labels: { a: ['x', 'file:///etc/passwd'] } })).toThrow(
      "field 'labels' contains the blocked pattern 'file://'",
    );
  });

  it('lets ordinary PromQL and non-strings through', () => {
    expect(() =>
      assertNoDangerousPatterns({ query: 'sum by (job) (rate(http_requests_total{code=~"5.."}[5m])) > 0.1', limit: 5, flag: true }),
    ).not.toThrow();
  });
});

describe('workspace ID pattern', () => {
  const re = new RegExp(WORKSPACE_ID_PATTERN);
  it.each(['ws-12345678-abcd-1234-efgh-123456789012', 'ws-9f3c1a2b-4d5e-6f70-8192-a3b4c5d6e7f8', 'cloudwatch'])('accepts %s', (id) => {
    expect(re.test(id)).toBe(true);
  });
  it.each([
    'ws-12345678-abcd-1234-efgh-123456789012/../x',
    'ws-12345678-abcd-1234-efgh-12345678901',
    'WS-12345678-ABCD-1234-EFGH-123456789012',
    'ws-12345678-abcd-1234-efgh-123456789012\n',
    'ws-12345678%2fabcd-1234-efgh-123456789012',
    '../ws-12345678-abcd-1234-efgh-12345678',
    'ws-12345678-abcd-1234-efgh-1234567890@x',
    'CloudWatch',
    'cloudwatch/../x',
    'ws-12345678-abcd-1234-efgh-123456789012|cloudwatch',
  ])('rejects %j', (id) => {
    expect(re.test(id)).toBe(false);
  });
});

describe('workspace allow-list', () => {
  const allowed = new Set(['ws-12345678-abcd-1234-efgh-123456789012']);
  it('refuses a workspace outside it, before any call, as the caller\'s mistake', () => {
    const call = () => assertWorkspaceAllowed('ws-87654321-abcd-1234-efgh-123456789012', allowed);
    expect(call).toThrow(
      'workspace ws-87654321-abcd-1234-efgh-123456789012 is not one this deployment may query (ALLOWED_WORKSPACE_IDS: ws-12345678-abcd-1234-efgh-123456789012)',
    );
    expect(() => assertWorkspaceAllowed('ws-12345678-abcd-1234-efgh-123456789012', allowed)).not.toThrow();
  });

  it('lets cloudwatch through: the list names AMP workspaces, and resolveTarget refuses CloudWatch where it is not enabled', () => {
    expect(() => assertWorkspaceAllowed('cloudwatch', allowed)).not.toThrow();
  });
});

describe('region pattern', () => {
  const re = new RegExp(REGION_PATTERN);
  it.each(['us-east-1', 'eu-central-2', 'ap-southeast-4', 'us-gov-west-1', 'cn-north-1', 'us-isob-east-1', 'il-central-1'])(
    'accepts %s',
    (region) => expect(re.test(region)).toBe(true),
  );
  it.each(['us-east-1.evil.com', 'us-east-1/', 'useast1', 'us-east-10', 'US-EAST-1', 'us-east-1\n', 'x@us-east-1', 'us-middle-1'])(
    'rejects %j',
    (region) => expect(re.test(region)).toBe(false),
  );
});
