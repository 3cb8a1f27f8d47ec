// Hand-written DER reading for the two shapes KMS returns: a few dozen lines, where an ASN.1 library would be a heavyweight dependency.

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const BIT_STRING = 0x03;
const OBJECT_IDENTIFIER = 0x06;

// 1.2.840.10045.2.1 (id-ecPublicKey) and 1.3.132.0.10 (secp256k1), DER-encoded.
const EC_PUBLIC_KEY_OID = Uint8Array.of(0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01);
const SECP256K1_OID = Uint8Array.of(0x2b, 0x81, 0x04, 0x00, 0x0a);

interface Tlv {
  value: Uint8Array;
  /** Offset just past this element. */
  end: number;
}

function readTlv(der: Uint8Array, offset: number, expectedTag: number): Tlv {
  const tag = der[offset];
  if (tag !== expectedTag) throw new Error(`DER: expected tag 0x${hex(expectedTag)} at ${offset}, got 0x${hex(tag)}`);
  let length = byteAt(der, offset + 1);
  let start = offset + 2;
  if (length & 0x80) {
    const lengthBytes = length & 0x7f;
    if (lengthBytes === 0 || lengthBytes > 2) throw new Error(`DER: unsupported length form at ${offset + 1}`);
    length = 0;
    for (let i = 0; i < lengthBytes; i++) length = (length << 8) | byteAt(der, start + i);
    start += lengthBytes;
  }
  const end = start + length;
  if (end > der.length) throw new Error(`DER: element at ${offset} runs past the end of the input`);
  return { value: der.subarray(start, end), end };
}

/** Parses an ECDSA-Sig-Value (`SEQUENCE { r INTEGER, s INTEGER }`), as KMS Sign returns it. */
export function parseDerSignature(der: Uint8Array): { r: bigint; s: bigint } {
  const seq = readTlv(der, 0, SEQUENCE);
  if (seq.end !== der.length) throw new Error('DER: trailing bytes after signature');
  const r = readTlv(seq.value, 0, INTEGER);
  const s = readTlv(seq.value, r.end, INTEGER);
  if (s.end !== seq.value.length) throw new Error('DER: trailing bytes inside signature');
  return { r: unsignedInteger(r.value), s: unsignedInteger(s.value) };
}

/**
 * Extracts the 65-byte uncompressed point (0x04 ‖ X ‖ Y) from a secp256k1 SubjectPublicKeyInfo,
 * as KMS GetPublicKey returns it. Rejects other curves, so a wrongly specced key fails loudly.
 */
export function parseSpkiPublicKey(der: Uint8Array): Uint8Array {
  const spki = readTlv(der, 0, SEQUENCE);
  const algorithm = readTlv(spki.value, 0, SEQUENCE);
  const keyType = readTlv(algorithm.value, 0, OBJECT_IDENTIFIER);
  const curve = readTlv(algorithm.value, keyType.end, OBJECT_IDENTIFIER);
  if (!bytesEqual(keyType.value, EC_PUBLIC_KEY_OID) || !bytesEqual(curve.value, SECP256K1_OID)) {
    throw new Error('SPKI: not a secp256k1 EC public key (KMS key spec must be ECC_SECG_P256K1)');
  }
  const bits = readTlv(spki.value, algorithm.end, BIT_STRING);
  // First BIT STRING byte counts unused bits; a key always has none.
  const point = bits.value.subarray(1);
  if (bits.value[0] !== 0 || point.length !== 65 || point[0] !== 0x04) {
    throw new Error('SPKI: public key is not a 65-byte uncompressed point');
  }
  return point;
}

// DER INTEGERs are two's complement, so a positive value with its top bit set gains a 0x00 byte.
function unsignedInteger(bytes: Uint8Array): bigint {
  if (bytes.length === 0) throw new Error('DER: empty INTEGER');
  if (byteAt(bytes, 0) & 0x80) throw new Error('DER: negative INTEGER in signature');
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  return value;
}

function byteAt(bytes: Uint8Array, index: number): number {
  const b = bytes[index];
  if (b === undefined) throw new Error(`DER: truncated input at ${index}`);
  return b;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function hex(n: number | undefined): string {
  return n === undefined ? '(end)' : n.toString(16).padStart(2, '0');
}
