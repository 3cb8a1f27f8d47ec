import { generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import {
  Signature,
  SigningKey,
  computeAddress,
  getBytes,
  hexlify,
  keccak256,
  randomBytes,
  recoverAddress,
  sha256,
  toBeHex,
  toBigInt,
} from 'ethers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDerSignature, parseSpkiPublicKey } from '#lib/chains/der.js';

const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** Minimal DER INTEGER encoder: shortest big-endian form, plus a 0x00 byte when the top bit is set. */
function derInteger(value: bigint): number[] {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  const bytes = [...getBytes(`0x${hex}`)];
  if ((bytes[0] ?? 0) & 0x80) bytes.unshift(0);
  return [0x02, bytes.length, ...bytes];
}

function derSignature(r: bigint, s: bigint): Uint8Array {
  const body = [...derInteger(r), ...derInteger(s)];
  return Uint8Array.from([0x30, body.length, ...body]);
}

const ecPublicKeyOid = [0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const secp256k1Oid = [0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x0a];

function spki(point: Uint8Array): Uint8Array {
  const algorithm = [0x30, ecPublicKeyOid.length + secp256k1Oid.length, ...ecPublicKeyOid, ...secp256k1Oid];
  const bitString = [0x03, point.length + 1, 0x00, ...point];
  const body = [...algorithm, ...bitString];
  return Uint8Array.from([0x30, body.length, ...body]);
}

describe('parseDerSignature', () => {
  it('reads r and s when both have the top bit set and carry a leading zero byte', () => {
    const r = 0x80n << 248n;
    const s = (0xffn << 248n) | 1n;
    const der = derSignature(r, s);
    expect(der[3]).toBe(33);
    expect(parseDerSignature(der)).toEqual({ r, s });
  });

  it('reads short r and s that KMS encodes in fewer than 32 bytes', () => {
    expect(parseDerSignature(derSignature(1n, 0x7fn))).toEqual({ r: 1n, s: 0x7fn });
    const r31Bytes = 0x1234n << 232n;
    expect(parseDerSignature(derSignature(r31Bytes, 2n))).toEqual({ r: r31Bytes, s: 2n });
  });

  it('reads signatures produced by an independent encoder (node:crypto) so that they verify', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
    const message = Buffer.from('lanepay');
    const { r, s: rawS } = parseDerSignature(nodeSign('sha256', message, { key: privateKey, dsaEncoding: 'der' }));
    // node:crypto, like KMS, may return the high-s half; ethers accepts only low s.
    const s = rawS > SECP256K1_N / 2n ? SECP256K1_N - rawS : rawS;

    const jwk = publicKey.export({ format: 'jwk' });
    const point = Buffer.concat([Buffer.of(4), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
    const recovered = [27, 28].map((v) =>
      recoverAddress(sha256(message), Signature.from({ r: toBeHex(r, 32), s: toBeHex(s, 32), v })),
    );
    expect(recovered).toContain(computeAddress(hexlify(point)));
  });

  it('rejects input that is not a SEQUENCE', () => {
    expect(() => parseDerSignature(Uint8Array.of(0x31, 0x00))).toThrow(/expected tag 0x30/);
  });

  it('rejects a truncated signature', () => {
    const der = derSignature(5n, 6n);
    expect(() => parseDerSignature(der.subarray(0, der.length - 1))).toThrow(/past the end/);
  });

  it('rejects trailing bytes after the signature', () => {
    expect(() => parseDerSignature(Uint8Array.from([...derSignature(5n, 6n), 0]))).toThrow(/trailing/);
  });

  it('rejects a negative INTEGER', () => {
    expect(() => parseDerSignature(Uint8Array.of(0x30, 0x06, 0x02, 0x01, 0x80, 0x02, 0x01, 0x01))).toThrow(/negative/);
  });

  it('round-trips any signature made by ethers SigningKey', () => {
    const privateKey = fc
      .uint8Array({ minLength: 32, maxLength: 32 })
      .filter((bytes) => {
        const k = toBigInt(bytes);
        return k > 0n && k < SECP256K1_N;
      });
    const digest = fc.uint8Array({ minLength: 32, maxLength: 32 });
    fc.assert(
      fc.property(privateKey, digest, (key, hash) => {
        const signature = new SigningKey(hexlify(key)).sign(hash);
        const parsed = parseDerSignature(derSignature(toBigInt(signature.r), toBigInt(signature.s)));
        expect(parsed).toEqual({ r: toBigInt(signature.r), s: toBigInt(signature.s) });
      }),
      { numRuns: 200 },
    );
  });
});

describe('parseSpkiPublicKey', () => {
  it('extracts the uncompressed point from a secp256k1 SPKI', () => {
    const key = new SigningKey(keccak256(randomBytes(32)));
    expect(hexlify(parseSpkiPublicKey(spki(getBytes(key.publicKey))))).toBe(key.publicKey);
  });

  it('extracts the point from an SPKI produced by an independent encoder (node:crypto)', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
    const der = publicKey.export({ type: 'spki', format: 'der' });
    const jwk = publicKey.export({ format: 'jwk' });
    const point = parseSpkiPublicKey(der);
    const expected = Buffer.concat([Buffer.of(4), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
    expect(Buffer.from(point).equals(expected)).toBe(true);
  });

  it('rejects a key on another curve, naming the key spec KMS needs', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    expect(() => parseSpkiPublicKey(publicKey.export({ type: 'spki', format: 'der' }))).toThrow(/ECC_SECG_P256K1/);
  });

  it('rejects a compressed point', () => {
    const key = new SigningKey(keccak256(randomBytes(32)));
    expect(() => parseSpkiPublicKey(spki(getBytes(key.compressedPublicKey)))).toThrow(/uncompressed/);
  });
});
