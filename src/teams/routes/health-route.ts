import type { Server } from 'restify';

/**
 * GET /healthz: liveness for App Service and for the demo launcher. It is public, so it says "ok" and
 * nothing else: not the tenant, nor whether callers are authenticated.
 */
export function registerHealthRoute(server: Server): void {
  server.get('/healthz', async (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': '2' });
    res.end('ok');
  });
}
