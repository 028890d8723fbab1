import { GraphError } from '@microsoft/microsoft-graph-client';
import { LeaseLostError } from '../../src/engine/ports/write-fence';
import { HeldBackError } from '../../src/graph/graph-batch';
import {
  failureOf,
  removalAnswerOf,
  restoreAnswerOf,
} from '../../src/graph/graph-directory-answers';
import { GraphDirectoryWriter } from '../../src/graph/graph-directory-writer';
import { TenantSimulator } from '../../src/simulator/simulator-server';
import { buildTrickyTenant, trickyUserId } from '../../src/simulator/scenarios/tricky-tenant';
import { simulatorGraphClient } from '../support/simulator-graph-client';
import { OFFICE_E3 as E3 } from '../fixtures/skus';

/** A single call's error: the SDK's GraphError carries the status. */
const single = (status: number, message: string) => new GraphError(status, message);
/** A `$batch` item's error: its message starts with the status (graph-batch.ts). */
const item = (status: number, code: string, message: string) =>
  new Error(`${status} ${code}: ${message}`);
/** The SDK's wrapping of the fence's error keeps its name as `code`. */
const wrappedLeaseLost = () =>
  Object.assign(new GraphError(-1, 'The write was not sent'), { code: 'LeaseLostError' });

const GONE = 'User does not have a corresponding license.';
const INHERITED =
  'User license is inherited from a group membership and it cannot be removed directly from the user.';

describe("the Graph adapter's reading of a failed user read", () => {
  it.each([
    ['a deleted user (404, single call)', single(404, 'Resource not found'), 'not-found', null],
    [
      'a deleted user (404 in a batch)',
      item(404, 'Request_ResourceNotFound', 'x'),
      'not-found',
      null,
    ],
    ['a bad request (400)', item(400, 'Request_BadRequest', 'bad'), 'failed', false],
    ['no token (401)', single(401, 'InvalidAuthenticationToken'), 'failed', false],
    ['a missing permission (403)', item(403, 'Authorization_RequestDenied', 'no'), 'failed', false],
    ['throttled past its retries (429)', item(429, 'TooManyRequests', 'slow down'), 'failed', true],
    ['a server error (503)', single(503, 'Service unavailable'), 'failed', true],
    ['a gateway timeout (504 in a batch)', item(504, 'GatewayTimeout', 'late'), 'failed', true],
    ['no HTTP answer at all', new GraphError(-1, 'fetch failed'), 'failed', true],
    ['no answer for it in the batch', new Error('Graph returned no answer.'), 'failed', true],
  ])('%s', (_case, error, kind, transient) => {
    const answer = failureOf(error);
    expect(answer.kind).toBe(kind);
    if (answer.kind === 'failed') expect(answer.transient).toBe(transient);
    expect(answer.reason).toContain(error.message);
  });

  it('says why when nothing answered: the reason names the missing HTTP answer', () => {
    expect(failureOf(new GraphError(-1, '')).reason).toMatch(/no HTTP answer/);
  });
});

describe("the Graph adapter's reading of a removal's answer", () => {
  it.each([
    ['taken', null, { kind: 'done' }],
    ['held back by the departure gate', new HeldBackError(), { kind: 'held-back' }],
    ['stopped by the write fence', new LeaseLostError(), { kind: 'lease-lost' }],
    ['stopped by the fence, wrapped by the SDK', wrappedLeaseLost(), { kind: 'lease-lost' }],
    ['no such direct license', item(400, 'Request_BadRequest', GONE), { kind: 'already-gone' }],
    [
      'inherited only, not direct',
      item(400, 'Request_BadRequest', INHERITED),
      { kind: 'already-gone' },
    ],
    ['no such direct license (single)', single(400, GONE), { kind: 'already-gone' }],
    [
      'refused: plans mutually exclusive (400)',
      item(400, 'Request_BadRequest', 'Service plans are mutually exclusive.'),
      { kind: 'failed', transient: false },
    ],
    ['refused: not allowed (403)', single(403, 'Forbidden'), { kind: 'failed', transient: false }],
    ['a deleted user (404)', item(404, 'Request_ResourceNotFound', 'u'), { kind: 'not-found' }],
    ['a server error (503)', single(503, 'Unavailable'), { kind: 'failed', transient: true }],
    ['throttled (429)', item(429, 'TooManyRequests', 'x'), { kind: 'failed', transient: true }],
    [
      'a thrown error without status',
      new Error('socket hang up'),
      { kind: 'failed', transient: true },
    ],
  ])('%s', (_case, error, expected) => {
    expect(removalAnswerOf(error)).toMatchObject(expected);
  });
});

describe("the Graph adapter's reading of a restore's answer", () => {
  it.each([
    ['taken', null, { kind: 'done' }],
    ['stopped by the write fence', new LeaseLostError(), { kind: 'lease-lost' }],
    ['a deleted user (404)', single(404, 'Resource not found'), { kind: 'not-found' }],
    // Only a removal may find its license already gone: a restore refused is a refusal.
    ['refused (400)', item(400, 'Request_BadRequest', GONE), { kind: 'failed', transient: false }],
    [
      'no seats left (400)',
      single(400, 'Subscription has no units'),
      { kind: 'failed', transient: false },
    ],
    ['a server error (503)', single(503, 'Unavailable'), { kind: 'failed', transient: true }],
  ])('%s', (_case, error, expected) => {
    expect(restoreAnswerOf(error)).toMatchObject(expected);
  });
});

describe('the Graph directory writer answers in outcomes, against the simulator', () => {
  let simulator: TenantSimulator;
  let writer: GraphDirectoryWriter;
  const nobody = '00000000-0000-4000-8000-00000000dead';
  beforeAll(async () => {
    simulator = new TenantSimulator({ tenant: buildTrickyTenant() });
    const base = await simulator.start();
    writer = new GraphDirectoryWriter(simulatorGraphClient(base), base);
  });
  afterAll(() => simulator.stop());

  it('answers a read of a user who does not exist with not-found, alone or in a batch', async () => {
    const user = trickyUserId('both-same-plans');
    expect((await writer.readUser(nobody)).kind).toBe('not-found');
    const reads = await writer.readUsers([user, nobody]);
    expect(reads.get(nobody)?.kind).toBe('not-found');
    expect(reads.get(user)).toMatchObject({ kind: 'read', user: { id: user } });
  });

  it('answers removing a license the user holds only through a group with already-gone, alone or in a batch', async () => {
    const inheritedOnly = trickyUserId('inherited-only');
    expect(await writer.removeDirectLicenses(inheritedOnly, [E3])).toMatchObject({
      kind: 'already-gone',
    });
    const answers = await writer.removeDirectLicensesForUsers([
      { userId: inheritedOnly, skuIds: [E3] },
    ]);
    expect(answers.get(inheritedOnly)).toMatchObject({ kind: 'already-gone' });
  });

  it('answers a restore for a user who does not exist with not-found', async () => {
    expect(await writer.restoreDirectLicense(nobody, E3, [])).toMatchObject({ kind: 'not-found' });
  });
});
