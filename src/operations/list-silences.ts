import { silenceSummary, type AmSilence } from '../shared/alertmanager';
import { Integer, Optional, TArray, TBoolean, TObject, TString, limit, output, target } from '../shared/schemas';
import { clientFor, compareText, limitedList } from './common';
import { defineOperation } from './types';

/** Which silences come first: active, then pending, then expired; the latest end first within each. */
const STATE_ORDER: Record<string, number> = { active: 0, pending: 1, expired: 2 };

export const listSilences = defineOperation({
  name: 'list_silences',
  description:
    "The Alertmanager's silences, active and pending (expired too with expired: true): what each mutes, who set it, why, " +
    'until when. Example: {"expired": true}.',
  args: TObject(
    {
      ...target,
      expired: Optional(TBoolean({ description: 'Expired silences too.' })),
      limit: Optional(limit('silences')),
    },
    { additionalProperties: false },
  ),
  output: output(
    {
      silences: TArray(
        TObject({
          id: TString(),
          state: TString({ description: 'active, pending or expired' }),
          matchers: TString({ description: 'What it mutes, as a selector of alert labels.' }),
          createdBy: TString(),
          comment: TString(),
          startsAt: TString(),
          endsAt: TString(),
        }),
      ),
      total: Integer(),
      truncated: TBoolean(),
    },
    'Silences, active first, each ending latest first.',
  ),
  calls: ['DescribeWorkspace', 'ListAlertManagerSilences'],
  async run(args, ctx) {
    const client = await clientFor(args, ctx);
    const { data: silences, bytes } = await client.alertmanager<AmSilence[]>('ListAlertManagerSilences', ctx);
    const kept = silences
      .filter((s) => args.expired === true || s.status.state !== 'expired')
      .sort((a, b) => (STATE_ORDER[a.status.state] ?? 3) - (STATE_ORDER[b.status.state] ?? 3) || compareText(b.endsAt, a.endsAt))
      .map(silenceSummary);
    const list = limitedList(kept, args.limit, 'silences', args.expired === true ? 'leave out expired' : 'narrow the limit');
    return {
      data: { silences: list.items, total: list.total, truncated: list.truncated },
      count: list.items.length,
      upstreamBytes: bytes,
      ...(list.notes.length === 0 ? {} : { notes: list.notes }),
    };
  },
});
