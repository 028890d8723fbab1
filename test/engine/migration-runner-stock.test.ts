import { runnerWithReleasedWaves } from '../support/runner-fixture';

/** Lets every callback already due run (no clock involved). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('stock-taking runs beside the next step, not before it', () => {
  it('a released next wave starts its removals while the stock-taking after the previous wave still reads', async () => {
    const t = await runnerWithReleasedWaves(2);
    t.runner.wake();
    await t.gate.reached();
    await t.removalOf('user-2');
    expect(t.gate.arrivals).toBe(1);
    expect(await t.pointLabels()).toEqual([]);

    t.gate.openNow();
    await t.runner.idle();
    expect(await t.pointLabels()).toEqual(['after wave 1', 'after wave 2']);
    await t.runner.stop();
  });

  it('a follow-up due at once runs while the stock-taking after its wave still reads', async () => {
    const t = await runnerWithReleasedWaves(1, { followUpAfterMs: 0 });
    t.runner.wake();
    await t.gate.reached();
    while (!t.notices.some((n) => n.kind === 'follow-up-finished')) await settle();
    expect(t.gate.arrivals).toBe(1);
    expect(await t.pointLabels()).toEqual([]);

    t.gate.openNow();
    await t.runner.idle();
    // The follow-up ran moments after its wave: the wave's point is as fresh, so it reads no second one.
    expect(await t.pointLabels()).toEqual(['after wave 1']);
    await t.runner.stop();
  });

  it('idle() resolves only once the stock-taking beside the runner is done', async () => {
    const t = await runnerWithReleasedWaves(1);
    t.runner.wake();
    await t.gate.reached();
    let idle = false;
    const idled = t.runner.idle().then(() => (idle = true));
    for (let i = 0; i < 20; i++) await settle();
    expect(idle).toBe(false);

    t.gate.openNow();
    await idled;
    expect(await t.pointLabels()).toEqual(['after wave 1']);
    await t.runner.stop();
  });

  it('stop() waits for the stock-taking under way and starts none of those waiting', async () => {
    const t = await runnerWithReleasedWaves(2);
    t.runner.wake();
    await t.gate.reached();
    await t.removalOf('user-2');
    // Wave 2 ends while the first read still runs: its stock-taking waits for its turn.
    while (!t.notices.some((n) => n.kind === 'wave-finished' && n.waveNumber === 2)) await settle();
    let stopped = false;
    const stopping = t.runner.stop().then(() => (stopped = true));
    for (let i = 0; i < 20; i++) await settle();
    expect(stopped).toBe(false);

    t.gate.openNow();
    await stopping;
    expect(t.gate.arrivals).toBe(1);
    expect(await t.pointLabels()).toEqual(['after wave 1']);
  });

  it('the stock-takings asked while one reads become one read that still warns for every wave', async () => {
    const t = await runnerWithReleasedWaves(3);
    t.runner.wake();
    await t.gate.reached();
    await t.removalOf('user-3');
    while (!t.notices.some((n) => n.kind === 'wave-finished' && n.waveNumber === 3)) await settle();
    // The old automation gives wave 1's and wave 2's users their direct license back meanwhile.
    for (const userId of ['user-1', 'user-2'])
      await t.directory.restoreDirectLicense(userId, t.directory.skus[0].skuId, []);

    t.gate.openNow();
    await t.runner.idle();
    expect(t.gate.arrivals).toBe(2);
    expect(await t.pointLabels()).toEqual(['after wave 1', 'after wave 3']);
    const warnings = t.notices.flatMap((n) =>
      n.kind === 'automation-still-running' ? n.reassigned.map((r) => r.userId) : []
    );
    expect(warnings).toContain('user-2');
    await t.runner.stop();
  });
});

describe('a give-back and the stock-taking after a wave', () => {
  it('a rollback puts licenses back at once, beside the read, and they are not reported as the old automation', async () => {
    const t = await runnerWithReleasedWaves(1);
    t.runner.wake();
    await t.gate.reached();
    await t.rollBack(1);
    for (let i = 0; i < 20 && t.restoresSent.length === 0; i++) await settle();
    expect(t.restoresSent).toEqual(['user-1']);

    t.gate.openNow();
    await t.runner.idle();
    expect(t.notices.filter((n) => n.kind === 'automation-still-running')).toEqual([]);
    expect(t.notices).toContainEqual(expect.objectContaining({ kind: 'rollback-finished' }));
    await t.runner.stop();
  });
});
