import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { graphValidator } from '../support/graph-schema';

const samples = join(__dirname, '..', '..', '..', 'shared', 'graph', 'samples');
const definitionFor: Record<string, string> = {
  user: 'microsoft.graph.user',
  group: 'microsoft.graph.group',
  error: 'graphErrorResponse',
};

describe('the Graph schema the simulator is checked against', () => {
  it.each(readdirSync(samples).filter((f) => f.startsWith('bad-')))(
    'rejects the known-bad sample %s, so a shape test can fail',
    (file) => {
      const body = JSON.parse(readFileSync(join(samples, file), 'utf8')) as unknown;
      const kind = Object.keys(definitionFor).find((k) => file.includes(`-${k}-`)) ?? 'user';
      expect(graphValidator(definitionFor[kind])(body)).toBe(false);
    }
  );
});
