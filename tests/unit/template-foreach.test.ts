import path from 'node:path';
import { readTemplateSource } from '../support/template';

/**
 * Only the forms of Fn::ForEach that CloudFormation is known to accept. SAM CLI expands
 * the loops itself (sam build, validate, local invoke) and substitutes the identifier
 * everywhere; CloudFormation expands them again at deploy, and there a Fn::Sub naming a
 * template parameter fails (aws-cloudformation/cfn-language-discussion#136), and a plain
 * string is not substituted at all. So inside a loop body: a Fn::Sub string names only
 * the loop identifiers and pseudo parameters, the list form may add its own variables
 * (for a parameter, a resource's Ref…), no `${${`, and no `${` in a plain string. A string
 * that names both a loop identifier and a pseudo parameter (`!Sub ${AWS::StackName}
 * ${Name}Function`) fails at deploy with "Unresolved resource dependencies"
 * (aws-cloudformation/cfn-language-discussion#151): the pseudo parameter goes into a list
 * form's own variable instead. Keys
 * are left out: ForEach itself substitutes them. Read from the template as written,
 * since the expanded one no longer shows the loops.
 */

const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);
const LOOP = 'Fn::ForEach::';

interface Findings {
  loops: string[];
  problems: string[];
}

/** The loops of a template (or fragment), and every form in their bodies outside the rule. */
function checkLoops(node: unknown): Findings {
  const findings: Findings = { loops: [], problems: [] };
  walk(node, '', undefined, findings);
  return findings;
}

/** `identifiers` is undefined outside any loop: there nothing is checked, only loops looked for. */
function walk(node: unknown, at: string, identifiers: ReadonlySet<string> | undefined, findings: Findings): void {
  if (typeof node === 'string') {
    if (identifiers !== undefined && node.includes('${')) findings.problems.push(`${at}: a plain string with \${ outside Fn::Sub: ${node}`);
    return;
  }
  if (Array.isArray(node)) {
    node.forEach((item, i) => walk(item, `${at}/${i}`, identifiers, findings));
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    const here = `${at}/${key}`;
    if (key.startsWith(LOOP)) {
      findings.loops.push(key.slice(LOOP.length));
      const [identifier, collection, body] = value as [string, unknown, unknown];
      walk(collection, `${here}/1`, identifiers, findings);
      walk(body, `${here}/2`, new Set([...(identifiers ?? []), identifier]), findings);
    } else if (key === 'Fn::Sub' && identifiers !== undefined) {
      checkSub(value, here, identifiers, findings);
    } else {
      walk(value, here, identifiers, findings);
    }
  }
}

function checkSub(args: unknown, at: string, identifiers: ReadonlySet<string>, findings: Findings): void {
  const [text, variables] = Array.isArray(args) ? (args as [unknown, Record<string, unknown>?]) : [args, undefined];
  if (typeof text !== 'string') {
    findings.problems.push(`${at}: a Fn::Sub whose string is not a literal`);
    return;
  }
  if (text.includes('${${')) findings.problems.push(`${at}: a nested \${\${ in Fn::Sub: ${text}`);
  const own = new Set(Object.keys(variables ?? {}));
  // `${!X}` is a literal `${X}`, not a reference.
  const names = [...text.matchAll(/\$\{(?!!)([^${}]*)\}/g)].map(([, name]) => name!);
  const pseudo = names.find((name) => PSEUDO_PARAMETERS.has(name));
  const identifier = names.find((name) => identifiers.has(name));
  if (pseudo !== undefined && identifier !== undefined) {
    findings.problems.push(`${at}: Fn::Sub mixes the pseudo parameter \${${pseudo}} with the loop identifier \${${identifier}}: pass the pseudo parameter as a variable of the list form`);
  }
  for (const name of names) {
    if (!identifiers.has(name!) && !PSEUDO_PARAMETERS.has(name!) && !own.has(name!)) {
      findings.problems.push(`${at}: Fn::Sub names \${${name}}, neither a loop identifier, a pseudo parameter nor one of its own variables`);
    }
  }
  if (variables !== undefined) walk(variables, `${at}/1`, identifiers, findings);
}

describe('template.yaml’s Fn::ForEach loops', () => {
  const findings = checkLoops(readTemplateSource(path.join(__dirname, '..', '..', 'template.yaml')));

  it('are the functions’ resources, their CloudWatch policies and their outputs', () => {
    expect(findings.loops).toEqual(['Functions', 'SilencePolicies', 'CloudWatchPolicies', 'FunctionOutputs']);
  });

  it('use only the forms CloudFormation accepts at deploy', () => {
    expect(findings.problems).toEqual([]);
  });
});

describe('the check of the loops', () => {
  const loop = (body: Record<string, unknown>) => ({ Resources: { 'Fn::ForEach::Things': ['Name', ['A', 'B'], body] } });
  const problemsIn = (body: Record<string, unknown>) => checkLoops(loop(body)).problems;

  it('accepts the loop identifier, pseudo parameters, the list form’s own variables and substituted keys', () => {
    expect(
      problemsIn({
        '${Name}Thing': {
          Properties: {
            Description: { 'Fn::Sub': ['${Stack} ${Name}Thing', { Stack: { Ref: 'AWS::StackName' } }] },
            Log: { 'Fn::Sub': '/aws/${AWS::Region}/${!Name}' },
            Alarm: { 'Fn::Sub': ['${Fn} throttled', { Fn: { Ref: { 'Fn::Sub': '${Name}Function' } } }] },
            Arn: { 'Fn::Sub': ['arn:${AWS::Partition}:aps:${AWS::Region}:${AWS::AccountId}:workspace/${Id}', { Id: { Ref: 'WorkspaceId' } }] },
            Literal: { 'Fn::Sub': '${!NotAReference} of ${Name}' },
            Role: { 'Fn::GetAtt': [{ 'Fn::Sub': '${Name}Role' }, 'Arn'] },
            Plain: 'no substitution here',
          },
        },
      }),
    ).toEqual([]);
  });

  it('reports a template parameter in a Fn::Sub string', () => {
    expect(problemsIn({ '${Name}Role': { Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:aps:${AWS::Region}:${AWS::AccountId}:workspace/${WorkspaceId}' } } })).toEqual([
      '/Resources/Fn::ForEach::Things/2/${Name}Role/Resource/Fn::Sub: Fn::Sub names ${WorkspaceId}, neither a loop identifier, a pseudo parameter nor one of its own variables',
    ]);
  });

  it('reports a pseudo parameter beside the loop identifier in one Fn::Sub string (cfn-language-discussion#151)', () => {
    expect(problemsIn({ '${Name}Role': { Properties: { Description: { 'Fn::Sub': '${AWS::StackName} ${Name}Function, least privilege' } } } })).toEqual([
      '/Resources/Fn::ForEach::Things/2/${Name}Role/Properties/Description/Fn::Sub: Fn::Sub mixes the pseudo parameter ${AWS::StackName} with the loop identifier ${Name}: pass the pseudo parameter as a variable of the list form',
    ]);
  });

  it('reports a nested ${${…} reference', () => {
    expect(problemsIn({ '${Name}Alarm': { AlarmDescription: { 'Fn::Sub': '${${Name}Function} throttled' } } })).toEqual([
      '/Resources/Fn::ForEach::Things/2/${Name}Alarm/AlarmDescription/Fn::Sub: a nested ${${ in Fn::Sub: ${${Name}Function} throttled',
    ]);
  });

  it('reports a name in the list form that is not one of its variables, and a bad Fn::Sub among the variables', () => {
    expect(problemsIn({ '${Name}Alarm': { AlarmDescription: { 'Fn::Sub': ['${Fn} of ${Other}', { Fn: { 'Fn::Sub': '${LogLevel}' } }] } } })).toEqual([
      '/Resources/Fn::ForEach::Things/2/${Name}Alarm/AlarmDescription/Fn::Sub: Fn::Sub names ${Other}, neither a loop identifier, a pseudo parameter nor one of its own variables',
      '/Resources/Fn::ForEach::Things/2/${Name}Alarm/AlarmDescription/Fn::Sub/1/Fn/Fn::Sub: Fn::Sub names ${LogLevel}, neither a loop identifier, a pseudo parameter nor one of its own variables',
    ]);
  });

  it('reports a plain string with ${, which only a Fn::Sub substitutes', () => {
    expect(problemsIn({ '${Name}FunctionName': { Description: 'Name of the ${Name}Function' } })).toEqual([
      '/Resources/Fn::ForEach::Things/2/${Name}FunctionName/Description: a plain string with ${ outside Fn::Sub: Name of the ${Name}Function',
    ]);
  });

  it('knows the identifiers of the loops around a nested loop, and only inside them', () => {
    const nested = {
      Resources: {
        'Fn::ForEach::Outer': [
          'Name',
          ['A'],
          { 'Fn::ForEach::Inner': ['Kind', ['X'], { '${Name}${Kind}': { Description: { 'Fn::Sub': '${Name} ${Kind}' } } }], '${Name}Other': { Description: { 'Fn::Sub': '${Kind}' } } },
        ],
      },
      Outputs: { Plain: { Value: { 'Fn::Sub': '${Name} outside any loop is not checked here' } } },
    };
    expect(checkLoops(nested)).toEqual({
      loops: ['Outer', 'Inner'],
      problems: ['/Resources/Fn::ForEach::Outer/2/${Name}Other/Description/Fn::Sub: Fn::Sub names ${Kind}, neither a loop identifier, a pseudo parameter nor one of its own variables'],
    });
  });

  it('would have caught the template as it was before (a parameter and ${${ in Fn::Sub, ${ in plain descriptions)', () => {
    const before = {
      Resources: {
        'Fn::ForEach::Functions': [
          'Name',
          ['Query'],
          {
            '${Name}FunctionRole': { Properties: { Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:aps:${AWS::Region}:${AWS::AccountId}:workspace/${WorkspaceId}' }] } },
            '${Name}ThrottleAlarm': { Properties: { AlarmDescription: { 'Fn::Sub': '${${Name}Function} throttled' } } },
          },
        ],
      },
      Outputs: { 'Fn::ForEach::FunctionOutputs': ['Name', ['Query'], { '${Name}FunctionArn': { Description: 'ARN of the ${Name}Function' } }] },
    };
    expect(checkLoops(before).problems).toHaveLength(3);
  });
});
