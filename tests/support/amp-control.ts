import { AccessDeniedException, type AmpClient } from '@aws-sdk/client-amp';
import type { AwsStub } from 'aws-sdk-client-mock';
import { authorize, identityOf, workspaceArn } from './iam';

/**
 * IAM on AMP's control plane, for tests that mock it with aws-sdk-client-mock (AWS cannot
 * run here): every command the functions send is authorised first, as AMP would, for the
 * role whose access key is in the environment at the time (each function's own, see
 * tests/support/harness.ts); a refusal is the AccessDeniedException the SDK throws.
 * Call it with the mock of `mockClient(AmpClient)`: it wraps the mock's `send`, again
 * after each `reset()` (which replaces the stub).
 */

const CONTROL_ACTIONS: Record<string, (input: Record<string, unknown>, region: string) => { action: string; resource: string }> = {
  // DescribeWorkspace is authorised on the workspace; ListWorkspaces has no resource-level permission.
  DescribeWorkspaceCommand: (input, region) => ({ action: 'aps:DescribeWorkspace', resource: workspaceArn(String(input.workspaceId), region) }),
  ListWorkspacesCommand: () => ({ action: 'aps:ListWorkspaces', resource: '*' }),
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function enforceControlPlaneIam(client: typeof AmpClient, mock: AwsStub<any, any, any>): void {
  wrapSend(client);
  const reset = mock.reset.bind(mock);
  mock.reset = () => {
    reset();
    wrapSend(client);
    return mock;
  };
}

function wrapSend(client: typeof AmpClient): void {
  const mocked = client.prototype.send;
  client.prototype.send = async function send(this: AmpClient, command: { constructor: { name: string }; input: Record<string, unknown> }, ...rest: unknown[]) {
    const describe = CONTROL_ACTIONS[command.constructor.name];
    if (describe === undefined) throw new Error(`AMP control-plane stand-in: ${command.constructor.name} is not modelled`);
    const region = await this.config.region();
    const { action, resource } = describe(command.input, region);
    const identity = identityOf(process.env.AWS_ACCESS_KEY_ID);
    const decision =
      identity === undefined
        ? { allowed: false as const, message: 'The security token included in the request is invalid.' }
        : authorize(identity, action, resource, { 'aws:RequestedRegion': region });
    if (!decision.allowed) {
      throw new AccessDeniedException({ message: decision.message, $metadata: { httpStatusCode: 403 } });
    }
    return (mocked as (...args: unknown[]) => Promise<unknown>).call(this, command, ...rest);
  } as never;
}
