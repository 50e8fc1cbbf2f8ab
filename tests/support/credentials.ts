/** Credentials the tests sign with and the AMP-like front accepts: test values, not AWS keys. */
export const TEST_CREDENTIALS = {
  accessKeyId: 'AKIDLOCALTESTFRONT',
  secretAccessKey: 'local-test-secret-for-the-amp-front',
  sessionToken: 'local-test-session-token',
};

export const TEST_REGION = 'us-east-1';

/** The seed's example workspace, which the events use. */
export const TEST_WORKSPACE_ID = 'ws-12345678-abcd-1234-efgh-123456789012';
