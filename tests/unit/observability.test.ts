/** The X-Ray SDK is loaded only where traces go: in Lambda with active tracing. */

function tracerWith(env: Record<string, string | undefined>): unknown {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete process.env[key];
  try {
    let tracer: unknown;
    jest.isolateModules(() => {
      tracer = (require('../../src/shared/observability') as typeof import('../../src/shared/observability')).tracer;
    });
    return tracer;
  } finally {
    process.env = saved;
  }
}

it('creates the Tracer in Lambda with active tracing', () => {
  const tracer = tracerWith({ AWS_LAMBDA_FUNCTION_NAME: 'prometheus-query', AWS_XRAY_DAEMON_ADDRESS: '169.254.79.129:2000', POWERTOOLS_TRACE_ENABLED: undefined });
  expect(tracer?.constructor.name).toBe('Tracer');
});

it.each([
  ['outside Lambda', { AWS_LAMBDA_FUNCTION_NAME: undefined, AWS_XRAY_DAEMON_ADDRESS: undefined }],
  ['in Lambda without active tracing', { AWS_LAMBDA_FUNCTION_NAME: 'prometheus-query', AWS_XRAY_DAEMON_ADDRESS: undefined }],
  ['when POWERTOOLS_TRACE_ENABLED=false', { AWS_LAMBDA_FUNCTION_NAME: 'prometheus-query', AWS_XRAY_DAEMON_ADDRESS: '169.254.79.129:2000', POWERTOOLS_TRACE_ENABLED: 'false' }],
])('loads no tracer %s', (_, env) => {
  expect(tracerWith(env)).toBeUndefined();
});
