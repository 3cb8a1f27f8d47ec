import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ValidationError } from '../errors/index.js';
import { BodyTooLargeError, InvalidJsonError, UnsupportedMediaTypeError } from './errors.js';

export const defaultMaxBodyBytes = 16 * 1024;

/**
 * Reads a JSON body: size first (so an oversized body is refused before it is parsed),
 * then media type, then syntax. An absent body reads as `undefined`.
 */
export function readJsonBody(event: APIGatewayProxyEvent, maxBodyBytes = defaultMaxBodyBytes): unknown {
  if (event.body === null || event.body === undefined || event.body === '') return undefined;
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (raw.byteLength > maxBodyBytes) {
    throw new BodyTooLargeError(raw.byteLength, maxBodyBytes);
  }
  const contentType = headerValue(event, 'content-type') ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(contentType)) {
    throw new UnsupportedMediaTypeError();
  }
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new InvalidJsonError(error);
  }
}

/**
 * Reads a body that must be a JSON object: absent reads as `{}` (every field optional), any other
 * JSON value (null, false, a number, a string, an array) is a validation error, refused before
 * anything is read or written.
 */
export function readJsonObjectBody(event: APIGatewayProxyEvent, maxBodyBytes = defaultMaxBodyBytes): Record<string, unknown> {
  const value = readJsonBody(event, maxBodyBytes);
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    throw new ValidationError(`The body must be a JSON object, not ${got}.`, [{ field: '', message: 'must be a JSON object' }]);
  }
  return value as Record<string, unknown>;
}

/** Case-insensitive header lookup; API Gateway keeps the client's casing. */
export function headerValue(event: APIGatewayProxyEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
}
