import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readTemplate, readTemplateSource } from '../support/template';

/**
 * Every deploy and sync command the README shows works as written on a new account:
 * through the npm scripts (the SAM CLI that scripts/setup.sh pins, on Node 24), with
 * options SAM CLI has, with a value for every parameter that has no default, and a sync
 * that syncs what it names and exits. And the VPC mode names both AMP endpoints.
 */

const ROOT = path.join(__dirname, '..', '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

type TomlValue = string | number | boolean | unknown[];

/**
 * samconfig.toml as `{"<env>.<command>.parameters": {key: value}}`. It holds only
 * `[section]` headers and `key = value` lines whose values are JSON-compatible TOML
 * (basic strings, booleans, numbers, arrays of strings: also what `sam deploy --guided`
 * writes), so a small reader does.
 */
function readSamconfig(text: string): Record<string, Record<string, TomlValue>> {
  const sections: Record<string, Record<string, TomlValue>> = { '': {} };
  let current = sections['']!;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[([\w.-]+)\]$/.exec(line);
    if (header) {
      current = sections[header[1]!] ??= {};
      continue;
    }
    const pair = /^(\w+)\s*=\s*(.+)$/.exec(line);
    if (!pair) throw new Error(`samconfig.toml: cannot read ${JSON.stringify(line)}`);
    current[pair[1]!] = JSON.parse(pair[2]!) as TomlValue;
  }
  return sections;
}

/** `Key=Value Key2="Value 2"`, SAM CLI's shorthand for parameter overrides, as its keys. */
function overriddenKeys(overrides: string): string[] {
  return [...overrides.matchAll(/(\w+)=(?:"(?:[^"\\]|\\.)*"|\S+)/g)].map((m) => m[1]!);
}

/** The commands of the README's shell code blocks, continuation lines joined, comments cut. */
function readmeCommands(readme: string): string[] {
  const blocks = [...readme.matchAll(/```(?:bash|sh)\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks.flatMap((block) =>
    block
      .replace(/\\\n\s*/g, ' ')
      .split('\n')
      .map((line) => line.replace(/\s+#.*$/, '').trim())
      .filter((line) => line !== ''),
  );
}

/** Options of `sam deploy --help` and `sam sync --help` in SAM CLI 1.170.0, the version requirements-dev.txt pins. */
const SAM_OPTIONS: Record<'deploy' | 'sync', string[]> = {
  deploy: [
    '--stack-name', '--capabilities', '--resolve-s3', '--no-resolve-s3', '-g', '--guided', '--region', '--profile',
    '--parameter-overrides', '--s3-bucket', '--s3-prefix', '--resolve-image-repos', '--image-repository',
    '--image-repositories', '--role-arn', '--kms-key-id', '--notification-arns', '--tags', '--metadata',
    '--no-execute-changeset', '--fail-on-empty-changeset', '--no-fail-on-empty-changeset', '--confirm-changeset',
    '--no-confirm-changeset', '--disable-rollback', '--no-disable-rollback', '--on-failure', '--force-upload',
    '--max-wait-duration', '--express', '--no-express', '--config-env', '--config-file', '--save-params',
    '--language-extensions', '--no-language-extensions', '--no-progressbar', '--signing-profiles', '-t', '--template',
    '--template-file', '--use-json', '--beta-features', '--no-beta-features', '--debug',
  ],
  sync: [
    '--stack-name', '-t', '--template', '--template-file', '--region', '--profile', '--parameter-overrides',
    '--capabilities', '--s3-bucket', '--s3-prefix', '--image-repository', '--image-repositories', '--role-arn',
    '--kms-key-id', '--notification-arns', '--tags', '--metadata', '-bi', '--build-image', '--language-extensions',
    '--no-language-extensions', '--config-env', '--config-file', '--save-params', '--watch', '--no-watch', '--code',
    '--express', '--no-express', '--skip-deploy-sync', '--no-skip-deploy-sync', '--dependency-layer',
    '--no-dependency-layer', '-u', '--use-container', '--no-use-container', '--resource-id', '--resource', '-s',
    '--base-dir', '--build-in-source', '--no-build-in-source', '--watch-exclude', '--beta-features',
    '--no-beta-features', '--debug',
  ],
};

interface SamCommand {
  line: string;
  command: 'deploy' | 'sync';
  /** Each option with the words that follow it up to the next option. */
  options: Map<string, string[]>;
}

function samCommand(line: string, scripts: Record<string, string>): SamCommand {
  const npm = /^npm run (deploy|sync)(?: -- (.*))?$/.exec(line);
  if (!npm) throw new Error(`not through an npm script (and so not through scripts/with-tools.sh): ${line}`);
  const command = npm[1] as 'deploy' | 'sync';
  expect(scripts[command]).toMatch(new RegExp(`(^|&& )scripts/with-tools\\.sh sam ${command}$`));
  const options = new Map<string, string[]>();
  let last: string[] = [];
  for (const word of (npm[2] ?? '').split(/\s+/).filter(Boolean)) {
    if (word.startsWith('-')) options.set(word, (last = []));
    else last.push(word);
  }
  return { line, command, options };
}

const samconfig = readSamconfig(read('samconfig.toml'));
const readme = read('README.md');
const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
const source = readTemplateSource(path.join(ROOT, 'template.yaml'));
const template = readTemplate(path.join(ROOT, 'template.yaml'));
const commands = readmeCommands(readme)
  .filter((line) => /\b(sam (deploy|sync)|npm run (deploy|sync))\b/.test(line))
  .map((line) => samCommand(line, scripts));

describe('building as the README says', () => {
  it('sets no `cached` for sam build, which the makefile builder for Node.js ignores (SAM reruns make every time)', () => {
    const builds = Object.entries(samconfig).filter(([section]) => section.endsWith('.build.parameters'));
    expect(builds.map(([section]) => section)).toEqual(['default.build.parameters', 'prod.build.parameters']);
    for (const [, parameters] of builds) expect(parameters).toEqual({ parallel: true });
    expect(readme).toContain('its `--cached` does not apply to the makefile builder for Node.js');
  });

  it('says that sam build --use-container is not supported, and why', () => {
    expect(readme).toContain('`sam build --use-container` is not supported');
    // The reason: the makefile target runs in the project's directory, with its own node_modules.
    const fn = source.Resources['Fn::ForEach::Functions'][2]['${Name}Function'];
    expect(fn.Metadata).toMatchObject({ BuildMethod: 'makefile', ContextPath: '.', WorkingDirectory: '.' });
  });
});

describe('deploying as the README says', () => {
  it('runs sam deploy and sam sync through scripts/with-tools.sh (the pinned SAM CLI, Node 24), deploy after a build', () => {
    expect(scripts.deploy).toBe('npm run build && scripts/with-tools.sh sam deploy');
    expect(scripts.sync).toBe('scripts/with-tools.sh sam sync');
    expect(read('scripts/with-tools.sh')).toContain('PATH="$root/.node/bin:$root/.venv/bin:$PATH"');
  });

  it('shows these deploy and sync commands, each through its npm script', () => {
    expect(commands.map((c) => c.line)).toEqual([
      'npm run deploy -- --guided',
      'npm run deploy',
      'npm run deploy -- --guided --config-env prod',
      'npm run deploy -- --config-env prod',
      'npm run sync -- --code --resource-id QueryFunction --stack-name prometheus-tools',
      'npm run sync -- --code --watch --stack-name prometheus-tools',
      'npm run deploy -- --parameter-overrides WorkspaceId=ws-... EnableAgentCoreGateway=true',
      'npm run deploy -- --parameter-overrides WorkspaceId=ws-... CloudWatchPromQL=true',
    ]);
  });

  it('uses only options SAM CLI 1.170.0 has', () => {
    for (const { line, command, options } of commands) {
      for (const option of options.keys()) {
        expect({ line, option, known: SAM_OPTIONS[command].includes(option) }).toEqual({ line, option, known: true });
      }
    }
  });

  it('gives every parameter without a default a value: on the command line, in samconfig.toml, or from a --guided deploy of the same environment shown before', () => {
    const required = Object.entries(source.Parameters as Record<string, { Default?: unknown }>)
      .filter(([, p]) => p.Default === undefined)
      .map(([name]) => name);
    expect(required).toEqual(['WorkspaceId']);

    const guidedEnvs = new Set<string>();
    for (const { line, options } of commands.filter((c) => c.command === 'deploy')) {
      const env = options.get('--config-env')?.[0] ?? 'default';
      expect({ line, env, known: `${env}.deploy.parameters` in samconfig }).toEqual({ line, env, known: true });
      if (options.has('--guided')) {
        guidedEnvs.add(env);
        continue;
      }
      // SAM CLI takes the command line's overrides instead of samconfig.toml's, not with them.
      const cmdline = options.get('--parameter-overrides');
      const saved = samconfig[`${env}.deploy.parameters`]!.parameter_overrides;
      const given =
        cmdline !== undefined
          ? overriddenKeys(cmdline.join(' '))
          : [...overriddenKeys(typeof saved === 'string' ? saved : ''), ...(guidedEnvs.has(env) ? required : [])];
      expect({ line, missing: required.filter((name) => !given.includes(name)) }).toEqual({ line, missing: [] });
    }
    expect([...guidedEnvs]).toEqual(['default', 'prod']);
  });

  it('syncs code only, the function it names (a real one), and exits unless --watch is asked for', () => {
    for (const [section, values] of Object.entries(samconfig)) {
      // Global parameters apply to sync too.
      if (/\.(sync|global)\.parameters$/.test(section)) {
        expect({ section, watch: values.watch }).toEqual({ section, watch: undefined });
      }
    }
    expect(samconfig['default.sync.parameters']).toEqual({ dependency_layer: false });
    expect(samconfig['default.global.parameters']).toEqual({ stack_name: 'prometheus-tools', language_extensions: true });
    expect(samconfig['prod.global.parameters']).toEqual({ stack_name: 'prometheus-tools-prod', language_extensions: true });

    const functions = Object.entries(template.Resources as Record<string, { Type: string }>)
      .filter(([, r]) => r.Type === 'AWS::Serverless::Function')
      .map(([id]) => id);
    const syncs = commands.filter((c) => c.command === 'sync');
    expect(syncs.map(({ options }) => [...options.keys()])).toEqual([
      ['--code', '--resource-id', '--stack-name'],
      ['--code', '--watch', '--stack-name'],
    ]);
    for (const { options } of syncs) {
      expect(options.get('--code')).toEqual([]);
      for (const id of options.get('--resource-id') ?? []) expect(functions).toContain(id);
    }
  });

  it('states the minimum SAM CLI version for a sam of your own, one that the pinned version meets', () => {
    const stated = [...readme.matchAll(/AWS SAM CLI (\d+\.\d+\.\d+) or later/g)].map((m) => m[1]);
    expect(stated).toEqual(['1.161.0']);
    const pinned = /^aws-sam-cli==(\S+)$/m.exec(read('requirements-dev.txt'))?.[1];
    expect(pinned).toBe('1.170.0');
    const parts = (v: string) => v.split('.').map(Number);
    const [min, pin] = [parts(stated[0]!), parts(pinned!)];
    const cmp = min.map((n, i) => n - pin[i]!).find((d) => d !== 0) ?? 0;
    expect(cmp).toBeLessThanOrEqual(0);
    expect(samconfig['default.global.parameters']!.language_extensions).toBe(true);
  });
});

describe('the VPC mode', () => {
  const control = /com\.amazonaws\.<region>\.aps(?![\w-])/;
  const workspaces = /com\.amazonaws\.<region>\.aps-workspaces(?![\w-])/;

  it("names both AMP endpoints in SubnetIds' description (a plain string within CloudFormation's 4000 characters)", () => {
    const description = source.Parameters.SubnetIds.Description as unknown;
    expect(typeof description).toBe('string');
    expect((description as string).length).toBeLessThanOrEqual(4000);
    expect(description).toMatch(control);
    expect(description).toMatch(workspaces);
    expect(description).toMatch(/aps for DescribeWorkspace and ListWorkspaces/);
  });

  it('names both AMP endpoints in the README', () => {
    expect(readme).toMatch(control);
    expect(readme).toMatch(workspaces);
  });
});
