import type { APIGatewayProxyEvent } from 'aws-lambda';
import { LanepayError } from '../errors/index.js';

export const defaultMaxBodyBytes = 16 * 1024;

/**
 * Reads a JSON body: size first (so an oversized body is refused before it is parsed),
 * then media type, then syntax. An absent body reads as `undefined`.
 */
export function readJsonBody(event: APIGatewayProxyEvent, maxBodyBytes = defaultMaxBodyBytes): unknown {
  if (event.body === null || event.body === undefined || event.body === '') return undefined;
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (raw.byteLength > maxBodyBytes) {
    throw new LanepayError('body_too_large', `The body is ${raw.byteLength} bytes; the limit is ${maxBodyBytes}.`);
  }
  const contentType = headerValue(event, 'content-type') ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(contentType)) {
    throw new LanepayError('unsupported_media_type', 'Send the body as JSON with `Content-Type: application/json`.');
  }
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new LanepayError('invalid_json', `The body is not valid JSON: ${(error as Error).message}`);
  }
}

/** Case-insensitive header lookup; API Gateway keeps the client's casing. */
export function headerValue(event: APIGatewayProxyEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
}
