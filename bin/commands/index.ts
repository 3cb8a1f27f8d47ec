import type { Command, CommandOptions } from '../command.js';
import approvalPolicySet from './approval-policy-set.js';
import approvalPolicyShow from './approval-policy-show.js';
import auditClose from './audit-close.js';
import auditProof from './audit-proof.js';
import auditPublicKey from './audit-public-key.js';
import auditVerify from './audit-verify.js';
import balanceCredit from './balance-credit.js';
import chainRotateWallet from './chain-rotate-wallet.js';
import chainStatus from './chain-status.js';
import demoReceiver from './demo-receiver.js';
import demoSeed from './demo-seed.js';
import drDrill from './dr-drill.js';
import forecastCsv from './forecast-csv.js';
import forecastScenario from './forecast-scenario.js';
import forecastSeed from './forecast-seed.js';
import forecastShow from './forecast-show.js';
import keyCreate from './key-create.js';
import keyRevoke from './key-revoke.js';
import kycResolve from './kyc-resolve.js';
import merchantCreate from './merchant-create.js';
import merchantSetMinDeposit from './merchant-set-min-deposit.js';
import merchantSetPlatform from './merchant-set-platform.js';
import merchantSetRisk from './merchant-set-risk.js';
import merchantShow from './merchant-show.js';
import merchantUsageKey from './merchant-usage-key.js';
import outboxReplay from './outbox-replay.js';
import reconcile from './reconcile.js';
import memberAdd from './member-add.js';
import memberRevoke from './member-revoke.js';
import sanctionsLoad from './sanctions-load.js';
import sloReport from './slo-report.js';
import stackStatus from './stack-status.js';
import statement from './statement.js';
import statementVerify from './statement-verify.js';
import topupCreate from './topup-create.js';
import trace from './trace.js';
import treasuryStatus from './treasury-status.js';
import treasuryFund from './treasury-fund.js';

/**
 * Every `lanepay` command. Adding one: write bin/commands/<group>-<name>.ts exporting
 * `defineCommand({ name: '<group> <name>', … })` as default, and list it here.
 */
export const commands: Command<CommandOptions>[] = [
  stackStatus,
  chainStatus,
  chainRotateWallet,
  treasuryStatus,
  sloReport,
  trace,
  merchantCreate,
  merchantShow,
  merchantSetRisk,
  merchantSetMinDeposit,
  merchantSetPlatform,
  merchantUsageKey,
  keyCreate,
  keyRevoke,
  memberAdd,
  memberRevoke,
  approvalPolicySet,
  approvalPolicyShow,
  balanceCredit,
  topupCreate,
  sanctionsLoad,
  kycResolve,
  demoSeed,
  demoReceiver,
  forecastCsv,
  forecastSeed,
  forecastShow,
  forecastScenario,
  outboxReplay,
  reconcile,
  drDrill,
  auditVerify,
  auditProof,
  auditClose,
  auditPublicKey,
  statement,
  statementVerify,
  treasuryFund,
];
