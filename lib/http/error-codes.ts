import * as approvals from '../approvals/errors.js';
import * as chains from '../chains/errors.js';
import * as charges from '../charges/errors.js';
import * as customers from '../customers/errors.js';
import type { LanepayError } from '../errors/index.js';
import * as platform from '../errors/index.js';
import * as forecast from '../forecast/errors.js';
import * as idempotency from '../idempotency/errors.js';
import * as kyc from '../kyc/errors.js';
import * as ledger from '../ledger/errors.js';
import * as members from '../members/errors.js';
import * as merchants from '../merchants/errors.js';
import * as outbox from '../outbox/errors.js';
import * as payments from '../payments/errors.js';
import * as payouts from '../payouts/errors.js';
import * as realtime from '../realtime/errors.js';
import * as webhooks from '../webhooks/errors.js';
import * as http from './errors.js';

/**
 * Every errors module of lib/ (a context's refusals live in its `errors.ts`; test/unit/http/error-codes.test.ts
 * checks that none is missing here and that no LanepayError is declared anywhere else).
 */
export const errorModules = {
  approvals, chains, charges, customers, platform, forecast, idempotency, kyc, ledger, members, merchants, outbox, payments, payouts, realtime, webhooks, http,
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
