import { createReportBodySchema, reportSchema } from '#reports';
import { bodyProblems, idempotencyHeader, idParam, json, jsonExample, jsonSchema, problems } from './parts.js';

/** The report routes for the merchant API's OpenAPI document; api/openapi/document.ts merges them. */
const ok = (description: string, schemaName: string) => ({ description, content: json(schemaName) });
const reportLinks = (id: string) => ({ GetReport: { operationId: 'getReport', parameters: { id } } });

export const reportOpenApiPaths: Record<string, Record<string, unknown>> = {
  '/v1/reports': {
    post: {
      operationId: 'createReport',
      summary: 'Request a report (balance transactions, charges, or payouts reconciled with the chain) over an interval, as CSV or Parquet; built asynchronously (`report.ready`)',
      tags: ['Reports'],
      parameters: [idempotencyHeader(true)],
      requestBody: {
        required: true,
        content: jsonExample('CreateReport', { type: 'balance_transactions', interval: { start: '2026-11-01T00:00:00Z', end: '2026-12-01T00:00:00Z' }, format: 'parquet' }),
      },
      responses: {
        '200': { ...ok('The first result of this Idempotency-Key, replayed', 'Report'), links: reportLinks('$response.body#/id') },
        '201': { ...ok('Requested: pending until its file is written', 'Report'), links: reportLinks('$response.body#/id') },
        ...problems(...bodyProblems, 409, 422),
      },
    },
  },
  '/v1/reports/{id}': {
    get: {
      operationId: 'getReport',
      summary: 'Retrieve a report: its status and, once ready, a download URL valid for a few minutes',
      tags: ['Reports'],
      parameters: [idParam('rpt', 'report')],
      responses: { '200': ok('Report', 'Report'), ...problems(400, 404) },
    },
  },
};

export const reportOpenApiSchemas = {
  CreateReport: jsonSchema(createReportBodySchema, 'input'),
  Report: jsonSchema(reportSchema, 'output'),
};
