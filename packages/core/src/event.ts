/** Sigma's logsource triple: which rules apply to an event. */
export interface LogSource {
  product?: string;
  category?: string;
  service?: string;
}

/**
 * What a parser extracts from one message. `fields` holds the fields under the names Sigma rules
 * use for that logsource (e.g. `c-uri`, `cs-method` for webserver) and the normalised common
 * fields as flat dotted keys (`source.ip`, `destination.port`, `user.name`, `host.name`,
 * `event.action`, `event.outcome`). A key may itself contain dots (Zeek's `id.orig_h`); readers
 * look a field up by its exact key first, then as a nested path.
 */
export interface ParsedEvent {
  /** ISO 8601 UTC; the receive time when the message carries none (then flagged `time_missing`) */
  eventTime: string;
  logsource: LogSource;
  /** the human-readable message part, for full-text search */
  message: string;
  fields: Record<string, unknown>;
  /** e.g. `truncated`, `invalid_utf8`, `time_missing`, `timezone_assumed` */
  flags: string[];
}

/** An event as stored: the parsed form plus where and how it arrived. */
export interface StoredEvent extends ParsedEvent {
  id: string;
  /** ISO 8601 UTC */
  receivedAt: string;
  raw: string;
  sourceIp: string | null;
  sourcePort: number | null;
  /** e.g. `syslog-tcp`, `syslog-udp`, `syslog-tls`, `http`, `file` */
  listener: string;
  /** the parser that produced it, e.g. `rfc5424`, `cef`, `suricata-eve` */
  parser: string;
}
