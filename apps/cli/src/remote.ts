import { fail } from './output.js';

/** Options of commands that can talk to a running server instead of the local data directory. */
export interface RemoteOptions {
  server?: string;
  apiKey?: string;
}

/** Sends one request to a running Prahari's API with an API key; an API error ends the command. */
async function send(
  remote: Required<RemoteOptions>,
  method: string,
  path: string,
  body?: { data: Buffer | string; contentType: string; headers?: Record<string, string> },
): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(new URL(path, remote.server), {
      method,
      headers: {
        authorization: `Bearer ${remote.apiKey}`,
        ...(body && { 'content-type': body.contentType, ...body.headers }),
      },
      ...(body && { body: body.data }),
    });
  } catch (err) {
    fail(`Cannot reach ${remote.server}: ${(err as Error).message}`);
  }
  if (!res.ok) {
    const text = await res.text();
    let message = text;
    try {
      const json = JSON.parse(text) as unknown;
      if (json && typeof json === 'object' && 'message' in json) message = String(json.message);
    } catch {
      // not JSON: the text says it
    }
    fail(`${res.status}: ${message}`);
  }
  return res;
}

/** A call to a running Prahari's API with an API key; the answer as JSON (or text). */
export async function callServer(
  remote: Required<RemoteOptions>,
  method: string,
  path: string,
  body?: { data: Buffer | string; contentType: string; headers?: Record<string, string> },
): Promise<unknown> {
  const text = await (await send(remote, method, path, body)).text();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A file from a running Prahari's API (a report, evidence), with the name the server gives it. */
export async function downloadFromServer(
  remote: Required<RemoteOptions>,
  path: string,
): Promise<{ bytes: Buffer; fileName: string | null }> {
  const res = await send(remote, 'GET', path);
  const disposition = res.headers.get('content-disposition') ?? '';
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
  return {
    bytes: Buffer.from(await res.arrayBuffer()),
    fileName: encoded ? decodeURIComponent(encoded) : null,
  };
}

export function remoteFrom(options: RemoteOptions): Required<RemoteOptions> | null {
  if (!options.server) return null;
  if (!options.apiKey)
    fail('--server needs --api-key (create one with: prahari apikey create NAME --role ingest)');
  return { server: options.server, apiKey: options.apiKey };
}
