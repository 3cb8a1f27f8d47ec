import { LanepayError } from '../errors/index.js';

// Refusals of a request's body before any domain code sees it (lib/http/body.ts).

export class BodyTooLargeError extends LanepayError<'body_too_large'> {
  override name = 'BodyTooLargeError';
  constructor(readonly bytes: number, readonly maxBytes: number) {
    super('body_too_large', `The body is ${bytes} bytes; the limit is ${maxBytes}.`);
  }
}

export class UnsupportedMediaTypeError extends LanepayError<'unsupported_media_type'> {
  override name = 'UnsupportedMediaTypeError';
  constructor() {
    super('unsupported_media_type', 'Send the body as JSON with `Content-Type: application/json`.');
  }
}

export class InvalidJsonError extends LanepayError<'invalid_json'> {
  override name = 'InvalidJsonError';
  constructor(cause: unknown) {
    super('invalid_json', `The body is not valid JSON: ${(cause as Error).message}`, { cause });
  }
}
