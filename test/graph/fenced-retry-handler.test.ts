import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { FencedRetryHandler } from '../../src/graph/fenced-retry-handler';

/** The HTTP step after the handler: its first `drops` sends lose the connection before any answer. */
function connectionThatDrops(drops: number, code = 'ECONNRESET') {
  const sent: string[] = [];
  const next: Middleware = {
    execute: async (context: Context) => {
      sent.push(String(context.request));
      if (sent.length <= drops)
        throw new TypeError('fetch failed', { cause: Object.assign(new Error('read'), { code }) });
      context.response = new Response('{}', { status: 200 });
    },
    setNext: () => undefined,
  };
  return { next, sent };
}

function handlerBefore(next: Middleware) {
  const handler = new FencedRetryHandler({ writableForMs: () => 60_000 }, async () => undefined);
  handler.setNext(next);
  return handler;
}

describe('a Graph request whose connection drops before any answer', () => {
  it.each(['ECONNRESET', 'UND_ERR_SOCKET'])(
    'is sent again when it only reads (%s)',
    async (code) => {
      const { next, sent } = connectionThatDrops(1, code);
      const context: Context = { request: 'https://graph/v1.0/users', options: { method: 'GET' } };
      await handlerBefore(next).execute(context);
      expect(sent).toHaveLength(2);
      expect(context.response?.status).toBe(200);
    }
  );

  it('is not sent again when it writes: it may have been applied', async () => {
    const { next, sent } = connectionThatDrops(1);
    const context: Context = {
      request: 'https://graph/v1.0/users/u1/assignLicense',
      options: { method: 'POST', body: '{}' },
    };
    await expect(handlerBefore(next).execute(context)).rejects.toThrow('fetch failed');
    expect(sent).toHaveLength(1);
  });

  it('gives up on a read after three more tries, and never retries other failures', async () => {
    const dropping = connectionThatDrops(10);
    const read: Context = { request: 'https://graph/v1.0/users', options: { method: 'GET' } };
    await expect(handlerBefore(dropping.next).execute(read)).rejects.toThrow('fetch failed');
    expect(dropping.sent).toHaveLength(4);
    const refused = connectionThatDrops(1, 'ECONNREFUSED');
    await expect(handlerBefore(refused.next).execute(read)).rejects.toThrow('fetch failed');
    expect(refused.sent).toHaveLength(1);
  });
});
