import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** Module file (relative to the root) → the module files it imports, relative too. */
export type ImportGraph = Map<string, string[]>;

const SOURCE = /\.tsx?$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** NodeNext specifiers name the emitted `.js`; the source beside it is `.ts` or `.tsx`. */
function resolveSpecifier(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const target = resolve(dirname(from), specifier);
  const stem = target.replace(/\.js$/, '');
  return [`${stem}.ts`, `${stem}.tsx`, target].find(
    (path) => SOURCE.test(path) && existsSync(path),
  );
}

/**
 * Every relative import of every module under `root`: static, dynamic and
 * type-only alike. A type-only import is erased at run time, but it still
 * ties two modules together, which is what a layer cycle is about.
 */
export function importGraph(root: string): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const file of sourceFiles(root)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles
      .map(({ fileName }) => resolveSpecifier(file, fileName))
      .filter((path): path is string => path !== undefined)
      .map((path) => relative(root, path));
    graph.set(relative(root, file), [...new Set(targets)]);
  }
  return graph;
}

/**
 * The graph's cycles, one per strongly connected component of more than one
 * module (or a module importing itself), each as a path that closes on its
 * first module. Tarjan's algorithm: every cycle is inside one component.
 */
export function importCycles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || graph.get(node)?.includes(node)) components.push(component);
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return components.map((component) => cyclePath(graph, new Set(component)));
}

/** A shortest way round one component, from its first module (by name) back to it: readable evidence. */
function cyclePath(graph: ImportGraph, component: Set<string>): string[] {
  const start = [...component].sort()[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    for (const next of graph.get(queue[i]!) ?? []) {
      if (!component.has(next)) continue;
      if (next === start) {
        const path = [queue[i]!];
        while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
        return [...path, start];
      }
      if (!previous.has(next)) {
        previous.set(next, queue[i]!);
        queue.push(next);
      }
    }
  }
  return [start, start];
}

/**
 * The graph between top-level folders: a folder imports another when any of
 * its modules does. `merge` names folders to count as one node, `+`-joined.
 */
export function folderGraph(graph: ImportGraph, merge: readonly string[] = []): ImportGraph {
  const folderOf = (path: string) => {
    const folder = path.split('/')[0]!;
    return merge.includes(folder) ? merge.join('+') : folder;
  };
  const folders: ImportGraph = new Map();
  for (const [file, targets] of graph) {
    const from = folderOf(file);
    const edges = new Set(folders.get(from));
    for (const target of targets) if (folderOf(target) !== from) edges.add(folderOf(target));
    folders.set(from, [...edges]);
  }
  return folders;
}
