// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @notice Local stand-in for USDC. The blacklist mirrors Circle's, so tests can
/// make a payout revert on chain the way a frozen recipient would in production. Minters with an
/// allowance, and burning by a minter of its own balance, mirror FiatToken's too: the local CCTP
/// token messenger (contracts/cctp) burns and mints through them as Circle's TokenMinter does.
contract TestUSDC is ERC20, Ownable {
    mapping(address => bool) public isBlacklisted;
    mapping(address => bool) public isMinter;
    mapping(address => uint256) public minterAllowance;

    error Blacklisted(address account);
    error NotMinter(address caller);
    error MintAllowanceExceeded(address minter, uint256 allowance, uint256 amount);

    event MinterConfigured(address indexed minter, uint256 minterAllowedAmount);
    event MinterRemoved(address indexed oldMinter);
    event Burn(address indexed burner, uint256 amount);

    event AccountBlacklisted(address indexed account);
    event AccountUnblacklisted(address indexed account);

    constructor() ERC20("USD Coin (Lanepay test)", "USDC") Ownable(msg.sender) {}

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @notice The owner mints freely (test funding); a minter within its allowance.
    function mint(address to, uint256 amount) external returns (bool) {
        if (msg.sender != owner()) {
            if (!isMinter[msg.sender]) revert NotMinter(msg.sender);
            uint256 allowance = minterAllowance[msg.sender];
            if (amount > allowance) revert MintAllowanceExceeded(msg.sender, allowance, amount);
            minterAllowance[msg.sender] = allowance - amount;
        }
        _mint(to, amount);
        return true;
    }

    function burn(uint256 amount) external {
        if (!isMinter[msg.sender]) revert NotMinter(msg.sender);
        _burn(msg.sender, amount);
        emit Burn(msg.sender, amount);
    }

    function configureMinter(address minter, uint256 minterAllowedAmount) external onlyOwner {
        isMinter[minter] = true;
        minterAllowance[minter] = minterAllowedAmount;
        emit MinterConfigured(minter, minterAllowedAmount);
    }

    function removeMinter(address minter) external onlyOwner {
        isMinter[minter] = false;
        minterAllowance[minter] = 0;
        emit MinterRemoved(minter);
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
