import { GraphBatch } from '../../src/graph/graph-batch';
import {
  UsageError,
  parseSimulatorArguments,
  simulatorOptionsOf,
} from '../../src/simulator/cli-arguments';
import { TenantSimulator } from '../../src/simulator/simulator-server';
import { graphCall } from '../support/graph-http';
import { simulatorGraphClient } from '../support/simulator-graph-client';

/**
 * `npm run simulator -- --throttled-batch-status 424`: Microsoft's throttling page says a batch with a
 * throttled item "fails with a status code of 424 (Failed Dependency)", its json-batching page says 200.
 * The command line picks one; anything else is refused before the simulator starts.
 */
describe('the simulator command line: the outer status of a throttled $batch', () => {
  let simulator: TenantSimulator | undefined;
  afterEach(async () => {
    await simulator?.stop();
    simulator = undefined;
  });

  const parse = (...extra: string[]) => parseSimulatorArguments(['--tenant', 'demo', ...extra]);

  it('answers 200 unless told 424', () => {
    expect(parse().throttledBatchStatus).toBe(200);
    expect(parse('--throttled-batch-status', '200').throttledBatchStatus).toBe(200);
    expect(parse('--throttled-batch-status', '424').throttledBatchStatus).toBe(424);
  });

  it.each(['429', '500', 'on', '424x', ''])(
    'refuses %j, naming the option and the two values',
    (value) => {
      expect(() => parse('--throttled-batch-status', value)).toThrow(UsageError);
      expect(() => parse('--throttled-batch-status', value)).toThrow(
        /--throttled-batch-status is 200 or 424, .*\(got ".*"\)/
      );
    }
  );

  it('serves 424 for a batch with a throttled item, and the bot still reads every item', async () => {
    simulator = new TenantSimulator(
      simulatorOptionsOf(
        parse(
          '--throttled-batch-status',
          '424',
          '--replication-lag',
          '0',
          '--faults',
          '429:40%,path=^/v1\\.0/users/,seed=3'
        )
      )
    );
    const base = await simulator.start();
    const ids = [...simulator.directory.users.keys()].slice(0, 20);
    const requests = ids.map((id) => ({ id, method: 'GET', url: `/users/${id}?$select=id` }));
    const raw = await graphCall(base, 'POST', '/v1.0/$batch', { requests });
    expect(raw.status).toBe(424);
    expect(raw.body.responses).toHaveLength(ids.length);

    const batch = new GraphBatch(simulatorGraphClient(base), base, { sleep: async () => {} });
    const answers = await batch.send(
      ids.map((id) => ({ id, method: 'GET', path: `/users/${id}?$select=id` }))
    );
    for (const id of ids) expect(answers.get(id)).toEqual(expect.objectContaining({ id }));
  });
});
