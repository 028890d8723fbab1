import type { Server } from 'restify';

/** GET /healthz: liveness for App Service and for the demo launcher. */
export function registerHealthRoute(server: Server, details: () => Record<string, unknown>): void {
  server.get('/healthz', async (_req, res) => {
    res.json(200, { status: 'ok', ...details() });
  });
}
