import { afterRefusedBind, bindChunks } from '../../src/domain/member-binding';

const GROUP = 'group-1';
const users = (n: number) => Array.from({ length: n }, (_, i) => `user-${i}`);
const graphError = (text: string) => new Error(text);
const ALREADY =
  "400 Request_BadRequest: One or more added object references already exist for the following modified properties: 'members'.";
const notFound = (id: string) =>
  graphError(
    `404 Request_ResourceNotFound: Resource '${id}' does not exist or one of its queried reference-property objects are not present.`
  );

describe('which member made Graph refuse a request adding 20', () => {
  it('sends 45 users as 20, 20 and 5', () => {
    expect(bindChunks(users(45)).map((chunk) => chunk.length)).toEqual([20, 20, 5]);
  });

  it('halves a chunk refused because someone is already a member, and takes a lone one as added', () => {
    const chunk = users(5);
    expect(afterRefusedBind(chunk, graphError(ALREADY), GROUP)).toEqual({
      retry: [users(3), users(5).slice(3)],
      failures: new Map(),
    });
    expect(afterRefusedBind(['user-2'], graphError(ALREADY), GROUP)).toEqual({
      retry: [],
      failures: new Map(),
    });
  });

  it('takes out the member a 404 names (not yet replicated, or gone) and sends the rest again', () => {
    const error = notFound('user-7');
    expect(afterRefusedBind(users(20), error, GROUP)).toEqual({
      retry: [users(20).filter((id) => id !== 'user-7')],
      failures: new Map([['user-7', error]]),
    });
  });

  it('gives every member the answer when the group itself is refused or not found', () => {
    for (const error of [
      notFound(GROUP),
      graphError(
        '403 Authorization_RequestDenied: Insufficient privileges to complete the operation.'
      ),
      graphError('503 ServiceUnavailable: The service is temporarily unavailable.'),
    ]) {
      const outcome = afterRefusedBind(users(3), error, GROUP);
      expect(outcome.retry).toEqual([]);
      expect([...outcome.failures.keys()]).toEqual(users(3));
    }
  });
});
