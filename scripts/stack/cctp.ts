import { concat, Contract, ContractFactory, getBytes, hexlify, Interface, JsonRpcSigner, keccak256, toBeHex, zeroPadValue, type BytesLike, type Signature, type TransactionReceipt } from 'ethers';
import { DEPLOYER_ADDRESS, localProvider, minedReceipt, type RunningChain } from './chains.js';
import { compileMessageTransmitter, compileTokenMessenger } from './solidity.js';

/**
 * The local chains' CCTP V2 (contracts/cctp): a message transmitter and a token messenger per chain,
 * each messenger knowing the others and minting the test USDC, and the attesters a message needs.
 * What Circle deploys on real chains, and its attestation service signs, the local stack deploys
 * and signs itself, with the same interfaces and message format.
 */
export interface CctpChain extends Pick<RunningChain, 'name' | 'chainId' | 'rpcUrl' | 'usdcAddress'> {
  /** The chain's CCTP domain (Circle numbers real chains; local ones take unused numbers). */
  domain: number;
}

export interface CctpDeployment {
  chain: string;
  domain: number;
  messageTransmitter: string;
  tokenMessenger: string;
}

/** CCTP V2's message format version and its burn message body's. */
export const cctpMessageVersion = 1;
export const cctpBodyVersion = 1;
/** Executed finality of a message attested once its source block is final. */
export const finalityThresholdFinalized = 2000;

const usdcAbi = ['function configureMinter(address minter, uint256 minterAllowedAmount)'];
const messengerAbi = [
  'function addRemoteTokenMessenger(uint32 domain, bytes32 tokenMessenger)',
  'function linkTokenPair(address localToken, uint32 remoteDomain, bytes32 remoteToken)',
];
const transmitterEvents = new Interface(['event MessageSent(bytes message)']);
// The test USDC caps each minter; a local stack never moves more than this across chains.
const minterAllowance = 10n ** 18n;

export const addressToBytes32 = (address: string): string => zeroPadValue(address, 32);

/** Deploys and links CCTP on every chain: each messenger may mint its chain's USDC for every other chain's burns. */
export async function deployCctp(chains: CctpChain[], attesters: string[], signatureThreshold: number): Promise<CctpDeployment[]> {
  const [transmitter, messenger] = await Promise.all([compileMessageTransmitter(), compileTokenMessenger()]);
  const deployed = await Promise.all(chains.map(async (chain) => {
    const provider = localProvider(chain.rpcUrl, chain.chainId);
    try {
      const deployer = new JsonRpcSigner(provider, DEPLOYER_ADDRESS);
      const transmitterContract = await new ContractFactory(transmitter.abi, transmitter.bytecode, deployer).deploy(chain.domain, cctpMessageVersion, attesters, signatureThreshold);
      await minedReceipt(provider, transmitterContract.deploymentTransaction()!.hash);
      const messengerContract = await new ContractFactory(messenger.abi, messenger.bytecode, deployer).deploy(await transmitterContract.getAddress(), cctpBodyVersion);
      await minedReceipt(provider, messengerContract.deploymentTransaction()!.hash);
      return { chain: chain.name, domain: chain.domain, messageTransmitter: await transmitterContract.getAddress(), tokenMessenger: await messengerContract.getAddress() };
    } finally {
      provider.destroy();
    }
  }));
  await Promise.all(chains.map(async (chain, index) => {
    const provider = localProvider(chain.rpcUrl, chain.chainId);
    try {
      const deployer = new JsonRpcSigner(provider, DEPLOYER_ADDRESS);
      const own = deployed[index]!;
      const messengerContract = new Contract(own.tokenMessenger, messengerAbi, deployer);
      const sent = [await new Contract(chain.usdcAddress, usdcAbi, deployer).getFunction('configureMinter').send(own.tokenMessenger, minterAllowance)];
      for (const [otherIndex, other] of chains.entries()) {
        if (otherIndex === index) continue;
        sent.push(await messengerContract.getFunction('addRemoteTokenMessenger').send(other.domain, addressToBytes32(deployed[otherIndex]!.tokenMessenger)));
        sent.push(await messengerContract.getFunction('linkTokenPair').send(chain.usdcAddress, other.domain, addressToBytes32(other.usdcAddress)));
      }
      await Promise.all(sent.map((tx) => minedReceipt(provider, tx.hash)));
    } finally {
      provider.destroy();
    }
  }));
  return deployed;
}

/** The messages a transaction sent through a transmitter (its `MessageSent` logs), with each log's index. */
export function sentMessages(receipt: TransactionReceipt, transmitter: string): { message: string; logIndex: number }[] {
  return receipt.logs
    .filter((log) => log.address.toLowerCase() === transmitter.toLowerCase() && log.topics[0] === transmitterEvents.getEvent('MessageSent')!.topicHash)
    .map((log) => ({ message: transmitterEvents.decodeEventLog('MessageSent', log.data, log.topics)[0] as string, logIndex: log.index }));
}

/**
 * The message as the attestation service attests it: CCTP V2 leaves the nonce and the executed
 * finality threshold zero on chain and fills them off chain (bytes 12–43 and 144–147 of the header).
 */
export function messageToAttest(message: BytesLike, nonce: string, finalityThresholdExecuted: number): string {
  const bytes = getBytes(message);
  return hexlify(concat([bytes.slice(0, 12), zeroPadValue(nonce, 32), bytes.slice(44, 144), toBeHex(finalityThresholdExecuted, 4), bytes.slice(148)]));
}

/** An attestation: the attesters' signatures over keccak256(message), in increasing signer address. */
export async function attest(message: BytesLike, attesters: { address: string; signDigest(digest: string): Promise<Signature> }[]): Promise<string> {
  const digest = keccak256(message);
  const ordered = [...attesters].sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1));
  const signatures = await Promise.all(ordered.map((attester) => attester.signDigest(digest)));
  return hexlify(concat(signatures.map((signature) => signature.serialized)));
}
