import { readFileSync } from 'node:fs';
import { parse, type Tags } from 'yaml';

/**
 * Reads a CloudFormation/SAM template, turning the short intrinsic tags (`!Ref`,
 * `!Sub`, `!If`…) into their long JSON forms (`{Ref: …}`, `{"Fn::Sub": …}`).
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

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function readTemplate(file: string): any {
  return parse(readFileSync(file, 'utf8'), { customTags, maxAliasCount: -1 });
}
