/**
 * Circle's CCTP V2 as deployed on the public chains Lanepay knows, per EVM chain id: the chain's
 * CCTP domain, its TokenMessengerV2 and MessageTransmitterV2, and the attestation API (Iris) that
 * attests its burns. The registry refuses a `cctp` entry for one of these chains that differs: a
 * wrong messenger or domain burns funds that no one can mint.
 *
 * Sources: https://developers.circle.com/cctp/references/contract-addresses (V2 contracts: the same
 * two addresses on every EVM mainnet, two others on every testnet) and
 * https://developers.circle.com/cctp/concepts/supported-chains-and-domains (domain identifiers);
 * the attestation API hosts from https://developers.circle.com/api-reference/cctp/all/get-messages-v2.
 * Local chains are not listed: the local stack deploys contracts of its own (contracts/cctp).
 */
export interface CircleCctpDeployment {
  chain: string;
  domain: number;
  tokenMessenger: string;
  messageTransmitter: string;
  attestationApi: string;
}

const mainnet = {
  tokenMessenger: '0x28b5a0e9C621a5BadaA536219b3a228C8168cf5d',
  messageTransmitter: '0x81D40F21F12A8F0E3252Bccb954D722d4c464B64',
  attestationApi: 'https://iris-api.circle.com',
};
const testnet = {
  tokenMessenger: '0x8FE6B999Dc680CcFDD5Bf7EB0974218be2542DAA',
  messageTransmitter: '0xE737e5cEBEEBa77EFE34D4aa090756590b1CE275',
  attestationApi: 'https://iris-api-sandbox.circle.com',
};

export const circleCctpDeployments: ReadonlyMap<number, CircleCctpDeployment> = new Map([
  [1, { chain: 'Ethereum', domain: 0, ...mainnet }],
  [43114, { chain: 'Avalanche C-Chain', domain: 1, ...mainnet }],
  [10, { chain: 'OP Mainnet', domain: 2, ...mainnet }],
  [42161, { chain: 'Arbitrum One', domain: 3, ...mainnet }],
  [8453, { chain: 'Base', domain: 6, ...mainnet }],
  [137, { chain: 'Polygon PoS', domain: 7, ...mainnet }],
  [11155111, { chain: 'Ethereum Sepolia', domain: 0, ...testnet }],
  [43113, { chain: 'Avalanche Fuji', domain: 1, ...testnet }],
  [11155420, { chain: 'OP Sepolia', domain: 2, ...testnet }],
  [421614, { chain: 'Arbitrum Sepolia', domain: 3, ...testnet }],
  [84532, { chain: 'Base Sepolia', domain: 6, ...testnet }],
  [80002, { chain: 'Polygon PoS Amoy', domain: 7, ...testnet }],
]);
