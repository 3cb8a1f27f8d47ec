import { makeError } from 'ethers';
import { describe, expect, it } from 'vitest';
import { classifyBroadcastRefusal } from '#lib/chains/evm-adapter.js';

describe('broadcast refusals', () => {
  it('classifies a node refusal by the ethers error code, whatever the node said', () => {
    expect(classifyBroadcastRefusal(makeError('nonce has already been used', 'NONCE_EXPIRED'))).toBe('nonce_used');
    expect(classifyBroadcastRefusal(makeError('replacement fee too low', 'REPLACEMENT_UNDERPRICED'))).toBe('underpriced');
    expect(classifyBroadcastRefusal(makeError('insufficient funds for intrinsic transaction cost', 'INSUFFICIENT_FUNDS'))).toBe('insufficient_funds');
  });

  it('does not read messages: a message that says "nonce too low" without the code is no classification', () => {
    expect(classifyBroadcastRefusal(new Error('nonce too low'))).toBeUndefined();
    expect(classifyBroadcastRefusal(makeError('intrinsic gas too low', 'UNKNOWN_ERROR'))).toBeUndefined();
  });
});
