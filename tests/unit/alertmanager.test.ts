import { lambdaContext } from '../../scripts/lib/lambda-context';
import { alertText, matchersText, parseMatchers } from '../../src/shared/alertmanager';
import { callerOf } from '../../src/shared/handler';

describe('matchers as a model writes and reads them', () => {
  it.each([
    ['{alertname="DiskFull"}', [{ name: 'alertname', value: 'DiskFull', isRegex: false, isEqual: true }]],
    ['DiskFull{instance=~"node-.*"}', [{ name: 'alertname', value: 'DiskFull', isRegex: false, isEqual: true }, { name: 'instance', value: 'node-.*', isRegex: true, isEqual: true }]],
    ['{severity!="info", job!~"test|dev", "@service.name"="api"}', [
      { name: 'severity', value: 'info', isRegex: false, isEqual: false },
      { name: 'job', value: 'test|dev', isRegex: true, isEqual: false },
      { name: '@service.name', value: 'api', isRegex: false, isEqual: true },
    ]],
  ])('reads %s into the Alertmanager\'s matchers, and writes them back the same', async (text, matchers) => {
    expect(await parseMatchers('matchers', text)).toEqual(matchers);
    expect(await parseMatchers('matchers', matchersText(matchers))).toEqual(matchers);
  });

  it.each([
    ['{}', 'must name what to silence'],
    ['{alertname=~".*"}', 'must name what to silence'],
    ['{alertname!="x"}', 'must name what to silence'],
    ['{job=""}', 'must name what to silence'],
    ['up or down', 'must be one selector of alert labels'],
    ['rate(x[5m])', 'must be one selector of alert labels'],
    ['{alertname="x"', 'must be one selector of alert labels'],
    ['{alertname="x"} extra', 'must be one selector of alert labels'],
  ])('refuses %s: %s', async (text, message) => {
    await expect(parseMatchers('matchers', text)).rejects.toThrow(message);
  });

  it('writes an alert as a selector, its name first and its labels in order', () => {
    expect(alertText({ severity: 'critical', alertname: 'NodeDown', instance: 'node-2:9100' })).toBe('NodeDown{instance="node-2:9100", severity="critical"}');
  });
});

describe("a silence's createdBy (the caller)", () => {
  it('always begins with prometheus-tools, then says the way in and what the gateway tells of itself', () => {
    expect(callerOf(lambdaContext({ functionName: 'fn' }), undefined)).toBe('prometheus-tools (direct invoke of fn)');
    expect(callerOf(lambdaContext({ toolName: 'silence' }), 'silence')).toBe('prometheus-tools (local MCP server)');
    expect(callerOf(lambdaContext({ toolName: 'silence', gateway: true }), 'silence')).toBe('prometheus-tools (AgentCore Gateway)');
    const context = lambdaContext({ toolName: 'silence', gateway: true });
    Object.assign(context.clientContext!.custom!, { bedrockAgentCoreTargetId: 'T1', bedrockAgentCoreSessionId: 'S9' });
    expect(callerOf(context, 'silence')).toBe('prometheus-tools (AgentCore Gateway, target T1, session S9)');
  });
});
