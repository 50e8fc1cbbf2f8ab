import { matchersText, parseMatchers } from '../shared/alertmanager';
import { NotAllowedError, ValidationError } from '../shared/errors';
import { logger, metrics, MetricUnit } from '../shared/observability';
import { output, TObject, TString, Union, TNumber, target } from '../shared/schemas';
import { parseDuration } from '../shared/time';
import { clientFor } from './common';
import { defineOperation } from './types';

/** Off unless the operator allows it: the template's AllowSilences, which also grants the write actions. */
export const SILENCES_NOT_ALLOWED =
  'this deployment does not let agents create or expire silences: its operator can allow it (template parameter AllowSilences=true, or ALLOW_SILENCES=true locally)';

export const createSilence = defineOperation({
  name: 'create_silence',
  description:
    'Silences alerts in the Alertmanager for a while (at most the deployment\'s maximum, 4h by default), with a comment saying why: ' +
    'createdBy names the caller. Example: {"matchers": "{alertname=\\"DiskFull\\"}", "duration": "2h", "comment": "disk being replaced"}.',
  args: TObject(
    {
      ...target,
      matchers: TString({ minLength: 1, maxLength: 1024, description: 'What to silence, as a selector of alert labels.' }),
      duration: Union([TString({ minLength: 1, maxLength: 16 }), TNumber()], { description: 'How long, e.g. 30m or 2h (or seconds).' }),
      comment: TString({ minLength: 1, maxLength: 1000, description: 'Why: read by whoever is paged next.' }),
    },
    { additionalProperties: false },
  ),
  output: output({ silenceID: TString(), matchers: TString(), endsAt: TString(), createdBy: TString() }, 'The silence created.'),
  calls: ['DescribeWorkspace', 'PutAlertManagerSilences'],
  async run(args, ctx) {
    if (!ctx.config.allowSilences) throw new NotAllowedError(SILENCES_NOT_ALLOWED);
    const seconds = typeof args.duration === 'number' ? args.duration : parseDuration(args.duration);
    if (seconds === undefined) throw new ValidationError(`field 'duration' is not a duration (${JSON.stringify(args.duration)}): write 30m, 2h or seconds`);
    const max = ctx.config.maxSilenceHours * 3600;
    if (!(seconds > 0) || seconds > max) {
      throw new ValidationError(`field 'duration' must be more than 0 and at most ${ctx.config.maxSilenceHours}h (the deployment's MaxSilenceHours)`);
    }
    if (args.comment.trim() === '') throw new ValidationError("field 'comment' must say why the alerts are silenced");
    const matchers = await parseMatchers('matchers', args.matchers);
    const client = await clientFor(args, ctx);
    const now = Date.now();
    const silence = {
      matchers,
      startsAt: new Date(now).toISOString(),
      endsAt: new Date(now + seconds * 1000).toISOString(),
      createdBy: ctx.caller ?? 'prometheus-tools',
      comment: args.comment,
    };
    const { data: created } = await client.alertmanager<{ silenceID: string }>('PutAlertManagerSilences', ctx, { body: silence });
    // Every write is logged and counted (SilencesCreated).
    logger.info('silence created', { silence: { id: created.silenceID, matchers: matchersText(matchers), endsAt: silence.endsAt, createdBy: silence.createdBy, comment: args.comment } });
    metrics.addMetric('SilencesCreated', MetricUnit.Count, 1);
    return {
      data: { silenceID: created.silenceID, matchers: matchersText(matchers), endsAt: silence.endsAt, createdBy: silence.createdBy },
      count: 1,
      upstreamBytes: 0,
    };
  },
});
