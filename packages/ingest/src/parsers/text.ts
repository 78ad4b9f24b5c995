/**
 * The last resort: a line in no known format is still an event (keyword rules search its text),
 * with a leading timestamp used when one is recognisable.
 */
import { fail, type ParseContext, type ParseOutcome } from './types.js';
import { buildEvent, type Fields } from './event.js';
import { parseLooseTime, type ResolvedTime } from './time.js';

const LEADING_TIMES: RegExp[] = [
  // 2021-07-08T11:01:06-03:00, 2017-01-23 03:44:14, 2014/12/30 06:07:37
  /^(\d{4}[-/]\d{2}[-/]\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?)\b/,
  // [2019-07-25 14:29:19] (Asterisk, many application logs)
  /^\[(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?)\]/,
  // [Wed Jul 31 16:44:52.906254 2019] (Apache error log)
  /^\[(?:[A-Z][a-z]{2} )?([A-Z][a-z]{2} {1,2}\d{1,2} \d{2}:\d{2}:\d{2}(?:\.\d+)? \d{4})\]/,
  // Wed Jul 27 18:32:27 2016 (vsftpd, ossec)
  /^(?:[A-Z][a-z]{2} )([A-Z][a-z]{2} {1,2}\d{1,2} \d{2}:\d{2}:\d{2}(?: [A-Z]{3,4})? \d{4})\b/,
  // 1140701044.525 (squid)
  /^(\d{10}(?:\.\d{1,6})?)\s/,
];

export function parseText(text: string, ctx: ParseContext): ParseOutcome {
  const message = text.trim();
  if (message === '') return fail('text: empty message');
  let time: ResolvedTime | undefined;
  for (const re of LEADING_TIMES) {
    const m = re.exec(message);
    if (m) {
      time = parseLooseTime(m[1], ctx);
      if (time !== undefined) break;
    }
  }
  const fields: Fields = {};
  return buildEvent(ctx, { time, logsource: {}, message, fields });
}
