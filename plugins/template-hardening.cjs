'use strict';

/**
 * What osls generates but has no setting for, applied to the compiled template before packaging:
 *
 * - every log group (one per function, the APIs' access logs) is encrypted with LogsKey (infra/logs.yml);
 * - the checks of Checkov (test/unit/aws/checkov.test.ts) that do not apply to the resources osls
 *   generates are suppressed on each, in its Metadata, with the reason. Resources of infra/ carry
 *   their own suppressions beside their definition.
 *
 * Each reason is a sentence a reviewer can check; a suppression without one fails the test.
 */

const functionSkips = {
  CKV_AWS_117: 'No VPC: the functions reach only AWS APIs (DynamoDB, SQS, KMS, SNS, S3, Glue, API Gateway) and public chain RPC endpoints; a VPC would add NAT gateways and isolate nothing.',
  CKV_AWS_173: 'The environment holds names, URLs and key aliases, no secret (infra/environment.yml; secrets are sealed with KMS in the table); Lambda encrypts it at rest with its AWS managed key.',
};

/** Why a function without a dead-letter queue loses nothing, by how it is invoked. */
function deadLetterReason(events) {
  const kinds = new Set(events.map((event) => Object.keys(event)[0]));
  if (kinds.has('schedule')) {
    return 'Invoked by an EventBridge schedule with a constant input: a failed run holds no data to keep, and the next scheduled run redoes the sweep (idempotent); errors show in its Errors metric and alarms.';
  }
  if (kinds.has('sqs')) return 'Invoked synchronously by its SQS event source mapping; the queue\'s redrive policy sends what fails to the queue\'s dead-letter queue.';
  if (kinds.has('stream')) return 'Invoked synchronously by the DynamoDB stream; its on-failure destination (OutboxRelayFailureQueue) keeps what fails.';
  return 'Invoked synchronously only (API Gateway REST or WebSocket, or as the REST API\'s authorizer): the caller receives the error; there is no asynchronous event to keep.';
}

const bucketSkips = {
  CKV_AWS_18: 'The deployment bucket holds only the bundles and templates osls uploads (no data); CloudTrail records the deployer\'s calls, and an access-log bucket would need this same exemption.',
};

/** The REST routes that are public by design (no merchant key), each with why. */
const publicMethods = {
  ApiGatewayMethodV1OpenapijsonGet: 'GET /v1/openapi.json: the public API description, the same document as docs/openapi.json.',
  ApiGatewayMethodCheckoutIdVarGet: 'GET /checkout/{id}: the hosted checkout page a customer opens by the charge\'s unguessable id; it shows only the charge\'s public view (lib/money/charges/public-view.ts).',
  ApiGatewayMethodCheckoutIdVarRealtimeDashtokenPost: 'POST /checkout/{id}/realtime-token: the checkout page\'s token for following that one charge; no merchant key reaches the browser (docs/pay-ins.md).',
  ApiGatewayMethodClaimsIdVarGet: 'GET /claims/{id}: a claim refund\'s page the payer opens by the claim\'s unguessable id (128 random bits); it shows what is refunded and the message to sign (docs/refunds.md).',
  ApiGatewayMethodClaimsIdVarPost: 'POST /claims/{id}: the payer\'s claim, proven by the EIP-191 signature of the claim\'s message from the address paid; used once (docs/refunds.md).',
  // The console (docs/console.md): its page and assets are public; its session routes and proxy check its own
  // session cookie (KMS-MACed, CSRF token on writes), and the API it forwards to checks the session again (the authorizer).
  ApiGatewayMethodConsoleGet: 'GET /console: the console\'s HTML shell; it holds no data (the page fetches what it shows through the session-checked proxy).',
  ApiGatewayMethodConsoleProxyVarGet: 'GET /console/{proxy+}: the console\'s HTML shell for each of its pages; no data.',
  ApiGatewayMethodConsoleAssetsNameVarGet: 'GET /console/assets/{name}: the console\'s static, content-hashed scripts and styles.',
  ApiGatewayMethodConsoleSessionGet: 'GET /console/session: the console session of the request\'s cookie (MAC checked with KMS), or 401.',
  ApiGatewayMethodConsoleSessionDelete: 'DELETE /console/session: signs out the cookie\'s session; CSRF token required.',
  ApiGatewayMethodConsoleSessionTotpPost: 'POST /console/session/totp: sign-in with a member key and its TOTP code, rate-limited per source and per member, with the approvals\' lockout.',
  ApiGatewayMethodConsoleSessionPasskeyDashoptionsPost: 'POST /console/session/passkey-options: a single-use, short-lived WebAuthn challenge for a passkey sign-in.',
  ApiGatewayMethodConsoleSessionPasskeyPost: 'POST /console/session/passkey: sign-in with a registered passkey\'s signature over a challenge it spends; rate-limited.',
  ApiGatewayMethodConsolePasskeysRegistrationDashoptionsPost: 'POST /console/passkeys/registration-options: needs a console session and its CSRF token.',
  ApiGatewayMethodConsolePasskeysPost: 'POST /console/passkeys: registers a passkey for the session\'s member; needs the session and its CSRF token.',
  ApiGatewayMethodConsoleApprovalsPasskeyDashoptionsPost: 'POST /console/approvals/passkey-options: a challenge for deciding one approval request with a passkey; needs the session and its CSRF token.',
  ApiGatewayMethodConsoleApiProxyVarGet: 'GET /console/api/{proxy+}: the console\'s proxy; it checks the session cookie and forwards with the session token, which the authorizer checks again.',
  ApiGatewayMethodConsoleApiProxyVarPost: 'POST /console/api/{proxy+}: the console\'s proxy; session cookie and CSRF token checked, then the authorizer checks the session again.',
  ApiGatewayMethodConsoleApiProxyVarPut: 'PUT /console/api/{proxy+}: the console\'s proxy; session cookie and CSRF token checked, then the authorizer checks the session again.',
  ApiGatewayMethodConsoleApiProxyVarDelete: 'DELETE /console/api/{proxy+}: the console\'s proxy; session cookie and CSRF token checked, then the authorizer checks the session again.',
};

const customResourceSkips = {
  CKV_AWS_115: 'osls\'s deploy-time custom resource (it sets the API Gateway CloudWatch role): invoked by CloudFormation once per deploy, never by traffic.',
  CKV_AWS_116: 'osls\'s deploy-time custom resource: CloudFormation invokes it and waits for its answer; a failure fails the deploy.',
  CKV_AWS_117: functionSkips.CKV_AWS_117,
};

function addSkips(resource, skips) {
  const metadata = (resource.Metadata = resource.Metadata || {});
  const checkov = (metadata.checkov = metadata.checkov || {});
  const existing = new Set((checkov.skip || []).map((skip) => skip.id));
  checkov.skip = [...(checkov.skip || []), ...Object.entries(skips).filter(([id]) => !existing.has(id)).map(([id, comment]) => ({ id, comment }))];
}

/**
 * Hardens `template` in place. `functions` maps each function's name to its definition
 * (serverless.service.functions), `logicalId` turns a name into its compiled logical id,
 * `ownResources` are infra/'s resources (serverless.yml `resources`), merged in after this runs.
 */
function hardenTemplate(template, functions, logicalId, ownResources = {}) {
  const resources = template.Resources || {};
  // infra/'s resources are merged into the template after this hook; LogsKey must be among them.
  if (!ownResources.LogsKey && !resources.LogsKey) throw new Error('template-hardening: LogsKey (infra/logs.yml) is missing from the resources');
  for (const resource of Object.values(resources)) {
    if (resource.Type === 'AWS::Logs::LogGroup') resource.Properties.KmsKeyId = { 'Fn::GetAtt': ['LogsKey', 'Arn'] };
  }
  const compiledFunctions = new Set();
  for (const [name, definition] of Object.entries(functions)) {
    const id = logicalId(name);
    const resource = resources[id];
    if (!resource) continue;
    compiledFunctions.add(id);
    addSkips(resource, { ...functionSkips, CKV_AWS_116: deadLetterReason(definition.events || []) });
  }
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type === 'AWS::Lambda::Function' && !compiledFunctions.has(id)) addSkips(resource, customResourceSkips);
    if (id === 'ServerlessDeploymentBucket') addSkips(resource, bucketSkips);
    if (resource.Type === 'AWS::ApiGateway::Method' && resource.Properties.AuthorizationType === 'NONE' && resource.Properties.HttpMethod !== 'OPTIONS') {
      // A new public route must say why here, or packaging fails.
      if (!publicMethods[id]) throw new Error(`template-hardening: ${id} has no authorizer; add it to publicMethods with the reason it is public`);
      addSkips(resource, { CKV_AWS_59: publicMethods[id] });
    }
    // osls grants API Gateway the WebSocket function without naming the API: only this stage's API may invoke it.
    if (resource.Type === 'AWS::Lambda::Permission' && resource.Properties.Principal === 'apigateway.amazonaws.com' && !resource.Properties.SourceArn) {
      if (!resources.WebsocketsApi) throw new Error(`template-hardening: ${id} names no source API, and there is no WebsocketsApi to name`);
      resource.Properties.SourceArn = { 'Fn::Sub': 'arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${WebsocketsApi}/*' };
    }
  }
  return template;
}

class TemplateHardeningPlugin {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = {
      'before:package:finalize': () => {
        const service = this.serverless.service;
        const naming = this.serverless.getProvider('aws').naming;
        hardenTemplate(service.provider.compiledCloudFormationTemplate, service.functions, (name) => naming.getLambdaLogicalId(name), service.resources?.Resources);
      },
    };
  }
}

module.exports = TemplateHardeningPlugin;
module.exports.hardenTemplate = hardenTemplate;
