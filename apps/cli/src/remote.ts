import { fail } from './output.js';

/** Options of commands that can talk to a running server instead of the local data directory. */
export interface RemoteOptions {
  server?: string;
  apiKey?: string;
}

/** A call to a running Prahari's API with an API key; API errors end the command with their message. */
export async function callServer(
  remote: Required<RemoteOptions>,
  method: string,
  path: string,
  body?: { data: Buffer | string; contentType: string; headers?: Record<string, string> },
): Promise<unknown> {
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
  const text = await res.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // keep text
  }
  if (!res.ok) {
    const message =
      json && typeof json === 'object' && 'message' in json ? String(json.message) : text;
    fail(`${res.status}: ${message}`);
  }
  return json;
}

export function remoteFrom(options: RemoteOptions): Required<RemoteOptions> | null {
  if (!options.server) return null;
  if (!options.apiKey)
    fail('--server needs --api-key (create one with: prahari apikey create NAME --role ingest)');
  return { server: options.server, apiKey: options.apiKey };
}
