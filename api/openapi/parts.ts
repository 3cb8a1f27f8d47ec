import * as z from 'zod';
import { routeGrade } from '../http/shedding.js';

/**
 * Building blocks of the OpenAPI document (api/openapi/document.ts): JSON Schema from zod, problem
 * responses by status, parameters. Shared with api/openapi/realtime.ts so every operation
 * describes its refusals the same way.
 */

/** JSON Schema 2020-12 from a zod schema, as OpenAPI 3.1 takes it (without `$schema`). */
export function jsonSchema(s: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
export const json = (name: string) => ({ 'application/json': { schema: ref(name) } });
/** A request body's content with an example (the fuzzer's examples phase sends it first). */
export const jsonExample = (name: string, example: unknown) => ({ 'application/json': { schema: ref(name), example } });

/** Why each status is answered; an operation lists the statuses it can return. */
const problemDescriptions = {
  400: 'Invalid request: a body, parameter or header does not match this document (`validation_error`, `invalid_json`)',
  401: 'Missing, malformed, unknown or revoked API key (answered by the gateway)',
  402: 'Declined: a payment is recorded with status `declined` and carried in the problem; a refund (`refund_declined`) is not recorded, `decline_code` says why',
  403: 'Forbidden: a member key outside the approval endpoints (answered by the gateway), or a member who may not decide this approval: its requester (`self_approval`), the member it revokes (`own_revocation`), a revoked member (`member_revoked`), one added after it was requested (`member_not_eligible`); on a refund claim, a signature that is not the address\'s signature of the claim\'s message (`claim_signature_invalid`); a platform route asked by another merchant (`platform_only`)',
  404: 'No such object for this merchant',
  409: 'Conflict with the state (not capturable, a capture above the authorized amount, a refund above what the charge credited, a limit reached, a claim used already or not open), or a request with this Idempotency-Key is in flight',
  410: 'Gone: the refund claim expired (`claim_expired`); its money went back to the merchant; or the customer\'s personal data was erased (`pii_erased`)',
  413: 'The body is larger than 16 KiB',
  415: 'The body is not `application/json`',
  422: 'Idempotency-Key reused with a different request',
  423: 'The member is locked after five wrong one-time codes (`member_locked`); retry after `retry_after` seconds',
  429: 'Too many requests for this API key or this API, or its request quota is used up (answered by the gateway, codes `rate_limited` and `quota_exceeded`); retry after `Retry-After` seconds with the same Idempotency-Key',
  500: 'Internal error, logged; retrying with the same Idempotency-Key is safe',
  503: 'Busy (`try_again`: nothing was written), the API key could not be checked just now (`authorizer_unavailable`), or this route\'s reserved capacity is used up (`overloaded`; both answered by the gateway); retry after `Retry-After` seconds with the same Idempotency-Key',
} as const;
export type ProblemStatus = keyof typeof problemDescriptions;

/** problem+json responses for the given statuses, plus 401, 429, 500 and 503 which every merchant operation can answer. */
export function problems(...statuses: ProblemStatus[]): Record<string, unknown> {
  const all = [...new Set<ProblemStatus>([...statuses, 401, 429, 500, 503])].sort((a, b) => a - b);
  return Object.fromEntries(all.map((status) => [String(status), {
    description: problemDescriptions[status],
    content: { 'application/problem+json': { schema: ref('Problem') } },
  }]));
}

/** Statuses every operation taking a JSON body can answer. */
export const bodyProblems: ProblemStatus[] = [400, 413, 415];

/** An object id in the path: its prefix, then a lowercase ULID. */
export function idParam(prefix: string, what: string) {
  return {
    name: 'id', in: 'path', required: true, description: `The ${what}'s id`,
    schema: { type: 'string', pattern: `^${prefix}_[0-9a-z]{26}$` },
  };
}

/** The one syntax every Idempotency-Key must have (parseIdempotencyKey in lib/platform/idempotency/store.ts checks it). */
export const idempotencyKeyPattern = '^[!-~]{1,255}$';

export function idempotencyHeader(required: boolean) {
  return {
    name: 'Idempotency-Key', in: 'header', required,
    description: 'A key unique to this request, e.g. a UUID: a retry with the same key and body returns the first result.',
    schema: { type: 'string', pattern: idempotencyKeyPattern },
  };
}

/** `limit` and `starting_after` of a list operation; `cursor` is the pattern of the ids it pages over. */
export function listParams(cursor: string) {
  return [
    { name: 'limit', in: 'query', description: 'Page size', schema: { type: 'integer', minimum: 1, maximum: 100, default: 10 } },
    { name: 'starting_after', in: 'query', description: 'The last id of the previous page', schema: { type: 'string', pattern: cursor } },
  ];
}

/** The 503 of a sheddable operation (api/http/shedding.ts): the gateway's answer while its class is at its cap. */
const overloadedResponse = {
  description: 'Overloaded (`overloaded`, answered by the gateway): this route is shed first while the API is overloaded, so that payments keep their capacity; retry after `Retry-After` seconds (a POST with the same Idempotency-Key)',
  headers: { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer', minimum: 0 } } },
  content: { 'application/problem+json': { schema: ref('Problem') } },
};

type Operations = Record<string, { responses?: Record<string, unknown> } & Record<string, unknown>>;

/** `paths` with the overloaded 503 on every sheddable operation (api/http/shedding.ts's table). */
export function withSheddingResponses<Paths extends Record<string, Operations>>(paths: Paths): Paths {
  return Object.fromEntries(Object.entries(paths).map(([route, operations]) => [route, Object.fromEntries(Object.entries(operations).map(([method, operation]) => [
    method,
    operation.responses && routeGrade(method, route) === 'sheddable' ? { ...operation, responses: { ...operation.responses, '503': overloadedResponse } } : operation,
  ]))])) as Paths;
}
