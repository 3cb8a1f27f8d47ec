// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

interface ITransfer {
    function transfer(address to, uint256 amount) external returns (bool);
}

/// @notice Test only: sends many token transfers in one transaction, as an attacker flooding a
/// deposit address with dust would, so a test floods thousands of transfers in a few blocks.
contract DustSprayer {
    function spray(address token, address to, uint256 amount, uint256 times) external {
        for (uint256 i = 0; i < times; ++i) {
            require(ITransfer(token).transfer(to, amount), "transfer failed");
        }
    }
}
