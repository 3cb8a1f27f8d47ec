// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IMessageHandlerV2} from "./LocalMessageTransmitterV2.sol";

interface ILocalMessageTransmitterV2 {
    function sendMessage(uint32 destinationDomain, bytes32 recipient, bytes32 destinationCaller, uint32 minFinalityThreshold, bytes calldata messageBody)
        external;
}

/// @notice A token this messenger may burn and mint: the test USDC's minter interface (as Circle's FiatToken's).
interface IMintBurnToken is IERC20 {
    function mint(address to, uint256 amount) external returns (bool);
    function burn(uint256 amount) external;
}

/// @notice The local chains' stand-in for Circle's TokenMessengerV2 (with its TokenMinterV2's part),
/// written from the documented interface and burn message format: `depositForBurn` takes the
/// caller's tokens, burns them, and sends a V2 burn message (version, burn token, mint recipient,
/// amount, message sender, max fee, fee executed, expiration block, hook data) to the destination
/// domain's messenger; the transmitter hands a received one back here, and it mints the linked
/// local token to the recipient, less the fee the attestation says was executed.
contract LocalTokenMessengerV2 is IMessageHandlerV2, Ownable {
    using SafeERC20 for IERC20;

    uint32 public constant TOKEN_MESSENGER_MIN_FINALITY_THRESHOLD = 500;
    // Burn message offsets (bytes).
    uint256 private constant BURN_TOKEN_INDEX = 4;
    uint256 private constant MINT_RECIPIENT_INDEX = 36;
    uint256 private constant AMOUNT_INDEX = 68;
    uint256 private constant MESSAGE_SENDER_INDEX = 100;
    uint256 private constant MAX_FEE_INDEX = 132;
    uint256 private constant FEE_EXECUTED_INDEX = 164;
    uint256 private constant EXPIRATION_BLOCK_INDEX = 196;
    uint256 private constant HOOK_DATA_INDEX = 228;

    address public immutable localMessageTransmitter;
    uint32 public immutable messageBodyVersion;
    address public feeRecipient;
    /// @notice The messenger on each remote domain, the only sender whose messages mint here.
    mapping(uint32 => bytes32) public remoteTokenMessengers;
    /// @notice keccak256(remote domain, remote token) → the local token it mints as.
    mapping(bytes32 => address) public remoteTokensToLocalTokens;

    event DepositForBurn(
        address indexed burnToken,
        uint256 amount,
        address indexed depositor,
        bytes32 mintRecipient,
        uint32 destinationDomain,
        bytes32 destinationTokenMessenger,
        bytes32 destinationCaller,
        uint256 maxFee,
        uint32 indexed minFinalityThreshold,
        bytes hookData
    );
    event MintAndWithdraw(address indexed mintRecipient, uint256 amount, address indexed mintToken, uint256 feeCollected);
    event RemoteTokenMessengerAdded(uint32 domain, bytes32 tokenMessenger);
    event TokenPairLinked(address localToken, uint32 remoteDomain, bytes32 remoteToken);

    constructor(address transmitter, uint32 bodyVersion) Ownable(msg.sender) {
        localMessageTransmitter = transmitter;
        messageBodyVersion = bodyVersion;
        feeRecipient = msg.sender;
    }

    function depositForBurn(
        uint256 amount,
        uint32 destinationDomain,
        bytes32 mintRecipient,
        address burnToken,
        bytes32 destinationCaller,
        uint256 maxFee,
        uint32 minFinalityThreshold
    ) external {
        require(amount > 0, "Amount must be nonzero");
        require(mintRecipient != bytes32(0), "Mint recipient must be nonzero");
        require(maxFee < amount, "Max fee must be less than amount");
        bytes32 destinationTokenMessenger = remoteTokenMessengers[destinationDomain];
        require(destinationTokenMessenger != bytes32(0), "No TokenMessenger for domain");
        IERC20(burnToken).safeTransferFrom(msg.sender, address(this), amount);
        IMintBurnToken(burnToken).burn(amount);
        bytes memory body = abi.encodePacked(
            messageBodyVersion,
            bytes32(uint256(uint160(burnToken))),
            mintRecipient,
            amount,
            bytes32(uint256(uint160(msg.sender))),
            maxFee,
            uint256(0),
            uint256(0)
        );
        ILocalMessageTransmitterV2(localMessageTransmitter).sendMessage(
            destinationDomain, destinationTokenMessenger, destinationCaller, minFinalityThreshold, body
        );
        emit DepositForBurn(
            burnToken, amount, msg.sender, mintRecipient, destinationDomain, destinationTokenMessenger, destinationCaller, maxFee, minFinalityThreshold, ""
        );
    }

    function handleReceiveFinalizedMessage(uint32 remoteDomain, bytes32 sender, uint32, bytes calldata messageBody) external returns (bool) {
        _mintFor(remoteDomain, sender, messageBody);
        return true;
    }

    function handleReceiveUnfinalizedMessage(uint32 remoteDomain, bytes32 sender, uint32 finalityThresholdExecuted, bytes calldata messageBody)
        external
        returns (bool)
    {
        require(finalityThresholdExecuted >= TOKEN_MESSENGER_MIN_FINALITY_THRESHOLD, "Unsupported finality threshold");
        _mintFor(remoteDomain, sender, messageBody);
        return true;
    }

    function addRemoteTokenMessenger(uint32 domain, bytes32 tokenMessenger) external onlyOwner {
        require(tokenMessenger != bytes32(0), "bytes32(0) not allowed");
        remoteTokenMessengers[domain] = tokenMessenger;
        emit RemoteTokenMessengerAdded(domain, tokenMessenger);
    }

    function linkTokenPair(address localToken, uint32 remoteDomain, bytes32 remoteToken) external onlyOwner {
        remoteTokensToLocalTokens[keccak256(abi.encodePacked(remoteDomain, remoteToken))] = localToken;
        emit TokenPairLinked(localToken, remoteDomain, remoteToken);
    }

    function _mintFor(uint32 remoteDomain, bytes32 sender, bytes calldata body) private {
        require(msg.sender == localMessageTransmitter, "Invalid message transmitter");
        require(remoteTokenMessengers[remoteDomain] == sender && sender != bytes32(0), "Remote TokenMessenger unsupported");
        require(body.length >= HOOK_DATA_INDEX, "Invalid burn message");
        require(uint32(bytes4(body[0:BURN_TOKEN_INDEX])) == messageBodyVersion, "Invalid message body version");
        uint256 expirationBlock = uint256(bytes32(body[EXPIRATION_BLOCK_INDEX:HOOK_DATA_INDEX]));
        require(expirationBlock == 0 || expirationBlock > block.number, "Message expired and must be re-signed");
        address localToken = remoteTokensToLocalTokens[keccak256(abi.encodePacked(remoteDomain, bytes32(body[BURN_TOKEN_INDEX:MINT_RECIPIENT_INDEX])))];
        require(localToken != address(0), "Mint token not supported");
        address mintRecipient = address(uint160(uint256(bytes32(body[MINT_RECIPIENT_INDEX:AMOUNT_INDEX]))));
        uint256 amount = uint256(bytes32(body[AMOUNT_INDEX:MESSAGE_SENDER_INDEX]));
        uint256 fee = uint256(bytes32(body[FEE_EXECUTED_INDEX:EXPIRATION_BLOCK_INDEX]));
        require(fee <= uint256(bytes32(body[MAX_FEE_INDEX:FEE_EXECUTED_INDEX])), "Fee equals or exceeds max fee");
        require(fee < amount, "Fee equals or exceeds amount");
        IMintBurnToken(localToken).mint(mintRecipient, amount - fee);
        if (fee > 0) IMintBurnToken(localToken).mint(feeRecipient, fee);
        emit MintAndWithdraw(mintRecipient, amount - fee, localToken, fee);
    }
}
