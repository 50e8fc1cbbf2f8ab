import { CLOUDWATCH_TARGET } from './cloudwatch';
import { BlockedPatternError, NotAllowedError } from './errors';

/**
 * The seed's dangerous-pattern list, exactly: command injection, file access and
 * network access. It is a coarse filter (it also refuses valid PromQL whose label
 * values contain, say, a URL); the error names the pattern so a refusal is explainable.
 */
export const DANGEROUS_PATTERNS: readonly string[] = [
  ';',
  '&&',
  '||',
  '`',
  '$(',
  '${',
  'file://',
  '/etc/',
  '/var/log',
  'http://',
  'https://',
];

/**
 * What a workspace_id may be: an AMP workspace ID, `ws-` and a UUID-shaped body
 * (alphanumerics only, not just hex, so the seed's own example
 * `ws-12345678-abcd-1234-efgh-123456789012` passes; nothing that could change a URL's
 * host or path — `/`, `.`, `%`, `@`, `?`, `#` — can), or `cloudwatch` (CLOUDWATCH_TARGET):
 * CloudWatch PromQL, where the deployment enables it.
 */
export const WORKSPACE_ID_PATTERN =
  '^(ws-[a-z0-9]{8}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{12}|cloudwatch)$';

/** AWS regions: `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`, `us-isob-east-1`. */
export const REGION_PATTERN =
  '^[a-z]{2}(-gov|-iso[a-z]?)?-(north|south|east|west|central|northeast|northwest|southeast|southwest)-[1-9]$';

/**
 * Checks every string in `args` (nested values included) against the blocked
 * patterns; throws naming the first field and pattern found.
 */
export function assertNoDangerousPatterns(args: Record<string, unknown>): void {
  for (const [field, value] of Object.entries(args)) {
    for (const text of stringsIn(value)) {
      const pattern = DANGEROUS_PATTERNS.find((p) => text.includes(p));
      if (pattern !== undefined) throw new BlockedPatternError(field, pattern);
    }
  }
}

/**
 * With an allow-list configured, a workspace outside it is refused before any call. The
 * list names AMP workspaces: CloudWatch is allowed wherever the deployment enables it,
 * which resolveTarget checks (refusing it, before any call, where it is not enabled).
 */
export function assertWorkspaceAllowed(workspaceId: string | undefined, allowed: ReadonlySet<string> | undefined): void {
  if (allowed === undefined || workspaceId === undefined || workspaceId === CLOUDWATCH_TARGET || allowed.has(workspaceId)) return;
  throw new NotAllowedError(
    `workspace ${workspaceId} is not one this deployment may query (ALLOWED_WORKSPACE_IDS: ${[...allowed].join(', ')})`,
  );
}

/**
 * With ALLOWED_REGIONS set (the template sets it to the stack's region, the only one
 * its IAM policies name), a request for another region is refused before any call
 * instead of failing later with AMP's AccessDenied.
 */
export function assertRegionAllowed(region: string | undefined, allowed: ReadonlySet<string> | undefined): void {
  if (allowed === undefined || region === undefined || allowed.has(region)) return;
  throw new NotAllowedError(
    `region ${region} is not one this deployment may query (ALLOWED_REGIONS: ${[...allowed].join(', ')}); ` +
      'omit region to use the default',
  );
}

function* stringsIn(value: unknown): Generator<string> {
  if (typeof value === 'string') {
    yield value;
  } else if (Array.isArray(value)) {
    for (const item of value) yield* stringsIn(item);
  } else if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) yield* stringsIn(item);
  }
}
