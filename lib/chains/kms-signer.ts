import { GetPublicKeyCommand, SignCommand, type KMSClient } from '@aws-sdk/client-kms';
import {
  AbstractSigner,
  Signature,
  Transaction,
  TypedDataEncoder,
  assert,
  assertArgument,
  computeAddress,
  copyRequest,
  getAddress,
  getBytes,
  hashMessage,
  hexlify,
  recoverAddress,
  resolveAddress,
  resolveProperties,
  toBeHex,
  type BytesLike,
  type Provider,
  type TransactionLike,
  type TransactionRequest,
  type TypedDataDomain,
  type TypedDataField,
} from 'ethers';
import { parseDerSignature, parseSpkiPublicKey } from './der.js';

/** Order of the secp256k1 group. */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

// Keyed by key id alone: within one deployment a key id or alias names one key, and this is
// what lets a warm Lambda container call GetPublicKey once however many signers it builds.
const addressByKeyId = new Map<string, Promise<string>>();

/** An ethers signer whose secp256k1 private key never leaves AWS KMS (key spec ECC_SECG_P256K1). */
export class KmsSigner extends AbstractSigner {
  readonly kms: KMSClient;
  readonly keyId: string;
  #address: string | undefined;

  constructor(kms: KMSClient, keyId: string, provider?: Provider | null) {
    super(provider);
    this.kms = kms;
    this.keyId = keyId;
  }

  override connect(provider: Provider | null): KmsSigner {
    const signer = new KmsSigner(this.kms, this.keyId, provider);
    signer.#address = this.#address;
    return signer;
  }

  override async getAddress(): Promise<string> {
    this.#address ??= await cachedAddress(this.kms, this.keyId);
    return this.#address;
  }

  /** Signs a 32-byte digest with one KMS Sign call; returns an Ethereum (low-s, v = 27/28) signature. */
  async signDigest(digest: BytesLike): Promise<Signature> {
    const digestBytes = getBytes(digest);
    assertArgument(digestBytes.length === 32, 'digest must be 32 bytes', 'digest', digest);
    const [address, response] = await Promise.all([
      this.getAddress(),
      this.kms.send(
        new SignCommand({
          KeyId: this.keyId,
          Message: digestBytes,
          MessageType: 'DIGEST',
          SigningAlgorithm: 'ECDSA_SHA_256',
        }),
      ),
    ]);
    if (response.Signature === undefined) throw new Error(`KMS Sign returned no signature for key ${this.keyId}`);

    const { r, s: rawS } = parseDerSignature(response.Signature);
    // Ethereum rejects high-s signatures (EIP-2); KMS returns either half at random.
    const s = rawS > SECP256K1_N / 2n ? SECP256K1_N - rawS : rawS;
    // KMS does not say which of the two candidate public keys signed, so try both.
    for (const v of [27, 28] as const) {
      const signature = Signature.from({ r: toBeHex(r, 32), s: toBeHex(s, 32), v });
      if (recoverAddress(digestBytes, signature) === address) return signature;
    }
    throw new Error(`KMS signature for key ${this.keyId} does not recover to ${address}`);
  }

  override async signTransaction(tx: TransactionRequest): Promise<string> {
    const request = copyRequest(tx);
    const { to, from } = await resolveProperties({
      to: request.to ? resolveAddress(request.to, this) : undefined,
      from: request.from ? resolveAddress(request.from, this) : undefined,
    });
    if (to != null) request.to = to;
    if (from != null) {
      assertArgument(getAddress(from) === (await this.getAddress()), 'transaction from address mismatch', 'tx.from', from);
    }
    delete request.from;

    const unsigned = Transaction.from(request as TransactionLike<string>);
    unsigned.signature = await this.signDigest(unsigned.unsignedHash);
    return unsigned.serialized;
  }

  override async signMessage(message: string | Uint8Array): Promise<string> {
    return (await this.signDigest(hashMessage(message))).serialized;
  }

  override async signTypedData(
    domain: TypedDataDomain,
    types: Record<string, TypedDataField[]>,
    value: Record<string, unknown>,
  ): Promise<string> {
    const populated = await TypedDataEncoder.resolveNames(domain, types, value, async (name) => {
      assert(this.provider != null, 'cannot resolve ENS names without a provider', 'UNSUPPORTED_OPERATION', {
        operation: 'resolveName',
        info: { name },
      });
      const address = await this.provider.resolveName(name);
      assert(address != null, 'unconfigured ENS name', 'UNCONFIGURED_NAME', { value: name });
      return address;
    });
    const digest = TypedDataEncoder.hash(populated.domain, types, populated.value);
    return (await this.signDigest(digest)).serialized;
  }
}

function cachedAddress(kms: KMSClient, keyId: string): Promise<string> {
  let address = addressByKeyId.get(keyId);
  if (address === undefined) {
    address = fetchAddress(kms, keyId);
    // Cache the promise so concurrent first calls share one request, but let a failure be retried.
    address.catch(() => addressByKeyId.delete(keyId));
    addressByKeyId.set(keyId, address);
  }
  return address;
}

async function fetchAddress(kms: KMSClient, keyId: string): Promise<string> {
  const response = await kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
  if (response.PublicKey === undefined) throw new Error(`KMS GetPublicKey returned no key for ${keyId}`);
  return computeAddress(hexlify(parseSpkiPublicKey(response.PublicKey)));
}
