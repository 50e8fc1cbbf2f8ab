// The naive bundle that the functions' cold start is measured against: the same
// packages, imported eagerly and set up at module scope the plain way (esbuild bundles
// it with the functions' own settings, nothing external), and a handler that does nothing.
'use strict';
const { Logger } = require('@aws-lambda-powertools/logger');
const { Metrics } = require('@aws-lambda-powertools/metrics');
const { Tracer } = require('@aws-lambda-powertools/tracer');
const { AmpClient } = require('@aws-sdk/client-amp');
const { SignatureV4 } = require('@smithy/signature-v4');
const { Sha256 } = require('@aws-crypto/sha256-js');
const { Type } = require('typebox');
const { Compile } = require('typebox/compile');
const { parser } = require('@prometheus-io/lezer-promql');

const logger = new Logger({ serviceName: 'naive' });
const metrics = new Metrics({ serviceName: 'naive', namespace: 'Naive' });
const tracer = new Tracer({ serviceName: 'naive' });
const amp = new AmpClient({ region: 'us-east-1' });
const signer = new SignatureV4({ service: 'aps', region: 'us-east-1', sha256: Sha256, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });

exports.handler = async () => ({ status: 'success', data: [logger, metrics, tracer, amp, signer, Type, Compile, parser].length });
