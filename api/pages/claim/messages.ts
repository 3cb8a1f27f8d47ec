import type { CheckoutLanguage } from '../checkout/messages.js';

/** Every text of a refund's claim page, per language (the checkout page's languages). `{name}` is filled by `fill`. */
export interface ClaimMessages {
  pageTitle: string;
  heading: string;
  from: string;
  amountLabel: string;
  networkLabel: string;
  expiresLabel: string;
  status: { open: string; requires_approval: string; claimed: string; expired: string; canceled: string };
  hint: { open: string; requires_approval: string; claimed: string; expired: string; canceled: string };
  addressLabel: string;
  addressHint: string;
  messageLabel: string;
  messageHint: string;
  signatureLabel: string;
  signWithWallet: string;
  submit: string;
  submitting: string;
  claimedTo: string;
  needsScript: string;
  otherLanguage: string;
  notFoundTitle: string;
  notFoundBody: string;
}

const en: ClaimMessages = {
  pageTitle: 'Refund claim',
  heading: 'Claim your refund of {amount} {asset}',
  from: 'From {merchant}',
  amountLabel: 'Amount',
  networkLabel: 'Network',
  expiresLabel: 'Claim before',
  status: {
    open: 'Waiting for your claim',
    requires_approval: 'Not claimable yet',
    claimed: 'Claimed',
    expired: 'Expired',
    canceled: 'Canceled',
  },
  hint: {
    open: 'Enter an address you control on this network and sign the message below from it. The refund is paid to that address.',
    requires_approval: 'The merchant is still approving this refund. Come back to this page later.',
    claimed: 'The refund is paid to the address you claimed it with.',
    expired: 'This claim expired and the money went back to the merchant. Ask the merchant for a new refund.',
    canceled: 'The merchant canceled this refund.',
  },
  addressLabel: 'Your address on {chain}',
  addressHint: 'Use an address whose key you hold (not an exchange deposit address): you must sign with it.',
  messageLabel: 'Message to sign (personal_sign, EIP-191)',
  messageHint: 'Sign exactly this text; it names this claim, the amount, the chain and your address, so the signature is good for nothing else.',
  signatureLabel: 'Signature (0x…)',
  signWithWallet: 'Sign with my wallet',
  submit: 'Claim refund',
  submitting: 'Claiming…',
  claimedTo: 'Paid to {address}',
  needsScript: 'Claiming needs JavaScript in this page.',
  otherLanguage: 'Language',
  notFoundTitle: 'Claim not found',
  notFoundBody: 'This link does not lead to a refund claim. Check the link the merchant sent you.',
};

const zhCN: ClaimMessages = {
  pageTitle: '退款领取',
  heading: '领取您的 {amount} {asset} 退款',
  from: '来自 {merchant}',
  amountLabel: '金额',
  networkLabel: '网络',
  expiresLabel: '领取截止',
  status: {
    open: '等待您领取',
    requires_approval: '暂不可领取',
    claimed: '已领取',
    expired: '已过期',
    canceled: '已取消',
  },
  hint: {
    open: '请输入您在该网络上控制的地址，并用该地址签署下方消息。退款将支付到该地址。',
    requires_approval: '商户仍在审批此退款，请稍后再访问本页面。',
    claimed: '退款将支付到您领取时填写的地址。',
    expired: '此领取已过期，款项已退回商户。请联系商户重新发起退款。',
    canceled: '商户已取消此退款。',
  },
  addressLabel: '您在 {chain} 上的地址',
  addressHint: '请使用您持有私钥的地址（不要使用交易所充值地址）：您需要用它签名。',
  messageLabel: '待签名消息（personal_sign，EIP-191）',
  messageHint: '请原样签署这段文字；它包含此次领取、金额、链和您的地址，因此签名不能用于其他用途。',
  signatureLabel: '签名（0x…）',
  signWithWallet: '用我的钱包签名',
  submit: '领取退款',
  submitting: '正在领取…',
  claimedTo: '已支付到 {address}',
  needsScript: '领取需要在本页面启用 JavaScript。',
  otherLanguage: '语言',
  notFoundTitle: '未找到领取链接',
  notFoundBody: '此链接不指向任何退款领取。请检查商户发给您的链接。',
};

export const claimMessages: Record<CheckoutLanguage, ClaimMessages> = { en, 'zh-CN': zhCN };
