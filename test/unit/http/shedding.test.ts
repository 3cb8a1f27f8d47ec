import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { classGrades, routeGrade, routeGrades, routeKey } from '#api/http/shedding.js';
import { openApiDocument } from '#api/openapi/document.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const functionFiles = fs.readdirSync(path.join(repoRoot, 'functions')).filter((f) => f.endsWith('.yml'));
const settings = parse(fs.readFileSync(path.join(repoRoot, 'infra', 'settings.yml'), 'utf8'), { merge: true }) as Record<string, { concurrency: Record<string, number> }>;

type FunctionDefinition = { reservedConcurrency?: string | number; events?: Record<string, { method?: string; path?: string; maximumConcurrency?: number }>[] };
const functions: Record<string, FunctionDefinition> = Object.assign({}, ...functionFiles.map((file) => parse(fs.readFileSync(path.join(repoRoot, 'functions', file), 'utf8'))));

/** The class a function's reservedConcurrency names (`${self:custom.settings.concurrency.<class>}`), or its fixed number. */
function classOf(definition: FunctionDefinition): string | number | undefined {
  const reserved = definition.reservedConcurrency;
  if (typeof reserved === 'number') return reserved;
  return /^\$\{self:custom\.settings\.concurrency\.(\w+)\}$/.exec(reserved ?? '')?.[1];
}

const httpRoutes = Object.entries(functions).flatMap(([name, definition]) => (definition.events ?? [])
  .filter((event) => event.http)
  .map((event) => ({ route: `${event.http!.method!.toUpperCase()} /${event.http!.path}`, function: name, class: classOf(definition) })));

describe('the shedding table (api/http/shedding.ts)', () => {
  it('grades every HTTP route of functions/*.yml exactly once, and no other', () => {
    const graded = [...routeGrades.critical, ...routeGrades.sheddable];

    expect(new Set(graded).size).toBe(graded.length);
    expect([...graded].sort()).toEqual(httpRoutes.map((r) => r.route).sort());
  });

  it("grades each route as its function's concurrency class: a critical route is never served by a capped class", () => {
    const mismatched = httpRoutes
      .map((r) => ({ ...r, grade: routeGrade(...(r.route.split(' ') as [string, string])), classGrade: classGrades[r.class as keyof typeof classGrades] }))
      .filter((r) => r.grade !== r.classGrade);

    expect(mismatched).toEqual([]);
  });

  it('puts authorize, capture, cancel and charge creation among the critical routes and lists among the sheddable', () => {
    for (const route of ['POST /v1/payments', 'POST /v1/payments/{id}/capture', 'POST /v1/payments/{id}/cancel', 'POST /v1/charges']) expect(routeGrade(...(route.split(' ') as [string, string])), route).toBe('critical');
    for (const route of ['GET /v1/payments', 'GET /v1/events', 'GET /v1/webhook_endpoints', 'GET /v1/statements', 'POST /v1/reports']) expect(routeGrade(...(route.split(' ') as [string, string])), route).toBe('sheddable');
  });

  it('gives every function a class of the table (or a fixed one-at-a-time reservation), and every stage a value for every class', () => {
    for (const [name, definition] of Object.entries(functions)) {
      const reservation = classOf(definition);
      if (typeof reservation === 'number') expect(reservation, name).toBe(1);
      else expect(Object.keys(classGrades), name).toContain(reservation);
    }
    for (const [stage, values] of Object.entries(settings)) expect(Object.keys(values.concurrency).sort(), stage).toEqual(Object.keys(classGrades).sort());
  });

  it("leaves every SQS mapping's maximumConcurrency within its function's reservation, on every stage (past it, Lambda throttles the poller)", () => {
    for (const [stage, values] of Object.entries(settings)) {
      for (const [name, definition] of Object.entries(functions)) {
        const reservation = classOf(definition);
        const reserved = typeof reservation === 'number' ? reservation : values.concurrency[reservation!]!;
        for (const event of definition.events ?? []) {
          if (event.sqs?.maximumConcurrency) expect(event.sqs.maximumConcurrency, `${stage} ${name}`).toBeLessThanOrEqual(reserved);
        }
      }
    }
  });
});

describe('the OpenAPI document under overload', () => {
  const operations = Object.entries(openApiDocument().paths as Record<string, Record<string, { responses?: Record<string, { description: string; headers?: Record<string, unknown> }> }>>)
    .flatMap(([p, methods]) => Object.entries(methods).filter(([method]) => ['get', 'post', 'put', 'delete'].includes(method)).map(([method, operation]) => ({ key: routeKey(method, p), grade: routeGrade(method, p), operation })));

  it('describes 503 overloaded with Retry-After on every sheddable operation, and on no critical one', () => {
    const sheddable = operations.filter((o) => o.grade === 'sheddable');
    const critical = operations.filter((o) => o.grade === 'critical');

    expect(sheddable.map((o) => o.key)).toContain('GET /v1/payments');
    expect(critical.map((o) => o.key)).toContain('POST /v1/payments');
    for (const { key, operation } of sheddable) {
      expect(operation.responses?.['503']?.description, key).toMatch(/`overloaded`.*shed/);
      expect(operation.responses?.['503']?.headers, key).toHaveProperty('Retry-After');
    }
    for (const { key, operation } of critical) expect(operation.responses?.['503']?.description, key).not.toMatch(/shed/);
  });
});
