import { readFileSync } from 'node:fs';
import { Agent } from 'undici';
import { LOOPBACK_CERTIFICATE_PATH } from '../../src/simulator/loopback-certificate';
import { DEVELOPMENT_TOKEN } from '../../src/simulator/development-token';

const trustSimulator = new Agent({ connect: { ca: readFileSync(LOOPBACK_CERTIFICATE_PATH) } });

export interface GraphAnswer {
  readonly status: number;
  readonly headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary Graph JSON
  readonly body: any;
}

/** One raw HTTP call to the simulator, as any Graph client would make it. */
export async function graphCall(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  token: string | null = DEVELOPMENT_TOKEN,
  headers: Readonly<Record<string, string>> = {}
): Promise<GraphAnswer> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    dispatcher: trustSimulator,
  } as RequestInit);
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? JSON.parse(text) : undefined,
  };
}
