export * from './types.js';
export {
  parseMessage,
  parsers,
  parserNames,
  type ParseResult,
  type ParseSuccess,
} from './detect.js';
export { decodeBytes, type Decoded } from './decode.js';
export { parse5424Envelope, parse3164Envelope, type SyslogEnvelope } from './syslog.js';
export { parseCef, parseLeef, parseCefExtension } from './cef.js';
export { parseLinuxAuth, parseAuditd, linuxLogsource } from './linux.js';
export { parseAccessLog } from './web.js';
export { parseJson, parseSuricataEve, parseZeekJson, zeekEvent, suricataEvent } from './json.js';
export { ZeekTsvReader, parseZeekTsv, type ZeekTsvOptions } from './zeek-tsv.js';
export { parseText } from './text.js';
export { parseCisco, parseKv } from './network.js';
export { isKnownTimezone } from './time.js';
