import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** One import of a source file: the file it resolves to and whether it is `import()` at run time. */
export interface ImportEdge {
  readonly to: string;
  readonly dynamic: boolean;
}

/** Every module of `root` (relative paths, `/`-separated) with the project files it imports. */
export type ImportGraph = ReadonlyMap<string, readonly ImportEdge[]>;

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The project file a relative specifier names, or undefined for a package or a non-TypeScript file. */
function resolveSpecifier(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(from), specifier);
  return [`${base}.ts`, join(base, 'index.ts')].find((candidate) => existsSync(candidate));
}

/** Static imports and re-exports (type-only ones included: they tie the files together too) and `import()`. */
function importsOf(path: string): { specifier: string; dynamic: boolean }[] {
  const file = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: { specifier: string; dynamic: boolean }[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    )
      found.push({ specifier: node.moduleSpecifier.text, dynamic: false });
    if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments.length === 1 &&
      ts.isStringLiteral(node.arguments[0])
    )
      found.push({ specifier: node.arguments[0].text, dynamic: true });
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** The import graph of every TypeScript file under `root`. */
export function importGraph(root: string): ImportGraph {
  const name = (path: string) => relative(root, path).split('\\').join('/');
  const graph = new Map<string, ImportEdge[]>();
  for (const path of sourceFiles(root)) {
    const edges = importsOf(path).flatMap(({ specifier, dynamic }) => {
      const target = resolveSpecifier(path, specifier);
      return target ? [{ to: name(target), dynamic }] : [];
    });
    graph.set(name(path), edges);
  }
  return graph;
}

/**
 * Every import cycle through static imports, each as the files in order (first repeated at the end). A
 * dynamic `import()` runs after every module has loaded, so it closes no cycle.
 */
export function importCycles(graph: ImportGraph): string[][] {
  const cycles: string[][] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const onPath = new Set<string>();
  const visit = (file: string): void => {
    if (onPath.has(file)) {
      cycles.push([...path.slice(path.indexOf(file)), file]);
      return;
    }
    if (done.has(file)) return;
    path.push(file);
    onPath.add(file);
    for (const edge of graph.get(file) ?? []) if (!edge.dynamic) visit(edge.to);
    onPath.delete(file);
    path.pop();
    done.add(file);
  };
  for (const file of graph.keys()) visit(file);
  return cycles;
}

/**
 * Where a file reads HTTP: each `statusCode` it names and each regular expression that matches a 4xx or
 * 5xx status (Graph's message prefixes), as `file: text`, for every TypeScript file under `folder` of
 * `root` outside `except` (a subfolder).
 */
export function httpReadings(root: string, folder: string, except: string): string[] {
  const name = (path: string) => relative(root, path).split('\\').join('/');
  return sourceFiles(join(root, folder))
    .filter((path) => !name(path).startsWith(`${folder}/${except}/`))
    .flatMap((path) => {
      const file = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest);
      const found: string[] = [];
      const visit = (node: ts.Node): void => {
        if (ts.isIdentifier(node) && node.text === 'statusCode') found.push(node.text);
        if (ts.isRegularExpressionLiteral(node) && /[45]\d\d/.test(node.text))
          found.push(node.text);
        ts.forEachChild(node, visit);
      };
      visit(file);
      return found.map((text) => `${name(path)}: ${text}`);
    });
}
