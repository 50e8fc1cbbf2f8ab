import path from 'node:path';
import { readTemplate } from './template';
import { TEST_ACCOUNT_ID, TEST_CREDENTIALS, TEST_REGION, TEST_WORKSPACE_ID, type TestCredentials } from './credentials';

/**
 * IAM for the stand-ins, as AWS evaluates it: each function signs with its own access
 * key, and a call is allowed only when the function's role in template.yaml (expanded as
 * CloudFormation expands it, for one stack) has an Allow statement for the action on the
 * resource whose conditions hold, and no Deny. Everything the template could express but
 * this evaluator does not know (NotAction, an unknown condition operator or key) fails
 * loudly instead of being allowed.
 *
 * The actions are AMP's, from the Service Authorization Reference, and CloudWatch's, from
 * its user guide's table "IAM permissions for PromQL", written here independently of
 * src/shared/calls.ts: the stand-ins must catch a wrong mapping there.
 */

/** The action AMP authorises each Prometheus-compatible endpoint of a workspace with. */
export function ampActionFor(endpoint: string): string | undefined {
  if (endpoint === 'query' || endpoint === 'query_range') return 'aps:QueryMetrics';
  if (endpoint === 'labels' || /^label\/[^/]+\/values$/.test(endpoint)) return 'aps:GetLabels';
  if (endpoint === 'series') return 'aps:GetSeries';
  if (endpoint === 'metadata') return 'aps:GetMetricMetadata';
  if (endpoint === 'rules') return 'aps:ListRules';
  if (endpoint === 'alerts') return 'aps:ListAlerts';
  return undefined;
}

/**
 * The actions CloudWatch authorises each path of its PromQL API with (after `/api/v1/`),
 * every one of them required: a query needs both GetMetricData and ListMetrics, discovery
 * ListMetrics. Undefined for a path CloudWatch does not serve (metadata, rules, alerts,
 * status…).
 */
export function cloudWatchActionsForPath(endpoint: string): string[] | undefined {
  if (endpoint === 'query' || endpoint === 'query_range') return ['cloudwatch:GetMetricData', 'cloudwatch:ListMetrics'];
  if (endpoint === 'series' || endpoint === 'labels' || /^label\/[^/]+\/values$/.test(endpoint)) return ['cloudwatch:ListMetrics'];
  return undefined;
}

/** The resource a CloudWatch PromQL call is authorised on: CloudWatch has no resource type for these actions. */
export const CLOUDWATCH_RESOURCE = '*';

/**
 * Whether `identity` may call a CloudWatch PromQL path in `region`: every action the path
 * needs must be allowed, on *, with the request's aws:RequestedRegion; the first refused
 * one is the answer, as IAM names one action. A path CloudWatch does not serve is refused
 * by the caller (a 404), not here.
 */
export function authorizeCloudWatch(identity: Identity, endpoint: string, region: string): Decision {
  const actions = cloudWatchActionsForPath(endpoint);
  if (actions === undefined) throw new Error(`IAM stand-in: CloudWatch serves no /api/v1/${endpoint}`);
  for (const action of actions) {
    const decision = authorize(identity, action, CLOUDWATCH_RESOURCE, { 'aws:RequestedRegion': region });
    if (!decision.allowed) return decision;
  }
  return { allowed: true };
}

export const workspaceArn = (workspaceId: string, region = TEST_REGION): string =>
  `arn:aws:aps:${region}:${TEST_ACCOUNT_ID}:workspace/${workspaceId}`;

export interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
  NotAction?: unknown;
  NotResource?: unknown;
}

/** Who signs: an access key and the role it stands for. */
export interface Identity {
  credentials: TestCredentials;
  role: string;
  statements: Statement[];
}

export type Decision = { allowed: true } | { allowed: false; message: string };

/** Evaluates `action` on `resource` for an identity, with the request's context keys. */
export function authorize(identity: Identity, action: string, resource: string, context: Record<string, string>): Decision {
  const applies = (s: Statement) => {
    if (s.NotAction !== undefined || s.NotResource !== undefined) throw new Error(`IAM stand-in: NotAction/NotResource in ${identity.role} is not supported`);
    return list(s.Action).some((a) => glob(a, action, true)) && list(s.Resource).some((r) => glob(r, resource, false)) && conditionsHold(s.Condition, context, identity.role);
  };
  const user = `arn:aws:sts::${TEST_ACCOUNT_ID}:assumed-role/${identity.role}/session`;
  if (identity.statements.some((s) => s.Effect === 'Deny' && applies(s))) {
    return { allowed: false, message: `User: ${user} is not authorized to perform: ${action} on resource: ${resource} with an explicit deny in an identity-based policy` };
  }
  if (identity.statements.some((s) => s.Effect === 'Allow' && applies(s))) return { allowed: true };
  return {
    allowed: false,
    message: `User: ${user} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`,
  };
}

function list(value: string | string[]): string[] {
  return Array.isArray(value) ? value : [value];
}

/** IAM's wildcards: `*` any run of characters, `?` one; actions compare case-insensitively. */
function glob(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '').test(value);
}

function conditionsHold(condition: Statement['Condition'], context: Record<string, string>, role: string): boolean {
  if (condition === undefined) return true;
  return Object.entries(condition).every(([operator, keys]) =>
    Object.entries(keys).every(([key, expected]) => {
      if (!['aws:RequestedRegion', 'aws:SourceAccount', 'aws:SourceArn'].includes(key)) {
        throw new Error(`IAM stand-in: condition key ${key} in ${role} is not supported`);
      }
      const actual = context[key];
      // A key the request does not carry: the condition does not hold.
      if (actual === undefined) return false;
      switch (operator) {
        case 'StringEquals':
        case 'ArnEquals':
          return list(expected).includes(actual);
        case 'StringLike':
        case 'ArnLike':
          return list(expected).some((p) => glob(p, actual, false));
        default:
          throw new Error(`IAM stand-in: condition operator ${operator} in ${role} is not supported`);
      }
    }),
  );
}

// ---------------------------------------------------------------------------------------
// The roles of template.yaml, for one stack.

const TEMPLATE = path.join(__dirname, '..', '..', 'template.yaml');
const NO_VALUE = Symbol('AWS::NoValue');

export interface StackSettings {
  parameters?: Record<string, string>;
  stackName?: string;
  /** Deploy with CloudWatchPromQL=true (the template's default is false); `parameters` may say so too. */
  cloudWatch?: boolean;
}

/** Each function's identity, by its handler file (`query`, `range-query`…), from the template's roles. */
export function functionIdentities(settings: StackSettings = {}): Map<string, Identity> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const template = readTemplate(TEMPLATE) as any;
  const parameters: Record<string, string> = {
    ...Object.fromEntries(Object.entries(template.Parameters as Record<string, { Default?: unknown }>).map(([k, v]) => [k, v.Default === undefined ? '' : String(v.Default)])),
    WorkspaceId: TEST_WORKSPACE_ID,
    ...(settings.cloudWatch === undefined ? {} : { CloudWatchPromQL: String(settings.cloudWatch) }),
    ...settings.parameters,
  };
  const pseudo: Record<string, string> = {
    'AWS::Region': TEST_REGION,
    'AWS::AccountId': TEST_ACCOUNT_ID,
    'AWS::Partition': 'aws',
    'AWS::StackName': settings.stackName ?? 'prometheus-tools',
    'AWS::StackId': `arn:aws:cloudformation:${TEST_REGION}:${TEST_ACCOUNT_ID}:stack/prometheus-tools/0f2d3c40-0000-4000-8000-000000000000`,
    'AWS::URLSuffix': 'amazonaws.com',
  };
  const resources = template.Resources as Record<string, { Type: string; Condition?: string; Properties: Record<string, unknown> }>;
  const conditions = template.Conditions as Record<string, unknown>;
  const conditionCache = new Map<string, boolean>();

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const evaluate = (node: any): any => {
    if (node === null || typeof node !== 'object') return node;
    if (Array.isArray(node)) return node.map(evaluate).filter((n) => n !== NO_VALUE);
    const keys = Object.keys(node);
    if (keys.length === 1) {
      const [fn] = keys as [string];
      const args = node[fn];
      switch (fn) {
        case 'Ref':
          if (args === 'AWS::NoValue') return NO_VALUE;
          if (args in pseudo) return pseudo[args];
          if (args in parameters) {
            const type = template.Parameters[args].Type as string;
            return type === 'CommaDelimitedList' || type.startsWith('List<') ? parameters[args]!.split(',') : parameters[args];
          }
          if (args in resources) return `physical-id-of-${args}`;
          throw new Error(`IAM stand-in: Ref to unknown ${args}`);
        case 'Fn::Sub': {
          const [text, vars] = Array.isArray(args) ? [args[0] as string, evaluate(args[1]) as Record<string, string>] : [args as string, {}];
          return text.replace(/\$\{([^}!]+)\}/g, (_m, name: string) => {
            if (name in vars) return vars[name]!;
            if (name.includes('.')) return evaluate({ 'Fn::GetAtt': name.split('.') });
            return String(evaluate({ Ref: name }));
          });
        }
        case 'Fn::If':
          return evaluate(condition(args[0]) ? args[1] : args[2]);
        case 'Fn::Join':
          return (evaluate(args[1]) as string[]).join(args[0]);
        case 'Fn::Split':
          return (evaluate(args[1]) as string).split(args[0]);
        case 'Fn::Select':
          return (evaluate(args[1]) as unknown[])[Number(evaluate(args[0]))];
        case 'Fn::GetAtt': {
          const [id, attribute] = args as [string, string];
          if (!(id in resources)) throw new Error(`IAM stand-in: GetAtt of unknown ${id}`);
          return `arn:aws:stand-in:${TEST_REGION}:${TEST_ACCOUNT_ID}:${id}/${attribute}`;
        }
        case 'Fn::Equals':
          return evaluate(args[0]) === evaluate(args[1]);
        case 'Fn::Not':
          return !evaluate(args[0]);
        case 'Fn::And':
          return (args as unknown[]).every((a) => evaluate(a));
        case 'Fn::Or':
          return (args as unknown[]).some((a) => evaluate(a));
        case 'Condition':
          return condition(args);
        default:
          if (fn.startsWith('Fn::')) throw new Error(`IAM stand-in: ${fn} is not supported`);
      }
    }
    return Object.fromEntries(
      Object.entries(node)
        .map(([k, v]) => [k, evaluate(v)])
        .filter(([, v]) => v !== NO_VALUE),
    );
  };
  const condition = (name: string): boolean => {
    if (!conditionCache.has(name)) conditionCache.set(name, Boolean(evaluate(conditions[name])));
    return conditionCache.get(name)!;
  };
  const exists = (id: string) => resources[id] !== undefined && (resources[id]!.Condition === undefined || condition(resources[id]!.Condition!));

  const statementsOf = (roleId: string): Statement[] => {
    const role = resources[roleId]!;
    const inline = ((role.Properties.Policies ?? []) as { PolicyDocument: { Statement: unknown } }[]).map((p) => p.PolicyDocument);
    const attached = Object.entries(resources)
      .filter(([id, r]) => exists(id) && r.Type === 'AWS::IAM::Policy' && (r.Properties.Roles as unknown[]).some((ref) => (ref as { Ref?: string }).Ref === roleId))
      .map(([, r]) => r.Properties.PolicyDocument as { Statement: unknown });
    const rolePolicies = Object.entries(resources)
      .filter(([id, r]) => exists(id) && r.Type === 'AWS::IAM::RolePolicy' && (r.Properties.RoleName as { Ref?: string }).Ref === roleId)
      .map(([, r]) => r.Properties.PolicyDocument as { Statement: unknown });
    return [...inline, ...attached, ...rolePolicies].flatMap((doc) => list(evaluate(doc).Statement as never) as unknown as Statement[]);
  };

  const identities = new Map<string, Identity>();
  for (const [id, fn] of Object.entries(template.Mappings.Functions as Record<string, { Entry: string }>)) {
    const resource = resources[`${id}Function`];
    if (resource === undefined) throw new Error(`IAM stand-in: no ${id}Function in the template`);
    const roleId = (resource.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    identities.set(fn.Entry, { credentials: functionCredentials(fn.Entry), role: `${pseudo['AWS::StackName']}-${roleId}`, statements: statementsOf(roleId) });
  }
  return identities;
}

/** The access key a function's role signs with in the tests: its own, so the stand-ins know which role calls. */
export function functionCredentials(entry: string): TestCredentials {
  return { ...TEST_CREDENTIALS, accessKeyId: `AKID${entry.toUpperCase().replace(/[^A-Z0-9]/g, '')}FUNCTION` };
}

/**
 * The identity of the tests' own default credentials (those in the environment when no
 * function is being called): a role that may do nothing, so a function called without
 * its own role fails as it would on AWS.
 */
export const NOBODY: Identity = { credentials: TEST_CREDENTIALS, role: 'tests-without-a-function-role', statements: [] };

const cached = new Map<string, Identity[]>();

/**
 * Every identity the stand-ins know: each function's, for a stack deployed with
 * `settings` (the template's defaults, CloudWatch PromQL off, unless told), and NOBODY.
 */
export function knownIdentities(settings: StackSettings = {}): Identity[] {
  const key = JSON.stringify(settings);
  if (!cached.has(key)) cached.set(key, [...functionIdentities(settings).values(), NOBODY]);
  return cached.get(key)!;
}

/** The identity signing with this access key, if any. */
export function identityOf(accessKeyId: string | undefined, identities: Identity[] = knownIdentities()): Identity | undefined {
  return identities.find((i) => i.credentials.accessKeyId === accessKeyId);
}
