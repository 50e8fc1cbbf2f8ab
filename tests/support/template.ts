import { readFileSync } from 'node:fs';
import { parse, type Tags } from 'yaml';

/**
 * Reads a CloudFormation/SAM template as CloudFormation sees it once the
 * AWS::LanguageExtensions transform has run: the short intrinsic tags (`!Ref`, `!Sub`,
 * `!If`…) in their long JSON forms (`{Ref: …}`, `{"Fn::Sub": …}`), every
 * `Fn::ForEach` loop expanded, and each `Fn::FindInMap` and `Fn::Sub` whose
 * arguments are then plain strings replaced by its value. A list-form Fn::Sub's
 * variable that is a Ref or a GetAtt goes back into the string as `${Name}` or
 * `${Resource.Attribute}`, which means the same: `!Sub ['${Fn} throttled', {Fn: !Ref
 * QueryFunction}]` reads as `!Sub '${QueryFunction} throttled'`, whichever form the
 * template needs. Every other intrinsic (Ref, If, a Sub of a parameter…) is kept as
 * written, for the tests to assert.
 * (SAM CLI's own local expansion is no oracle here: with parameter defaults it
 * resolves conditions, and it flattens a Sub whose variables are intrinsics.)
 */

const INTRINSICS = ['Base64', 'Cidr', 'Equals', 'FindInMap', 'GetAZs', 'If', 'ImportValue', 'Join', 'Not', 'And', 'Or', 'Select', 'Split', 'Sub', 'Transform'];

const customTags: Tags = [
  ...(['scalar', 'seq', 'map'] as const).flatMap((collection) => [
    { tag: '!Ref', collection, resolve: (value: unknown) => ({ Ref: plain(value) }) },
    { tag: '!Condition', collection, resolve: (value: unknown) => ({ Condition: plain(value) }) },
    {
      tag: '!GetAtt',
      collection,
      resolve: (value: unknown) => {
        const v = plain(value);
        return { 'Fn::GetAtt': typeof v === 'string' ? v.split('.') : v };
      },
    },
    ...INTRINSICS.map((name) => ({ tag: `!${name}`, collection, resolve: (value: unknown) => ({ [`Fn::${name}`]: plain(value) }) })),
  ]),
].map(({ collection, ...rest }) => (collection === 'scalar' ? rest : { ...rest, collection })) as Tags;

function plain(value: unknown): unknown {
  const node = value as { toJSON?: () => unknown };
  return typeof node?.toJSON === 'function' ? node.toJSON() : value;
}

/** The template as written: short tags in their long forms, loops not expanded. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function readTemplateSource(file: string): any {
  return parse(readFileSync(file, 'utf8'), { customTags, maxAliasCount: -1 });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function readTemplate(file: string): any {
  const template = readTemplateSource(file);
  const mappings = (template.Mappings ?? {}) as Record<string, Record<string, Record<string, unknown>>>;
  for (const section of ['Conditions', 'Resources', 'Outputs']) {
    if (template[section] !== undefined) template[section] = resolve(expandLoops(template[section]), mappings);
  }
  return template;
}

type Json = unknown;

/** Replaces each `Fn::ForEach::<name>` key of `node`'s objects by its fragment once per item. */
function expandLoops(node: Json): Json {
  if (Array.isArray(node)) return node.map(expandLoops);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(node)) {
    if (!key.startsWith('Fn::ForEach::')) {
      out[key] = expandLoops(value);
      continue;
    }
    const [identifier, collection, fragment] = value as [string, string[], Record<string, Json>];
    if (!Array.isArray(collection)) throw new Error(`${key}: only a literal collection is supported here`);
    for (const item of collection) Object.assign(out, expandLoops(substitute(fragment, identifier, item)));
  }
  return out;
}

/** `${id}` and `&{id}` (the item without its non-alphanumerics) in keys and strings, `{Ref: id}` as the item. */
function substitute(node: Json, id: string, item: string): Json {
  const text = (s: string) => s.replaceAll(`\${${id}}`, item).replaceAll(`&{${id}}`, item.replace(/[^A-Za-z0-9]/g, ''));
  if (typeof node === 'string') return text(node);
  if (Array.isArray(node)) return node.map((n) => substitute(n, id, item));
  if (node === null || typeof node !== 'object') return node;
  const entries = Object.entries(node);
  if (entries.length === 1 && entries[0]![0] === 'Ref' && entries[0]![1] === id) return item;
  return Object.fromEntries(entries.map(([k, v]) => [text(k), substitute(v, id, item)]));
}

/**
 * Fn::FindInMap with literal keys, and Fn::Sub whose variables are literal, replaced by
 * their values; a Sub variable that is a plain Ref or GetAtt written inline.
 */
function resolve(node: Json, mappings: Record<string, Record<string, Record<string, unknown>>>): Json {
  if (Array.isArray(node)) return node.map((n) => resolve(n, mappings));
  if (node === null || typeof node !== 'object') return node;
  const value = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, resolve(v, mappings)])) as Record<string, Json>;
  const keys = Object.keys(value);
  if (keys.length !== 1) return value;
  const find = value['Fn::FindInMap'];
  if (Array.isArray(find) && find.slice(0, 3).every((a) => typeof a === 'string')) {
    const [map, top, second, options] = find as [string, string, string, { DefaultValue?: Json }?];
    const found = mappings[map]?.[top]?.[second];
    if (found !== undefined) return found;
    if (options?.DefaultValue !== undefined) return options.DefaultValue;
    throw new Error(`Fn::FindInMap: no ${map}.${top}.${second}`);
  }
  const sub = value['Fn::Sub'];
  if (Array.isArray(sub) && typeof sub[0] === 'string') {
    const vars = sub[1] as Record<string, Json>;
    let text = sub[0];
    const left: Record<string, Json> = {};
    for (const [name, v] of Object.entries(vars)) {
      const inline = typeof v === 'string' || typeof v === 'number' ? String(v) : reference(v);
      if (inline !== undefined) text = text.replaceAll(`\${${name}}`, inline);
      else left[name] = v;
    }
    if (Object.keys(left).length > 0) return { 'Fn::Sub': [text, left] };
    return text.includes('${') ? { 'Fn::Sub': text } : text;
  }
  if (typeof sub === 'string' && !sub.includes('${')) return sub;
  return value;
}

/** `${X}` for `{Ref: X}`, `${R.A}` for `{"Fn::GetAtt": [R, A]}`: what Fn::Sub reads the same way. */
function reference(node: Json): string | undefined {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
  const entries = Object.entries(node);
  if (entries.length !== 1) return undefined;
  const [fn, args] = entries[0]!;
  if (fn === 'Ref' && typeof args === 'string') return `\${${args}}`;
  if (fn === 'Fn::GetAtt' && Array.isArray(args) && args.length === 2 && args.every((a) => typeof a === 'string')) return `\${${args.join('.')}}`;
  return undefined;
}
