import { output, TArray, TObject, TString, Unknown, target } from '../shared/schemas';
import { clientFor } from './common';
import { defineOperation } from './types';

interface AmStatus {
  cluster?: { status?: string; peers?: unknown[] } | null;
  config?: { original?: string } | null;
  uptime?: string | null;
  versionInfo?: { version?: string } | null;
}

export const alertmanagerStatus = defineOperation({
  name: 'alertmanager_status',
  description: "The Alertmanager's version, uptime, cluster, receivers and configuration (routes, inhibitions). Example: {}.",
  args: TObject({ ...target }, { additionalProperties: false }),
  output: output(
    {
      version: Unknown(),
      uptime: Unknown(),
      cluster: Unknown(),
      receivers: TArray(TString()),
      config: Unknown({ description: 'The configuration as loaded (YAML).' }),
    },
    "The Alertmanager's status.",
  ),
  calls: ['DescribeWorkspace', 'GetAlertManagerStatus', 'ListAlertManagerReceivers'],
  async run(args, ctx) {
    const client = await clientFor(args, ctx);
    const [{ data: status, bytes }, { data: receivers, bytes: receiverBytes }] = await Promise.all([
      client.alertmanager<AmStatus>('GetAlertManagerStatus', ctx),
      client.alertmanager<{ name: string }[]>('ListAlertManagerReceivers', ctx),
    ]);
    return {
      data: {
        version: status.versionInfo?.version ?? null,
        uptime: status.uptime ?? null,
        cluster: status.cluster === null || status.cluster === undefined ? null : { status: status.cluster.status, peers: status.cluster.peers?.length ?? 0 },
        receivers: receivers.map((r) => r.name),
        config: status.config?.original ?? null,
      },
      count: 1,
      upstreamBytes: bytes + receiverBytes,
    };
  },
});
