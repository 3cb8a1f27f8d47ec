import { chainsErrors as chains } from '#chains';
import { customersErrors as customers, kycErrors as kyc } from '#compliance';
import { ledgerErrors as ledger } from '#ledger';
import { approvalsErrors as approvals, membersErrors as members, merchantsErrors as merchants, sessionsErrors as sessions } from '#merchants';
import { chargesErrors as charges, paymentsErrors as payments, payoutsErrors as payouts, refundsErrors as refunds, statementsErrors as statements } from '#money';
import { outboxErrors as outbox, realtimeErrors as realtime, webhooksErrors as webhooks } from '#notify';
import { idempotencyErrors as idempotency, platformErrors as platform, type LanepayError } from '#platform';
import { forecastErrors as forecast, fundingErrors as funding, rebalanceErrors as rebalance, transfersErrors as transfers } from '#treasury';
import * as http from './errors.js';

/**
 * Every errors module of lib/ (a context's refusals live in its `errors.ts`; test/unit/http/error-codes.test.ts
 * checks that none is missing here and that no LanepayError is declared anywhere else).
 */
export const errorModules = {
  approvals, chains, charges, customers, platform, forecast, funding, idempotency, kyc, ledger, members, merchants, outbox, payments, payouts, realtime, rebalance, refunds, sessions, statements, transfers, webhooks, http,
};

/** The codes of a module's concrete LanepayError classes (abstract bases are not constructible, so they drop out). */
type CodesOf<Module> = {
  [Name in keyof Module]: Module[Name] extends new (...args: any[]) => infer Instance
    ? Instance extends LanepayError ? Instance['code'] : never
    : never;
}[keyof Module];

type Modules = typeof errorModules;

/** Every code a Lanepay error can carry: adding a class to an errors module adds its code here. */
export type ErrorCode = { [Context in keyof Modules]: CodesOf<Modules[Context]> }[keyof Modules];

/**
 * Fails to compile when a class's code is a plain `string` (`extends LanepayError` without its code
 * as the type argument): ErrorCode would widen to `string` and no table could be checked against it.
 */
export const everyCodeIsLiteral: string extends ErrorCode ? never : true = true;
