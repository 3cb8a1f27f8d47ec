/** What a running local stack publishes in `.local/stack.json`, and what tests receive. */
export interface StackChain {
  name: string;
  chainId: number;
  rpcUrl: string;
  usdcAddress: string;
  /** Hot-wallet address derived from the chain's KMS secp256k1 key. */
  hotWallet: string;
  /** KMS alias of the hot-wallet key. */
  keyAlias: string;
  /** DepositFactory deployed with the hot wallet as destination: the charges' deposit addresses derive from it. */
  depositFactory: string;
}

export interface StackInfo {
  stage: 'local';
  region: string;
  apiUrl: string;
  websocketUrl: string;
  /** `sns` and `s3` are moto, the same server as `dynamodb`. */
  endpoints: { dynamodb: string; sqs: string; kms: string; sns: string; s3: string };
  tableName: string;
  /** Logical CloudFormation id to queue URL and ARN, e.g. `ChainSubmitQueue`. */
  queues: Record<string, { url: string; arn: string; name: string }>;
  /** Logical CloudFormation id to SNS topic ARN and name, e.g. `AlertsTopic` (on moto). */
  topics: Record<string, { arn: string; name: string }>;
  /** Logical CloudFormation id of each KMS key to its alias, e.g. `LedgerKey` → `alias/lanepay-local-ledger`. */
  keys: Record<string, string>;
  /** Logical CloudFormation id of each S3 bucket to its name on moto, e.g. `ReportsBucket`. */
  buckets: Record<string, string>;
  chains: StackChain[];
  /** serverless-offline's log: every function's output, their metrics (EMF) among it (`lanepay slo report`). */
  functionLog: string;
}
