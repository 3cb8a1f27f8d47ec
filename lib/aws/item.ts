import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import * as z from 'zod';

/**
 * A stored item (or the keys of one) read through the DynamoDB marshaller and checked against
 * `schema`: util-dynamodb turns each attribute into its value (an N into a number, or a bigint past
 * 2^53; a B into bytes), and the schema says which must be there, so a malformed item fails here
 * naming the attribute instead of as a TypeError further on.
 */
export function readItem<S extends z.ZodType>(schema: S, item: Record<string, AttributeValue>): z.output<S> {
  return schema.parse(unmarshall(item));
}

/** An S attribute holding JSON (the API object, a list kept whole), parsed and checked by `schema`. */
export function jsonAttribute<S extends z.ZodType>(schema: S) {
  return z.string().transform((text): unknown => JSON.parse(text)).pipe(schema);
}

/** An N attribute read as a bigint (amounts in minor units): exact at any size. */
export const bigintAttribute = z.union([z.number().int(), z.bigint()]).transform((value) => BigInt(value));
