import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { readJsonObjectBody } from '#api/http/body.js';
import { ValidationError } from '#lib/platform/errors/index.js';

const event = (body: string | null) => ({ body, isBase64Encoded: false, headers: { 'Content-Type': 'application/json' } }) as unknown as APIGatewayProxyEvent;

describe('readJsonObjectBody', () => {
  it.each(['null', 'false', 'true', '0', '-1.5', '"text"', '[]', '[{"amount":"1"}]'])('refuses the JSON value %s as a validation error', (body) => {
    expect(() => readJsonObjectBody(event(body))).toThrow(ValidationError);
  });

  it('reads an absent body as an empty object', () => {
    expect(readJsonObjectBody(event(null))).toEqual({});
    expect(readJsonObjectBody(event(''))).toEqual({});
  });

  it('returns a JSON object as parsed', () => {
    expect(readJsonObjectBody(event('{"amount":"1","metadata":{"a":"b"}}'))).toEqual({ amount: '1', metadata: { a: 'b' } });
  });
});
