import Negotiator from 'negotiator';

/**
 * Every text of the hosted checkout page, per language. `{name}` marks a value filled in by
 * `fill` (api/pages/checkout/format.ts). The browser receives the table of the page's language, so
 * live status changes read the same as the server-rendered page.
 */
export const checkoutLanguages = ['en', 'zh-CN'] as const;
export type CheckoutLanguage = (typeof checkoutLanguages)[number];

export interface CheckoutMessages {
  pageTitle: string;
  payAmount: string;
  payAnyAmount: string;
  amountLabel: string;
  anyAmount: string;
  networkLabel: string;
  sendTo: string;
  onlyThisToken: string;
  copyAddress: string;
  copied: string;
  copyFailed: string;
  openInWallet: string;
  qrLabel: string;
  timeLeft: string;
  received: string;
  status: {
    awaiting_payment: string;
    pending: string;
    succeeded: string;
    underpaid: string;
    overpaid: string;
    expired: string;
    canceled: string;
  };
  underpaidHint: string;
  expiredHint: string;
  paidHint: string;
  live: string;
  reconnecting: string;
  otherLanguage: string;
  notFoundTitle: string;
  notFoundBody: string;
}

const en: CheckoutMessages = {
  pageTitle: 'Payment',
  payAmount: 'Pay {amount} {asset}',
  payAnyAmount: 'Send any amount of {asset}',
  amountLabel: 'Amount',
  anyAmount: 'Any amount',
  networkLabel: 'Network',
  sendTo: 'Send {asset} on {chain} to this address',
  onlyThisToken: 'Send only {asset} on {chain}: other tokens or networks cannot be credited.',
  copyAddress: 'Copy address',
  copied: 'Address copied',
  copyFailed: 'Could not copy: select the address and copy it yourself',
  openInWallet: 'Open in wallet',
  qrLabel: 'QR code of the payment request on {chain}',
  timeLeft: 'Time left to pay',
  received: 'Received {amount} {asset}',
  status: {
    awaiting_payment: 'Waiting for your payment',
    pending: 'Payment seen, waiting for confirmations',
    succeeded: 'Paid',
    underpaid: 'Underpaid: {missing} {asset} missing',
    overpaid: 'Paid (more than the amount arrived)',
    expired: 'Expired',
    canceled: 'Canceled',
  },
  underpaidHint: 'Send the missing amount to the same address before the time runs out.',
  expiredHint: 'The time to pay has run out. Do not send anything to this address.',
  paidHint: 'Thank you. You can close this page.',
  live: 'Live updates on',
  reconnecting: 'Reconnecting…',
  otherLanguage: 'Language',
  notFoundTitle: 'Payment not found',
  notFoundBody: 'This payment link is wrong or no longer exists. Ask the merchant for a new one.',
};

const zhCN: CheckoutMessages = {
  pageTitle: '付款',
  payAmount: '支付 {amount} {asset}',
  payAnyAmount: '发送任意金额的 {asset}',
  amountLabel: '金额',
  anyAmount: '任意金额',
  networkLabel: '网络',
  sendTo: '请在 {chain} 上将 {asset} 发送到此地址',
  onlyThisToken: '仅可在 {chain} 上发送 {asset}：其他代币或网络的转账无法入账。',
  copyAddress: '复制地址',
  copied: '地址已复制',
  copyFailed: '无法复制：请手动选择并复制地址',
  openInWallet: '在钱包中打开',
  qrLabel: '{chain} 付款请求二维码',
  timeLeft: '剩余支付时间',
  received: '已收到 {amount} {asset}',
  status: {
    awaiting_payment: '等待付款',
    pending: '已发现付款，等待区块确认',
    succeeded: '已支付',
    underpaid: '付款不足：还差 {missing} {asset}',
    overpaid: '已支付（到账金额超过应付金额）',
    expired: '已过期',
    canceled: '已取消',
  },
  underpaidHint: '请在时间结束前将差额发送到同一地址。',
  expiredHint: '支付时间已结束，请勿再向此地址转账。',
  paidHint: '谢谢，您可以关闭此页面。',
  live: '实时更新中',
  reconnecting: '正在重新连接…',
  otherLanguage: '语言',
  notFoundTitle: '未找到该付款',
  notFoundBody: '此付款链接有误或已不存在，请向商家索取新的链接。',
};

export const checkoutMessages: Record<CheckoutLanguage, CheckoutMessages> = { en, 'zh-CN': zhCN };

/** How each language names itself, for the language switch. */
export const languageNames: Record<CheckoutLanguage, string> = { en: 'English', 'zh-CN': '简体中文' };

/**
 * The page's language: `?lang=` when it names one we have, else the best of the browser's
 * Accept-Language (which browsers derive from navigator.languages), else English. Any Chinese
 * (zh, zh-TW, zh-Hans-CN) gets Simplified Chinese, the only Chinese we have.
 */
export function chooseLanguage(queryLang: string | undefined, acceptLanguage: string | undefined): CheckoutLanguage {
  const asked = checkoutLanguages.find((lang) => lang.toLowerCase() === queryLang?.toLowerCase());
  if (asked) return asked;
  if (!acceptLanguage) return 'en';
  // 'zh' as an offer makes negotiator match every zh-* request by its prefix.
  const best = new Negotiator({ headers: { 'accept-language': acceptLanguage } }).language(['en', 'zh-CN', 'zh']);
  return best === 'zh' || best === 'zh-CN' ? 'zh-CN' : 'en';
}
