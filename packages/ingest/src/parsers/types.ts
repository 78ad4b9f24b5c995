import type { LogSource, ParsedEvent } from '@prahari/core';

export type { LogSource, ParsedEvent };

/** Names under which parsers are registered and can be forced per source. */
export type ParserName =
  | 'rfc5424'
  | 'rfc3164'
  | 'cef'
  | 'leef'
  | 'json'
  | 'suricata-eve'
  | 'zeek'
  | 'access-log'
  | 'linux-auth'
  | 'auditd'
  | 'cisco'
  | 'kv'
  | 'text';

export interface ParseContext {
  /** when the message arrived; the event time when the message carries none */
  receivedAt: Date;
  /**
   * IANA zone (`Asia/Kolkata`) or fixed offset (`+05:30`) for times written without a zone;
   * UTC when absent. Such times are flagged `timezone_assumed`.
   */
  defaultTimezone?: string;
  sourceIp?: string;
  /** force one parser instead of detecting the format */
  hint?: ParserName;
  /** the framer cut this message at the size limit; the event is flagged `truncated` */
  truncated?: boolean;
}

export interface ParseFailure {
  ok: false;
  reason: string;
}

export type ParseOutcome = ParsedEvent | ParseFailure;

export type Parser = (text: string, ctx: ParseContext) => ParseOutcome;

export function fail(reason: string): ParseFailure {
  return { ok: false, reason };
}

export function isFailure<T extends object>(outcome: T | ParseFailure): outcome is ParseFailure {
  return (outcome as { ok?: unknown }).ok === false;
}
