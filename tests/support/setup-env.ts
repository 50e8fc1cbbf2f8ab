import { TEST_CREDENTIALS, TEST_REGION } from './credentials';

// Every test signs with known test credentials, never with whatever the machine has.
process.env.AWS_ACCESS_KEY_ID = TEST_CREDENTIALS.accessKeyId;
process.env.AWS_SECRET_ACCESS_KEY = TEST_CREDENTIALS.secretAccessKey;
process.env.AWS_SESSION_TOKEN = TEST_CREDENTIALS.sessionToken;
process.env.AWS_REGION = TEST_REGION;
delete process.env.AWS_PROFILE;
delete process.env.PROMETHEUS_URL;
delete process.env.WORKSPACE_ID;
process.env.POWERTOOLS_DEV = 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_TRACE_ENABLED = 'false';
