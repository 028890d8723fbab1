import type { Application, TeamsAdapter, TurnState } from '@microsoft/teams-ai';
import type { Server } from 'restify';

/** POST /api/messages: where Teams (or the Agents Playground) delivers every activity. */
export function registerMessagesRoute(
  server: Server,
  adapter: TeamsAdapter,
  app: Application<TurnState>
): void {
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, async (context) => {
      await app.run(context);
    });
  });
}
