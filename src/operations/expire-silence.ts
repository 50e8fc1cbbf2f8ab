import { matchersText, type AmSilence } from '../shared/alertmanager';
import { NotAllowedError } from '../shared/errors';
import { logger, metrics, MetricUnit } from '../shared/observability';
import { output, TObject, TString, target } from '../shared/schemas';
import { clientFor } from './common';
import { SILENCES_NOT_ALLOWED } from './create-silence';
import { defineOperation } from './types';

/** What every silence this project creates has first in its createdBy (handler.ts, callerOf). */
const OWN = 'prometheus-tools';

export const expireSilence = defineOperation({
  name: 'expire_silence',
  description: 'Expires a silence that these tools created (an operator\'s stays as it is). Example: {"id": "e2518ae4-7b19-404f-bd7f-2bb054725576"}.',
  args: TObject(
    {
      ...target,
      id: TString({ pattern: '^[0-9a-fA-F-]{36}$', examples: ['e2518ae4-7b19-404f-bd7f-2bb054725576'], description: "The silence's ID." }),
    },
    { additionalProperties: false },
  ),
  output: output({ id: TString(), matchers: TString(), expired: TString() }, 'The silence expired.'),
  calls: ['DescribeWorkspace', 'GetAlertManagerSilence', 'DeleteAlertManagerSilence'],
  async run(args, ctx) {
    if (!ctx.config.allowSilences) throw new NotAllowedError(SILENCES_NOT_ALLOWED);
    const client = await clientFor(args, ctx);
    const { data: silence } = await client.alertmanager<AmSilence>('GetAlertManagerSilence', ctx, { id: args.id });
    if (!silence.createdBy.startsWith(OWN)) {
      throw new NotAllowedError(`silence ${args.id} was created by ${JSON.stringify(silence.createdBy)}, not by these tools: only its owner, in the Alertmanager, may expire it`);
    }
    if (silence.status.state === 'expired') {
      return { data: { id: args.id, matchers: matchersText(silence.matchers), expired: silence.endsAt }, remarks: ['it had already expired'], count: 1, upstreamBytes: 0 };
    }
    await client.alertmanager('DeleteAlertManagerSilence', ctx, { id: args.id });
    const expired = new Date().toISOString();
    logger.info('silence expired', { silence: { id: args.id, matchers: matchersText(silence.matchers), by: ctx.caller } });
    metrics.addMetric('SilencesExpired', MetricUnit.Count, 1);
    return { data: { id: args.id, matchers: matchersText(silence.matchers), expired }, count: 1, upstreamBytes: 0 };
  },
});
