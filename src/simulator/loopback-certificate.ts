import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The simulator's self-signed loopback certificate (see tls/README.md for why it exists). */
export const LOOPBACK_CERTIFICATE_PATH = join(__dirname, 'tls', 'loopback-cert.pem');
const LOOPBACK_KEY_PATH = join(__dirname, 'tls', 'loopback-key.pem');

export function loopbackTlsOptions(): { cert: Buffer; key: Buffer } {
  return { cert: readFileSync(LOOPBACK_CERTIFICATE_PATH), key: readFileSync(LOOPBACK_KEY_PATH) };
}
