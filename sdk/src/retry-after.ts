/**
 * Retry-After as RFC 9110 §10.2.3 defines it: delay-seconds (digits only) or an HTTP-date, which a
 * recipient must accept in all three of its forms (§5.6.7): IMF-fixdate, and the obsolete RFC 850
 * and asctime forms. Anything else (a fraction, an ISO 8601 time, a word) is unreadable and ignored.
 * Lanepay's webhook deliveries read it from receivers with this same function.
 */

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const month = `(${months.join('|')})`;
const time = '(\\d{2}):(\\d{2}):(\\d{2})';
/** `Sun, 06 Nov 1994 08:49:37 GMT` */
const imfFixdate = new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\\d{2}) ${month} (\\d{4}) ${time} GMT$`);
/** `Sunday, 06-Nov-94 08:49:37 GMT` */
const rfc850Date = new RegExp(`^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\\d{2})-${month}-(\\d{2}) ${time} GMT$`);
/** `Sun Nov  6 08:49:37 1994` */
const asctimeDate = new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ${month} ([ \\d]\\d) ${time} (\\d{4})$`);

interface DateParts {
  year: number;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
}

function partsOf(text: string, nowMs: number): DateParts | undefined {
  let match = imfFixdate.exec(text);
  if (match) return { day: match[1]!, month: match[2]!, year: Number(match[3]), hour: match[4]!, minute: match[5]!, second: match[6]! };
  match = rfc850Date.exec(text);
  if (match) return { day: match[1]!, month: match[2]!, year: rfc850Year(Number(match[3]), nowMs), hour: match[4]!, minute: match[5]!, second: match[6]! };
  match = asctimeDate.exec(text);
  if (match) return { month: match[1]!, day: match[2]!, hour: match[3]!, minute: match[4]!, second: match[5]!, year: Number(match[6]) };
  return undefined;
}

/** A two-digit year more than 50 years ahead is the latest past year with those digits (§5.6.7). */
function rfc850Year(twoDigits: number, nowMs: number): number {
  const thisYear = new Date(nowMs).getUTCFullYear();
  const year = thisYear - (thisYear % 100) + twoDigits;
  return year > thisYear + 50 ? year - 100 : year;
}

/** An HTTP-date as epoch milliseconds; undefined when it is not one, or names no real moment (31 Feb). */
export function parseHttpDateMs(text: string, nowMs: number = Date.now()): number | undefined {
  const parts = partsOf(text, nowMs);
  if (!parts) return undefined;
  const [monthIndex, day, hour, minute, second] = [months.indexOf(parts.month), Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second)];
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  const ms = Date.UTC(parts.year, monthIndex, day, hour, minute, second);
  return new Date(ms).getUTCDate() === day ? ms : undefined;
}

/**
 * A Retry-After header as milliseconds from `now`: delay-seconds, or an HTTP-date (one in the past
 * reads as 0); undefined when absent or unreadable.
 */
export function parseRetryAfterMs(header: string | null | undefined, now: Date | number): number | undefined {
  if (header === null || header === undefined) return undefined;
  const text = header.trim();
  const nowMs = typeof now === 'number' ? now : now.getTime();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const dateMs = parseHttpDateMs(text, nowMs);
  return dateMs === undefined ? undefined : Math.max(0, dateMs - nowMs);
}
