import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import * as z from 'zod/mini';
import type * as core from 'zod/v4/core';

/**
 * A stored item (or the keys of one) read through the DynamoDB marshaller and checked against
 * `schema`: util-dynamodb turns each attribute into its value (an N into a number, or a bigint past
 * 2^53; a B into bytes), and the schema says which must be there, so a malformed item fails here
 * naming the attribute instead of as a TypeError further on.
 */
export function readItem<S extends ParsingSchema>(schema: S, item: Record<string, AttributeValue>): core.output<S> {
  return schema.parse(unmarshall(item)) as core.output<S>;
}

/**
 * A zod schema, classic or mini (both parse). The helpers here are built with zod/mini so that a
 * function whose own schemas are mini (the authorizer) does not carry classic zod for them.
 */
type ParsingSchema = core.$ZodType & { parse(data: unknown): unknown };

/** An S attribute holding JSON (the API object, a list kept whole), parsed and checked by `schema`. */
export function jsonAttribute<S extends core.$ZodType>(schema: S) {
  return z.pipe(z.pipe(z.string(), z.transform((text: string): unknown => JSON.parse(text))), schema);
}

/** An N attribute read as a bigint (amounts in minor units): exact at any size. */
export const bigintAttribute = z.pipe(z.union([z.int(), z.bigint()]), z.transform((value: number | bigint) => BigInt(value)));
