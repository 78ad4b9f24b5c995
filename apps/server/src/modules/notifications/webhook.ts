import { createHmac } from 'node:crypto';
import type { Clock } from '@prahari/core';

/** Seconds since the epoch when the body was signed; receivers refuse old ones (replay). */
export const TIMESTAMP_HEADER = 'x-prahari-timestamp';
/** `sha256=` and the hex HMAC-SHA256 of `<timestamp>.<body>` with the shared secret. */
export const SIGNATURE_HEADER = 'x-prahari-signature';
/** The same for every attempt of one delivery, so a receiver can drop repeats. */
export const DELIVERY_HEADER = 'x-prahari-delivery';

/** The signature header's value for a body sent at `timestamp`. */
export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** A POST that did not succeed; `retryable` when trying again may help. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status: number | null = null,
    /** every try made, when the delivery was retried */
    readonly attempts: readonly Attempt[] = [],
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

export interface PostOptions {
  secret: string | null;
  timeoutMs: number;
  deliveryId: string;
  clock: Clock;
}

/**
 * POSTs a JSON body, signed when there is a secret. Resolves with the status of a 2xx answer;
 * throws a DeliveryError otherwise (network errors, timeouts, 429 and 5xx are retryable; other
 * answers are not, and redirects are not followed: a webhook URL must be the final one).
 */
export async function postJson(url: string, body: unknown, options: PostOptions): Promise<number> {
  const text = JSON.stringify(body);
  const timestamp = String(Math.floor(options.clock.now().getTime() / 1000));
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'Prahari',
    [TIMESTAMP_HEADER]: timestamp,
    [DELIVERY_HEADER]: options.deliveryId,
  };
  if (options.secret) headers[SIGNATURE_HEADER] = signature(options.secret, timestamp, text);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers,
      body: text,
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    if (e.name === 'TimeoutError')
      throw new DeliveryError(`no answer within ${options.timeoutMs} ms`, true);
    const cause = e.cause?.code ?? e.cause?.message ?? e.message;
    throw new DeliveryError(`could not reach ${new URL(url).host}: ${cause}`, true);
  }
  // The answer's body is not needed; reading none of it frees the connection.
  await res.body?.cancel();
  if (res.status >= 200 && res.status < 300) return res.status;
  if (res.status >= 300 && res.status < 400)
    throw new DeliveryError(
      `answered ${res.status} (a redirect, not followed): give the final URL`,
      false,
      res.status,
    );
  const retryable = res.status === 429 || res.status >= 500;
  throw new DeliveryError(`answered HTTP ${res.status}`, retryable, res.status);
}

/** One try of a delivery, as the run log and the deliveries list show it. */
export interface Attempt {
  attempt: number;
  at: string;
  status: number | null;
  error: string | null;
  ms: number;
}

/** Wait before try `n + 1` (n ≥ 1): the base, doubled for each try after the first. */
export function backoffMs(baseMs: number, attemptsMade: number): number {
  return baseMs * 2 ** (attemptsMade - 1);
}

/**
 * POSTs with retries and exponential backoff, telling `onAttempt` after each try. Resolves with
 * the attempts when one succeeded; throws a DeliveryError carrying them when none did.
 */
export async function postWithRetries(
  url: string,
  body: unknown,
  options: PostOptions & {
    attempts: number;
    retryBaseMs: number;
    onAttempt?: (attempts: readonly Attempt[]) => Promise<void>;
  },
): Promise<Attempt[]> {
  const log: Attempt[] = [];
  for (let n = 1; ; n++) {
    const started = Date.now();
    const at = options.clock.now().toISOString();
    try {
      const status = await postJson(url, body, options);
      log.push({ attempt: n, at, status, error: null, ms: Date.now() - started });
      await options.onAttempt?.(log);
      return log;
    } catch (err) {
      const e = err instanceof DeliveryError ? err : new DeliveryError(String(err), false);
      log.push({ attempt: n, at, status: e.status, error: e.message, ms: Date.now() - started });
      await options.onAttempt?.(log);
      if (!e.retryable || n >= options.attempts)
        throw new DeliveryError(
          `${e.message} (${n} attempt${n === 1 ? '' : 's'})`,
          false,
          e.status,
          log,
        );
      await new Promise((resolve) => setTimeout(resolve, backoffMs(options.retryBaseMs, n)));
    }
  }
}
