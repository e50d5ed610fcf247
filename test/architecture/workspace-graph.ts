/**
 * The workspace as the architecture test sees it: packages, their declared dependencies and the
 * import specifiers of their sources. The rules are pure functions, so a test can run them against
 * a small fixture as well as against the repository.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, posix } from "node:path";
import ts from "typescript";

export type WorkspacePackage = { name: string; dir: string; dependencies: string[] };
export type SourceFile = { path: string; text: string };
export type Workspace = { packages: WorkspacePackage[]; files: SourceFile[] };
export type ImportRef = { specifier: string; typeOnly: boolean };
export type Graph = Map<string, Set<string>>;

const sourceFile = /\.(c|m)?tsx?$/;
const skippedDirs = new Set(["node_modules", "generated", "dist"]);

const parsed = new WeakMap<SourceFile, ImportRef[]>();

/** Every module specifier in a file (static, re-export, side-effect, dynamic and `import("…")` types). */
export function importsOf(file: SourceFile): ImportRef[] {
  const known = parsed.get(file);
  if (known) return known;
  const source = ts.createSourceFile(file.path, file.text, ts.ScriptTarget.Latest, false);
  const found: ImportRef[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: node.importClause?.isTypeOnly ?? false });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (ts.isImportTypeNode(node)) {
      const arg = node.argument;
      if (ts.isLiteralTypeNode(arg) && ts.isStringLiteral(arg.literal)) {
        found.push({ specifier: arg.literal.text, typeOnly: true });
      }
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteralLike(arg)) found.push({ specifier: arg.text, typeOnly: false });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const ref = node.moduleReference.expression;
      if (ts.isStringLiteral(ref)) found.push({ specifier: ref.text, typeOnly: node.isTypeOnly });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  parsed.set(file, found);
  return found;
}

/** The workspace package holding a path (relative to the root, `/`-separated). */
export function packageAt(ws: Workspace, path: string): WorkspacePackage | undefined {
  return ws.packages.find((p) => path === p.dir || path.startsWith(`${p.dir}/`));
}

/** Where a specifier lands: a path for relative ones, a workspace package for `@sira/...` names. */
export function targetOf(ws: Workspace, from: string, specifier: string): { path?: string; pkg?: WorkspacePackage } {
  if (specifier.startsWith(".")) {
    const path = posix.normalize(posix.join(posix.dirname(from), specifier));
    return { path, pkg: packageAt(ws, path) };
  }
  const pkg = ws.packages.find((p) => specifier === p.name || specifier.startsWith(`${p.name}/`));
  return { pkg };
}

/** Files under `packages/` that import anything in `apps/`, by package name or relative path, types included. */
export function packagesImportingApps(ws: Workspace): string[] {
  return ws.files
    .filter((f) => f.path.startsWith("packages/"))
    .flatMap((f) =>
      importsOf(f)
        .filter(({ specifier }) => {
          const { path, pkg } = targetOf(ws, f.path, specifier);
          return path?.startsWith("apps/") || pkg?.dir.startsWith("apps/");
        })
        .map(({ specifier }) => `${f.path} → ${specifier}`),
    );
}

/** Package → packages it depends on: its package.json dependencies plus what its files import. */
export function packageGraph(ws: Workspace): Graph {
  const names = new Set(ws.packages.map((p) => p.name));
  const graph: Graph = new Map(
    ws.packages.map((p) => [p.name, new Set(p.dependencies.filter((d) => names.has(d) && d !== p.name))]),
  );
  for (const file of ws.files) {
    const from = packageAt(ws, file.path);
    if (!from) continue;
    for (const { specifier } of importsOf(file)) {
      const to = targetOf(ws, file.path, specifier).pkg;
      if (to && to.name !== from.name) graph.get(from.name)?.add(to.name);
    }
  }
  return graph;
}

/** The packages that depend on `name`, by declaration or by an import (by name or by path). */
export function dependentsOf(graph: Graph, name: string): string[] {
  return [...graph].filter(([from, to]) => from !== name && to.has(name)).map(([from]) => from);
}

/** Each cycle of the graph, one per strongly connected component, as `a → b → a`. */
export function cycles(graph: Graph): string[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const connect = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node) as number);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        connect(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      const selfLoop = graph.get(node)?.has(node) ?? false;
      if (component.length > 1 || selfLoop) components.push(component);
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) connect(node);
  return components.map((c) => cyclePath(graph, new Set(c)).join(" → "));
}

/** A closed path through one strongly connected component, from its first name back to it. */
function cyclePath(graph: Graph, component: Set<string>): string[] {
  const start = [...component].sort()[0] as string;
  const seen = new Set<string>();
  const walk = (node: string, path: string[]): string[] | undefined => {
    for (const next of [...(graph.get(node) ?? [])].sort()) {
      if (next === start) return [...path, start];
      if (component.has(next) && !seen.has(next)) {
        seen.add(next);
        const found = walk(next, [...path, next]);
        if (found) return found;
      }
    }
    return undefined;
  };
  return walk(start, [start]) ?? [start];
}

/** `file → specifier` for each import under `dir` that matches `banned` (runtime imports only if asked). */
export function bannedImports(ws: Workspace, dir: string, banned: RegExp, opts: { runtimeOnly?: boolean } = {}) {
  return ws.files
    .filter((f) => f.path.startsWith(`${dir}/`))
    .flatMap((f) =>
      importsOf(f)
        .filter((i) => banned.test(i.specifier) && !(opts.runtimeOnly && i.typeOnly))
        .map((i) => `${f.path} → ${i.specifier}`),
    );
}

/** `file → specifier` for each import of a file under `fromDir` that lands under `toDir` (relative paths). */
export function importsInto(ws: Workspace, fromDir: string, toDir: string): string[] {
  return ws.files
    .filter((f) => f.path.startsWith(`${fromDir}/`))
    .flatMap((f) =>
      importsOf(f)
        .filter(({ specifier }) => targetOf(ws, f.path, specifier).path?.startsWith(`${toDir}/`))
        .map(({ specifier }) => `${f.path} → ${specifier}`),
    );
}

/** Every TypeScript file below `dir` (relative to `root`), skipping dependencies and generated code. */
export function sourcePaths(root: string, dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = posix.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!skippedDirs.has(entry.name)) out.push(...sourcePaths(root, path));
    } else if (sourceFile.test(entry.name) && !entry.name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

/** The repository's workspace: every package under `apps/` and `packages/` and its sources. */
export function loadWorkspace(root: string): Workspace {
  const packages: WorkspacePackage[] = [];
  for (const group of ["apps", "packages"]) {
    for (const entry of readdirSync(join(root, group), { withFileTypes: true })) {
      const dir = `${group}/${entry.name}`;
      const manifest = join(root, dir, "package.json");
      if (!entry.isDirectory() || !existsSync(manifest)) continue;
      const json = JSON.parse(readFileSync(manifest, "utf8")) as Record<string, Record<string, string> | string>;
      const deps = ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"].flatMap((k) =>
        Object.keys((json[k] as Record<string, string> | undefined) ?? {}),
      );
      packages.push({ name: json.name as string, dir, dependencies: deps });
    }
  }
  const files = packages
    .flatMap((p) => sourcePaths(root, p.dir))
    .map((path) => ({ path, text: readFileSync(join(root, path), "utf8") }));
  return { packages, files };
}
