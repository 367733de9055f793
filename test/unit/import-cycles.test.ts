import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { folderGraph, importCycles, importGraph } from '../helpers/import-graph.js';

const FRONT_ENDS = ['cli', 'init', 'screens'];
const SRC = join(dirname(fileURLToPath(import.meta.url)), '../../src');

describe('import cycles', () => {
  it('src has none: every layer imports only downwards', () => {
    const graph = importGraph(SRC);
    // The walk found the program, not an empty folder.
    expect(graph.get('cli/main.ts')?.length).toBeGreaterThan(0);
    expect(importCycles(graph).map((cycle) => cycle.join(' → '))).toEqual([]);
  });

  it('src folders have none below the front ends (engine, state, steps, probes, …)', () => {
    // The front ends (commands, wizard, UI) call each other and are being regrouped; as one node
    // they may import everything below them, and a layer below that imports back closes a cycle.
    const folders = folderGraph(importGraph(SRC), FRONT_ENDS);
    expect(folders.get('steps')).toContain('shell');
    expect(importCycles(folders).map((cycle) => cycle.join(' → '))).toEqual([]);
  });

  describe('the check itself', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cvd-cycles-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const write = (path: string, text: string) => {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    };

    it('finds a cycle made by a type-only import and reports its path', () => {
      write('a/one.ts', "import { two } from '../b/two.js';\nexport const one = two;\n");
      write('b/two.ts', "import type { Three } from './three.js';\nexport const two: Three = 2;\n");
      write(
        'b/three.tsx',
        "import type { one } from '../a/one.js';\nexport type Three = typeof one;\n",
      );
      write('c/leaf.ts', "import { one } from '../a/one.js';\nexport const leaf = one;\n");
      const graph = importGraph(dir);
      expect(importCycles(graph)).toEqual([['a/one.ts', 'b/two.ts', 'b/three.tsx', 'a/one.ts']]);
      expect(importCycles(folderGraph(graph))).toEqual([['a', 'b', 'a']]);
    });

    it('finds a dynamic import back, and none once the back edge is gone', () => {
      write('d/x.ts', "export const x = () => import('./y.js');\n");
      write('d/y.ts', "import { x } from './x.js';\nexport const y = x;\n");
      expect(importCycles(importGraph(join(dir, 'd')))).toEqual([['x.ts', 'y.ts', 'x.ts']]);
      write('d/y.ts', 'export const y = 1;\n');
      expect(importCycles(importGraph(join(dir, 'd')))).toEqual([]);
    });
  });
});
