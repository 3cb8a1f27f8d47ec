// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @notice The code behind every deposit address: an EIP-1167 clone of it holds a customer's
/// payment until the factory flushes it. It has no owner and no key; only the factory that created
/// it can move what it holds, and only to the recipient the factory's sweeper names.
contract DepositForwarder {
    /// Immutable, so it lives in this implementation's code and every clone (delegatecall) reads it.
    address public immutable factory;

    error OnlyFactory();

    constructor() {
        factory = msg.sender;
    }

    function flush(address token, address recipient) external {
        if (msg.sender != factory) revert OnlyFactory();
        uint256 balance = IERC20(token).balanceOf(address(this));
        if (balance > 0) SafeERC20.safeTransfer(IERC20(token), recipient, balance);
    }
}

/// @notice Deployed once per chain. A charge's deposit address is the CREATE2 address of a clone of
/// the forwarder with salt keccak256(charge id): known before anything is deployed, so a customer
/// can pay to it at once; the hot wallet deploys and flushes forwarders in batches when it sweeps.
contract DepositFactory {
    /// The hot wallet: the only caller of sweep.
    address public immutable sweeper;
    address public immutable implementation;

    error OnlySweeper();
    error NoRecipient();

    event Swept(address indexed token, address indexed forwarder, bytes32 salt, address recipient);

    constructor(address hotWallet) {
        sweeper = hotWallet;
        implementation = address(new DepositForwarder());
    }

    function addressOf(bytes32 salt) external view returns (address) {
        return Clones.predictDeterministicAddress(implementation, salt);
    }

    /// Deploys each forwarder not yet deployed, then moves its whole token balance to `recipient`:
    /// the hot wallet itself, or the chain's treasury Safe (the chain registry's `sweepTo`). The
    /// recipient is the sweeper's to name: before it could be named, sweeps went to the sweeper,
    /// whose key could send them anywhere, so naming one gives that key no power it lacked.
    function sweep(address token, bytes32[] calldata salts, address recipient) external {
        if (msg.sender != sweeper) revert OnlySweeper();
        if (recipient == address(0)) revert NoRecipient();
        for (uint256 i = 0; i < salts.length; i++) {
            address forwarder = Clones.predictDeterministicAddress(implementation, salts[i]);
            if (forwarder.code.length == 0) Clones.cloneDeterministic(implementation, salts[i]);
            DepositForwarder(forwarder).flush(token, recipient);
            emit Swept(token, forwarder, salts[i], recipient);
        }
    }
}
