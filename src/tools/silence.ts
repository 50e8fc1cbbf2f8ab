import { Optional, target, TObject, TString } from '../shared/schemas';
import { createSilence } from '../operations/create-silence';
import { expireSilence } from '../operations/expire-silence';
import { ValidationError } from '../shared/errors';
import { defineTool, without } from './types';

/**
 * Writes, listed only where the operator allows them (AllowSilences / ALLOW_SILENCES): a
 * silence created (create_silence), or one of its own expired (expire_silence).
 */
export const silenceTool = defineTool({
  name: 'silence',
  description:
    'Silences alerts: `matchers` (selector of alert labels), `duration` (e.g. 2h), `comment` (why). Or `expire`: ID of a silence this tool made.',
  args: TObject({ ...target, matchers: Optional(TString()), duration: Optional(TString()), comment: Optional(TString()), expire: Optional(TString()) }),
  operations: [createSilence, expireSilence],
  writes: true,
  route(args) {
    if (args.expire === undefined) return { operation: createSilence.name, args };
    const mixed = ['matchers', 'duration', 'comment'].filter((name) => args[name] !== undefined);
    if (mixed.length > 0) throw new ValidationError(`expire takes a silence ID alone, not ${mixed.join(', ')}: one call creates, another expires`);
    return { operation: expireSilence.name, args: { ...without(args, 'expire'), id: args.expire } };
  },
});
