import { CHUNK, READS_IN_FLIGHT, inReadChunks } from '../../src/engine/directory-calls';

/** A read round trip that answers when the test lets it: records how many are in flight at once. */
function heldReads() {
  let inFlight = 0;
  let most = 0;
  const waiting: (() => void)[] = [];
  const work = async (chunk: readonly string[]) => {
    inFlight++;
    most = Math.max(most, inFlight);
    await new Promise<void>((resolve) => waiting.push(resolve));
    inFlight--;
    return chunk.join(',');
  };
  // Answers whatever is waiting, latest first, until nothing is left.
  const drain = async (done: Promise<unknown>) => {
    let finished = false;
    void done.then(() => (finished = true));
    while (!finished) {
      await new Promise((resolve) => setImmediate(resolve));
      waiting.pop()?.();
    }
  };
  return { work, drain, most: () => most };
}

describe('reading many users', () => {
  const ids = Array.from({ length: 10 * CHUNK + 3 }, (_, i) => `user-${i}`);

  it('keeps several round trips in flight, never more than the limit', async () => {
    const reads = heldReads();
    const done = inReadChunks(ids, reads.work);
    await reads.drain(done);
    expect(reads.most()).toBe(READS_IN_FLIGHT);
    expect(READS_IN_FLIGHT).toBeGreaterThan(1);
  });

  it('answers every user once, in the order asked, whatever order the round trips finish in', async () => {
    const reads = heldReads();
    const done = inReadChunks(ids, reads.work);
    await reads.drain(done);
    const answered = (await done).flatMap((chunk) => chunk.split(','));
    expect(answered).toEqual(ids);
  });

  it('asks nothing for no users', async () => {
    const work = jest.fn(async () => 'read');
    expect(await inReadChunks([], work)).toEqual([]);
    expect(work).not.toHaveBeenCalled();
  });
});
