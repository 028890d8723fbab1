import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * How production starts the bot: App Service's startup command (infra/azure.bicep) bounds Node's heap so the
 * process stays within 512 MB of RSS, `npm run start:bot` starts it the same way, and the benchmark that
 * measures the RSS reads its flags from there (bench/production-start.js) rather than keeping its own.
 */

const ROOT = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
// The benchmark's own reader of the startup command (plain CommonJS, as the benchmarks are).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const productionStart = require('../../bench/production-start') as {
  productionCommandLine(): string;
  productionNodeFlags(): string[];
  productionHeapMb(): number | null;
  productionAllocatorSettings(): Record<string, string>;
};

describe('the production start command', () => {
  const appCommandLine = /^\s*appCommandLine: '([^']+)'/m.exec(read('infra/azure.bicep'))?.[1];

  it('bounds the heap so that heap, code and buffers stay under 512 MB', () => {
    const heapMb = Number(/--max-old-space-size=(\d+)/.exec(appCommandLine ?? '')?.[1]);
    // Code, the young generation and buffers take about 100 MB beyond the old space.
    expect(heapMb).toBeGreaterThanOrEqual(256);
    expect(heapMb).toBeLessThanOrEqual(412);
    expect(appCommandLine).toMatch(/^node (--[\w-]+(=\S+)? )*lib\/index\.js$/);
  });

  it('is what npm run start:bot runs', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> })
      .scripts;
    expect(scripts['start:bot']).toBe(appCommandLine);
  });

  it('is what the benchmark starts the bot with', () => {
    expect(productionStart.productionCommandLine()).toBe(appCommandLine);
    expect(productionStart.productionNodeFlags()).toContain(
      `--max-old-space-size=${productionStart.productionHeapMb()}`
    );
    // One start serves every benchmark, and it spawns the bot with those flags.
    expect(read('bench/production-start.js')).toMatch(
      /spawn\(process\.execPath, \[\.\.\.productionNodeFlags\(\)/
    );
    // And with the memory allocator's settings App Service gives it.
    expect(productionStart.productionAllocatorSettings()).toEqual({
      MALLOC_MMAP_THRESHOLD_: '131072',
    });
    expect(read('bench/production-start.js')).toMatch(
      /env: \{\s*\.\.\.productionAllocatorSettings\(\)/
    );
    for (const bench of ['bench/bot-run.js', 'bench/turns.js']) {
      expect(read(bench)).toMatch(/startProductionBot\(/);
      expect(read(bench)).not.toMatch(/spawn\(/);
    }
  });
});
