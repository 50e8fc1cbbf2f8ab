/**
 * Invokes one handler in-process with an events file, without Docker: the local
 * stand-in for `sam local invoke -e events/<fn>.json <Function>`.
 *
 *   npm run invoke -- <function> [event.json] [--timeout SECONDS]
 *
 * <function> is a file of src/handlers/: query, range-query, list-metrics, server-info,
 * discovery, alerting, workspaces or integration.
 * Set PROMETHEUS_URL to query a local or self-managed Prometheus (PROMETHEUS_SIGV4=false
 * when it has no SigV4 front); without it, AWS credentials and DescribeWorkspace are used.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { lambdaContext } from './lib/lambda-context';

const FUNCTIONS = readdirSync(path.join(__dirname, '..', 'src', 'handlers')).map((file) => file.replace(/\.ts$/, ''));
const TIMEOUTS: Record<string, number> = { 'range-query': 60, integration: 60 };

async function main(argv: string[]): Promise<number> {
  const timeoutAt = argv.indexOf('--timeout');
  const timeout = timeoutAt === -1 ? undefined : Number(argv[timeoutAt + 1]);
  const positional = timeoutAt === -1 ? argv : argv.filter((_, i) => i !== timeoutAt && i !== timeoutAt + 1);
  const [name, eventFile] = positional;
  if (name === undefined || !FUNCTIONS.includes(name) || (timeout !== undefined && !(timeout > 0))) {
    process.stderr.write(`usage: npm run invoke -- <${FUNCTIONS.join('|')}> [event.json] [--timeout SECONDS]\n`);
    return 2;
  }
  // EMF metric lines are for CloudWatch; locally they only hide the answer.
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  const file = eventFile ?? path.join('events', `${name}.json`);
  const event: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const { handler } = (await import(`../src/handlers/${name}`)) as {
    handler: (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;
  };
  const result = await handler(event, lambdaContext({ remainingMs: (timeout ?? TIMEOUTS[name] ?? 30) * 1000, functionName: `prometheus-${name}` }));
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  const status = (result as { statusCode?: number; status?: string }).statusCode ?? ((result as { status?: string }).status === 'success' ? 200 : 400);
  return status < 400 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`invoke failed: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
