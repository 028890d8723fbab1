import { join } from 'node:path';
import { importCycles, importGraph } from '../support/import-graph';

const graph = importGraph(join(__dirname, '..', '..', 'src'));

/** Folders the production bot is built from: the simulator is a test and demo tool they never load. */
const PRODUCTION_FOLDERS = ['domain', 'engine', 'graph', 'storage', 'teams'];

describe('the import graph of src/', () => {
  it('finds the project files each module imports', () => {
    expect(graph.get('simulator/simulator-server.ts')?.map((edge) => edge.to)).toContain(
      'simulator/directory.ts'
    );
    expect(graph.get('index.ts')).toContainEqual({
      to: 'simulator/simulator-defaults.ts',
      dynamic: true,
    });
  });

  it('has no import cycle', () => {
    expect(importCycles(graph).map((cycle) => cycle.join(' → '))).toEqual([]);
  });

  it('keeps the simulator out of the bot: domain, engine, graph, storage and teams never import it', () => {
    const offending = [...graph]
      .filter(([file]) => PRODUCTION_FOLDERS.includes(file.split('/')[0]))
      .flatMap(([file, edges]) =>
        edges
          .filter((edge) => edge.to.startsWith('simulator/'))
          .map((edge) => `${file} → ${edge.to}`)
      );
    expect(offending).toEqual([]);
  });

  it('keeps the arrows pointing inward: the domain imports no other folder; teams/ never imports storage/', () => {
    const crossing = (from: string, to: (folder: string) => boolean) =>
      [...graph]
        .filter(([file]) => file.startsWith(`${from}/`))
        .flatMap(([file, edges]) =>
          edges.filter((edge) => to(edge.to.split('/')[0])).map((edge) => `${file} → ${edge.to}`)
        );
    // Top-level files (error-text.ts, csv.ts) are plain helpers any folder may use.
    expect(crossing('domain', (folder) => folder !== 'domain' && !folder.endsWith('.ts'))).toEqual(
      []
    );
    expect(crossing('teams', (folder) => folder === 'storage')).toEqual([]);
  });

  it('would report a cycle, and not one closed by a dynamic import', () => {
    const cyclic = new Map([
      ['a.ts', [{ to: 'b.ts', dynamic: false }]],
      ['b.ts', [{ to: 'a.ts', dynamic: false }]],
      ['c.ts', [{ to: 'd.ts', dynamic: false }]],
      ['d.ts', [{ to: 'c.ts', dynamic: true }]],
    ]);
    expect(importCycles(cyclic)).toEqual([['a.ts', 'b.ts', 'a.ts']]);
  });
});
