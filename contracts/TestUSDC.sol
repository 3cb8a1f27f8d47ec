// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @notice Local stand-in for USDC. The blacklist mirrors Circle's, so tests can
/// make a payout revert on chain the way a frozen recipient would in production.
contract TestUSDC is ERC20, Ownable {
    mapping(address => bool) public isBlacklisted;

    error Blacklisted(address account);

    event AccountBlacklisted(address indexed account);
    event AccountUnblacklisted(address indexed account);

    constructor() ERC20("USD Coin (Lanepay test)", "USDC") Ownable(msg.sender) {}

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    function mint(address to, uint256 amount) external onlyOwner {
        _mint(to, amount);
    }

    function blacklist(address account) external onlyOwner {
        isBlacklisted[account] = true;
        emit AccountBlacklisted(account);
    }

    function unblacklist(address account) external onlyOwner {
        isBlacklisted[account] = false;
        emit AccountUnblacklisted(account);
    }

    // Every balance change (transfer, mint, burn) passes through _update in OZ v5.
    function _update(address from, address to, uint256 value) internal override {
        if (isBlacklisted[from]) revert Blacklisted(from);
        if (isBlacklisted[to]) revert Blacklisted(to);
        super._update(from, to, value);
    }
}
