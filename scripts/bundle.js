/**
 * Bundles the CLI into dist/bundle/ (esbuild), after `tsc` has type-checked
 * and emitted dist/: Node resolving and reading ~1,000 modules one file at a
 * time was most of cvd-tui's start-up. Each command is its own chunk, loaded
 * on demand (src/cli/main.ts), so `--help` reads a few small files (~40 KB). Native
 * addons and packages that load files beside their own sources stay external:
 * Node loads them from node_modules as before. The output is deterministic:
 * the same sources, lockfile and checkout path give the same bytes (only
 * comments name the bundled files' paths).
 */
import { rmSync, writeFileSync } from 'node:fs';
import process from 'node:process';
import { build } from 'esbuild';

/**
 * better-sqlite3 and ssh2 (with its optional cpu-features) load compiled
 * `.node` addons by paths relative to their own files; react-devtools-core is
 * an optional import of Ink's, used only with DEV=true, and not installed.
 */
const EXTERNAL = ['better-sqlite3', 'ssh2', 'cpu-features', 'react-devtools-core'];

/**
 * Bundled CommonJS packages call `require` for Node's built-in modules; an
 * ES module has none, so each chunk gets one.
 */
const REQUIRE_SHIM =
  "import { createRequire as __cvdCreateRequire } from 'node:module';\n" +
  'const require = __cvdCreateRequire(import.meta.url);';

// Chunk names carry content hashes: stale ones from an earlier build would pile up.
rmSync('dist/bundle', { recursive: true, force: true });
const result = await build({
  entryPoints: { 'cvd-tui': 'src/cli/main.ts' },
  // Every chunk sits in dist/bundle/, as deep as tsc's dist/cli/: the sources' `../../package.json`
  // and `../../assets/` (import.meta.url-relative) still name the repository's files.
  outdir: 'dist/bundle',
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  banner: { js: REQUIRE_SHIM },
  metafile: true,
  logLevel: 'warning',
});
// What each chunk holds, to see what a command loads: CVD_BUNDLE_META=meta.json npm run build.
if (process.env.CVD_BUNDLE_META)
  writeFileSync(process.env.CVD_BUNDLE_META, JSON.stringify(result.metafile));
