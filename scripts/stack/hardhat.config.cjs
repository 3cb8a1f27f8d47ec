// Config for the local `hardhat node` processes started by scripts/stack/chains.ts.
// CommonJS because the repo is "type": "module" and Hardhat 2 loads its config with require().
// One file serves every chain: chains.ts passes the per-process settings through env vars.
const path = require('node:path');
const os = require('node:os');

const chainId = Number(process.env.LANEPAY_CHAIN_ID ?? '31337');
const blockIntervalMs = Number(process.env.LANEPAY_BLOCK_INTERVAL_MS ?? '1000');
const cacheDir = process.env.LANEPAY_HARDHAT_CACHE ?? path.join(os.tmpdir(), 'lanepay-hardhat');

/** @type {import('hardhat/config').HardhatUserConfig} */
module.exports = {
  networks: {
    hardhat: {
      chainId,
      // Only the deployer (account 0) is used; deriving and printing Hardhat's default twenty
      // accounts blocks the node's first answer for seconds on a busy machine.
      accounts: { count: 1 },
      // Interval mining batches transactions into blocks like a real chain, so the
      // gateway's confirmation logic sees pending transactions and shared blocks.
      mining: { auto: false, interval: blockIntervalMs, mempool: { order: 'fifo' } },
    },
  },
  paths: {
    // Nothing here is compiled by Hardhat (chains.ts uses solc-js); keep its folders out of the repo.
    sources: path.join(cacheDir, 'sources'),
    cache: path.join(cacheDir, 'cache'),
    artifacts: path.join(cacheDir, 'artifacts'),
  },
};

// chains.ts kills its nodes on a clean exit, but a SIGKILLed parent (CI timeout, crashed
// test runner) cannot; a reparented node notices within a second and exits on its own.
const parentPid = Number(process.env.LANEPAY_PARENT_PID ?? '0');
if (parentPid > 0) {
  setInterval(() => {
    if (process.ppid !== parentPid) process.exit(0);
  }, 1000).unref();
}
