// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @notice What a MessageTransmitterV2 hands a received message's body to (CCTP V2's IMessageHandlerV2).
interface IMessageHandlerV2 {
    function handleReceiveFinalizedMessage(uint32 sourceDomain, bytes32 sender, uint32 finalityThresholdExecuted, bytes calldata messageBody)
        external
        returns (bool);

    function handleReceiveUnfinalizedMessage(uint32 sourceDomain, bytes32 sender, uint32 finalityThresholdExecuted, bytes calldata messageBody)
        external
        returns (bool);
}

/// @notice The local chains' stand-in for Circle's MessageTransmitterV2, written from its documented
/// interface and message format (developers.circle.com, CCTP "Message format" and "EVM contract
/// interfaces") so that the adapter cannot tell the two apart:
/// - `sendMessage` emits `MessageSent(bytes message)` with the V2 header (version, source and
///   destination domains, a bytes32 nonce, sender, recipient, destination caller, minimum and executed
///   finality thresholds) and the body. As on CCTP V2, the nonce and the executed threshold are left
///   zero: the attestation service fills them in the message it attests.
/// - `receiveMessage(message, attestation)` takes an attestation that is the enabled attesters'
///   65-byte ECDSA signatures over keccak256(message), concatenated in increasing signer address,
///   at least `signatureThreshold` of them; refuses a used nonce, another destination domain or a
///   caller other than the destination caller; and hands the body to the recipient.
contract LocalMessageTransmitterV2 is Ownable {
    uint32 public constant FINALITY_THRESHOLD_FINALIZED = 2000;
    uint256 private constant SIGNATURE_LENGTH = 65;
    // Header offsets (bytes) of the V2 message format.
    uint256 private constant VERSION_INDEX = 0;
    uint256 private constant SOURCE_DOMAIN_INDEX = 4;
    uint256 private constant DESTINATION_DOMAIN_INDEX = 8;
    uint256 private constant NONCE_INDEX = 12;
    uint256 private constant SENDER_INDEX = 44;
    uint256 private constant RECIPIENT_INDEX = 76;
    uint256 private constant DESTINATION_CALLER_INDEX = 108;
    uint256 private constant MIN_FINALITY_THRESHOLD_INDEX = 140;
    uint256 private constant FINALITY_THRESHOLD_EXECUTED_INDEX = 144;
    uint256 private constant MESSAGE_BODY_INDEX = 148;

    uint32 public immutable localDomain;
    uint32 public immutable version;
    uint256 public signatureThreshold;
    mapping(address => bool) public isEnabledAttester;
    /// @notice 1 once a nonce's message was received (CCTP V2 keeps it as uint256).
    mapping(bytes32 => uint256) public usedNonces;

    event MessageSent(bytes message);
    event MessageReceived(
        address indexed caller, uint32 sourceDomain, bytes32 indexed nonce, bytes32 sender, uint32 indexed finalityThresholdExecuted, bytes messageBody
    );
    event AttesterEnabled(address indexed attester);
    event AttesterDisabled(address indexed attester);
    event SignatureThresholdUpdated(uint256 oldSignatureThreshold, uint256 newSignatureThreshold);

    constructor(uint32 localDomain_, uint32 version_, address[] memory attesters, uint256 threshold) Ownable(msg.sender) {
        localDomain = localDomain_;
        version = version_;
        for (uint256 i = 0; i < attesters.length; i++) _enableAttester(attesters[i]);
        _setSignatureThreshold(threshold);
    }

    function sendMessage(uint32 destinationDomain, bytes32 recipient, bytes32 destinationCaller, uint32 minFinalityThreshold, bytes calldata messageBody)
        external
    {
        require(destinationDomain != localDomain, "Domain is local domain");
        require(recipient != bytes32(0), "Recipient must be nonzero");
        bytes memory message = abi.encodePacked(
            version,
            localDomain,
            destinationDomain,
            bytes32(0),
            bytes32(uint256(uint160(msg.sender))),
            recipient,
            destinationCaller,
            minFinalityThreshold,
            uint32(0),
            messageBody
        );
        emit MessageSent(message);
    }

    function receiveMessage(bytes calldata message, bytes calldata attestation) external returns (bool success) {
        _verifyAttestation(message, attestation);
        require(message.length >= MESSAGE_BODY_INDEX, "Invalid message: too short");
        require(uint32(bytes4(message[VERSION_INDEX:SOURCE_DOMAIN_INDEX])) == version, "Invalid message version");
        require(uint32(bytes4(message[DESTINATION_DOMAIN_INDEX:NONCE_INDEX])) == localDomain, "Invalid destination domain");
        bytes32 destinationCaller = bytes32(message[DESTINATION_CALLER_INDEX:MIN_FINALITY_THRESHOLD_INDEX]);
        require(destinationCaller == bytes32(0) || destinationCaller == bytes32(uint256(uint160(msg.sender))), "Invalid caller for message");
        bytes32 nonce = bytes32(message[NONCE_INDEX:SENDER_INDEX]);
        require(usedNonces[nonce] == 0, "Nonce already used");
        usedNonces[nonce] = 1;

        uint32 sourceDomain = uint32(bytes4(message[SOURCE_DOMAIN_INDEX:DESTINATION_DOMAIN_INDEX]));
        bytes32 sender = bytes32(message[SENDER_INDEX:RECIPIENT_INDEX]);
        address recipient = address(uint160(uint256(bytes32(message[RECIPIENT_INDEX:DESTINATION_CALLER_INDEX]))));
        uint32 executed = uint32(bytes4(message[FINALITY_THRESHOLD_EXECUTED_INDEX:MESSAGE_BODY_INDEX]));
        bytes calldata body = message[MESSAGE_BODY_INDEX:];
        if (executed >= FINALITY_THRESHOLD_FINALIZED) {
            require(IMessageHandlerV2(recipient).handleReceiveFinalizedMessage(sourceDomain, sender, executed, body), "handleReceiveFinalizedMessage() failed");
        } else {
            require(IMessageHandlerV2(recipient).handleReceiveUnfinalizedMessage(sourceDomain, sender, executed, body), "handleReceiveUnfinalizedMessage() failed");
        }
        emit MessageReceived(msg.sender, sourceDomain, nonce, sender, executed, body);
        return true;
    }

    function enableAttester(address attester) external onlyOwner {
        _enableAttester(attester);
    }

    function disableAttester(address attester) external onlyOwner {
        require(isEnabledAttester[attester], "Attester already disabled");
        isEnabledAttester[attester] = false;
        emit AttesterDisabled(attester);
    }

    function setSignatureThreshold(uint256 threshold) external onlyOwner {
        _setSignatureThreshold(threshold);
    }

    function _enableAttester(address attester) private {
        require(attester != address(0), "New attester must be nonzero");
        require(!isEnabledAttester[attester], "Attester already enabled");
        isEnabledAttester[attester] = true;
        emit AttesterEnabled(attester);
    }

    function _setSignatureThreshold(uint256 threshold) private {
        require(threshold != 0, "Invalid signature threshold");
        emit SignatureThresholdUpdated(signatureThreshold, threshold);
        signatureThreshold = threshold;
    }

    /// @dev Signers in strictly increasing order: the same attester cannot count twice.
    function _verifyAttestation(bytes calldata message, bytes calldata attestation) private view {
        require(attestation.length == SIGNATURE_LENGTH * signatureThreshold, "Invalid attestation length");
        bytes32 digest = keccak256(message);
        address previous = address(0);
        for (uint256 i = 0; i < signatureThreshold; i++) {
            address signer = ECDSA.recover(digest, attestation[i * SIGNATURE_LENGTH:(i + 1) * SIGNATURE_LENGTH]);
            require(isEnabledAttester[signer], "Invalid signature: not attester");
            require(signer > previous, "Invalid signature order or dupe");
            previous = signer;
        }
    }
}
