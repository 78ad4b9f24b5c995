// A small typed client for Prahari's API. Every failure becomes an ApiError carrying the server's
// own `message` (which says what went wrong and what to do), so views can show it as it is.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Fired on window when the server no longer knows our session; the app goes back to login. */
export const SESSION_LOST = 'prahari:session-lost';

export type Query = Record<
  string,
  string | number | boolean | null | undefined | readonly (string | number)[]
>;

/** `?a=1&b=x&k=1&k=2` from the defined, non-empty values; a list repeats its key. */
export function queryString(query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value))
      for (const v of value as (string | number)[]) params.append(key, String(v));
    else params.set(key, String(value));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  /** a 401 here is an answer (wrong password, no session yet), not a lost session */
  expectUnauthenticated?: boolean;
}

export async function request<T>(
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  path: string,
  options: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}${queryString(options.query)}`, {
      method,
      headers,
      body,
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(
      0,
      'unreachable',
      'Prahari’s server cannot be reached. Check that it is running and that this machine can reach it.',
    );
  }
  const text = await res.text();
  let parsed: unknown = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  if (!res.ok) {
    const err = parsed as { error?: string; message?: string; details?: unknown } | null;
    const message =
      typeof err?.message === 'string' && err.message
        ? err.message
        : `The server answered ${res.status} ${res.statusText}.`;
    const apiError = new ApiError(res.status, err?.error ?? 'error', message, err?.details);
    if (res.status === 401 && !options.expectUnauthenticated) {
      window.dispatchEvent(new CustomEvent(SESSION_LOST, { detail: message }));
    }
    throw apiError;
  }
  return parsed as T;
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) =>
    request<T>('GET', path, { query, signal }),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, { body: body ?? {} }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, { body }),
  del: <T>(path: string) => request<T>('DELETE', path),
};

/** The message to show for anything thrown. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/**
 * What the server said about each field of a refused form, by the field's dotted name
 * (`pointOfContact.email`): from a schema check (`details.fields`), a service's list of problems
 * (`details.errors`) or its one named field (`details.field`, with the message as the reason).
 */
export function fieldErrors(err: unknown): Record<string, string> {
  if (!(err instanceof ApiError) || err.status !== 400) return {};
  const details = (err.details ?? {}) as {
    fields?: { field?: unknown; problem?: unknown }[];
    errors?: { field?: unknown; reason?: unknown }[];
    field?: unknown;
  };
  const out: Record<string, string> = {};
  for (const f of Array.isArray(details.fields) ? details.fields : [])
    if (typeof f.field === 'string' && typeof f.problem === 'string') out[f.field] = f.problem;
  for (const e of Array.isArray(details.errors) ? details.errors : [])
    if (typeof e.field === 'string' && typeof e.reason === 'string') out[e.field] = e.reason;
  if (typeof details.field === 'string' && !(details.field in out))
    out[details.field] = err.message;
  return out;
}
