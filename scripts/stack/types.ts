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
  /** The mint that gave the hot wallet its starting USDC: booked in the ledger at start (`hotwallet:<chain>` ← `funding:<chain>`). */
  hotWalletFundingTx: string;
  /** DepositFactory deployed with the hot wallet as its sweeper: the charges' deposit addresses derive from it. */
  depositFactory: string;
  /** The chain's treasury Safe: its owners are the treasury owner keys (infra/treasury.yml), `threshold` of them sign. */
  treasury: StackTreasury;
  /** The chain's CCTP V2: its own domain, contracts (contracts/cctp) and the stack's attestation service. */
  cctp: StackCctp;
}

export interface StackTreasury {
  safe: string;
  /** Safe's MultiSendCallOnly on the chain (the treasury's approve-and-burn batches). */
  multiSend: string;
  /** Owner `index` (1..N) is KMS key `keyAlias` (TreasuryOwnerKey<index>), whose address is a Safe owner. */
  owners: { index: number; keyAlias: string; address: string }[];
  threshold: number;
  /** The relayer (TreasuryRelayerKey): sends the Safe's executions and the CCTP mints, funded with gas only. */
  relayer: { keyAlias: string; address: string };
  /** The mint that gave the Safe its starting USDC (the first chain's only): booked in the ledger at start (`treasury:<chain>` ← `funding:<chain>`). */
  fundingTx?: string;
}

export interface StackCctp {
  domain: number;
  tokenMessenger: string;
  messageTransmitter: string;
  /** The local attestation service (Circle's Iris API shape): `GET {attestationUrl}/v2/messages/{domain}?transactionHash=`. */
  attestationUrl: string;
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
  /** The attester the local transmitters trust: a KMS key of the stack's, the attestation service's signer. */
  cctpAttester: { keyAlias: string; address: string };
  /** serverless-offline's log: every function's output, their metrics (EMF) among it (`lanepay slo report`). */
  functionLog: string;
}
