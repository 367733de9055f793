/**
 * Bundles the CLI into dist/bundle/ (esbuild), after `tsc` has type-checked
 * and emitted dist/: Node resolving and reading ~1,000 modules one file at a
 * time was most of cvd-tui's start-up. The commands load together, on demand
 * (src/cli/commands/index.ts), so `--help` reads a few small files (~55 KB);
 * one import for all of them, and one for Ink and the screens, keep the TUI's
 * start-up to ~16 files (a split per command made ~60, half under 2 KB, each
 * resolved, read and linked by Node's ES module loader). Native
 * addons and packages that load files beside their own sources stay external:
 * Node loads them from node_modules as before. The output is deterministic:
 * the same sources, lockfile and checkout path give the same bytes (only
 * comments name the bundled files' paths).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';
import process from 'node:process';
import { build } from 'esbuild';
import { mayBeEmoji } from './emoji-prefilter.js';

/**
 * ssh2 (with its optional cpu-features) loads compiled `.node` addons by
 * paths relative to its own files; react-devtools-core is an optional import
 * of Ink's, used only with DEV=true, and not installed. better-sqlite3 is
 * bundled: cvd-tui names its addon by path (src/state/sqlite.ts), so its
 * `bindings` lookup, which would look beside the bundle, never runs.
 */
const EXTERNAL = ['ssh2', 'cpu-features', 'react-devtools-core'];

/**
 * Bundled CommonJS packages call `require` for Node's built-in modules; an
 * ES module has none, so each chunk gets one.
 */
const REQUIRE_SHIM =
  "import { createRequire as __cvdCreateRequire } from 'node:module';\n" +
  'const require = __cvdCreateRequire(import.meta.url);';

/**
 * Yoga's WebAssembly loader (emscripten) reads its own base64 `data:` URL
 * with `fetch` whenever there is one, which in Node loads Node's own undici
 * first (measured: 40–100 ms and ~7 MB before Ink's first frame). Its two
 * "is there a fetch" tests are made false, so it decodes the base64 itself,
 * as it does where there is no fetch. It decodes with `atob` and a loop
 * over the 90 KB, which took 10–40 ms before the first frame: Node's own
 * base64 decoder (Buffer) does it in well under 1 ms. The build fails if
 * either is not found, so an update of yoga-layout cannot drop this silently.
 */
const YOGA_LOADER = /yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/;
const FETCH_TEST = '"function"!=typeof fetch';
const ATOB_DECODE =
  'var b=xa(a.slice(37)),c=new Uint8Array(b.length);for(a=0;a<b.length;++a)c[a]=b.charCodeAt(a);var d=c';
const BUFFER_DECODE = 'var d=new Uint8Array(Buffer.from(a.slice(37),"base64"))';
let yogaLoaderSeen = false;
const yogaWithoutFetch = {
  name: 'yoga-without-fetch',
  setup(build) {
    build.onLoad({ filter: YOGA_LOADER }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const tests = source.split(FETCH_TEST).length - 1;
      if (tests !== 2) throw new Error(`${args.path}: expected 2 fetch tests, found ${tests}`);
      const decodes = source.split(ATOB_DECODE).length - 1;
      if (decodes !== 1)
        throw new Error(`${args.path}: expected 1 atob decode of the wasm, found ${decodes}`);
      yogaLoaderSeen = true;
      const contents = source.replaceAll(FETCH_TEST, 'true').replace(ATOB_DECODE, BUFFER_DECODE);
      return { contents, loader: 'js' };
    });
  },
};

/**
 * `source` with each `[from, to]` of `pairs` replaced; the build fails unless
 * each `from` is there exactly once, so a library's update cannot drop a
 * patch silently.
 */
function replaceEachOnce(path, source, pairs) {
  for (const [from, to] of pairs) {
    if (source.split(from).length !== 2) throw new Error(`${path}: expected one "${from}"`);
    source = source.replace(from, () => to);
  }
  return source;
}

/**
 * string-width, slice-ansi and ansi-tokenize split text into graphemes with
 * Intl.Segmenter, and the first one a process makes builds ICU's tables of
 * locales (~15–20 ms before Ink's first frame, measured). Each constructs
 * scripts/grapheme-segmenter.js's instead, which splits what a frame is made
 * of (ASCII, ANSI escapes, box drawing, `▸`, `·`) itself, as Intl.Segmenter
 * does, and hands anything else to one made on first need. The build fails
 * if a segmenter is not where this expects, or if any other is left in the
 * bundle (a new library's would bring the cost back unseen).
 */
const GRAPHEME_SEGMENTER_MODULE = fileURLToPath(new URL('grapheme-segmenter.js', import.meta.url));
const SEGMENTING =
  /[\\/](string-width[\\/]index|slice-ansi[\\/]tokenize-ansi|@alcalzone[\\/]ansi-tokenize[\\/]build[\\/]tokenize)\.js$/;
const INTL_SEGMENTER =
  /new Intl\.Segmenter\((?:|undefined, ?\{ ?granularity: ?['"]grapheme['"] ?\})\)/g;
let segmentersSwapped = 0;

/** `source` (an ES module) with its one grapheme Intl.Segmenter replaced by a GraphemeSegmenter. */
function withGraphemeSegmenter(path, source) {
  const found = source.match(INTL_SEGMENTER)?.length ?? 0;
  if (found !== 1 || source.split('Intl.Segmenter').length !== 2)
    throw new Error(`${path}: expected one grapheme Intl.Segmenter, found ${found}`);
  segmentersSwapped++;
  return (
    `import { GraphemeSegmenter as __CvdGraphemeSegmenter } from ${JSON.stringify(GRAPHEME_SEGMENTER_MODULE)};\n` +
    source.replace(INTL_SEGMENTER, 'new __CvdGraphemeSegmenter()')
  );
}

const graphemeSegmenter = {
  name: 'grapheme-segmenter',
  setup(build) {
    build.onLoad({ filter: SEGMENTING }, (args) => {
      // string-width's segmenter is swapped by its own plugin (emojiPrefilter), with its other patch.
      if (STRING_WIDTH.test(args.path)) return undefined;
      return {
        contents: withGraphemeSegmenter(args.path, readFileSync(args.path, 'utf8')),
        loader: 'js',
      };
    });
  },
};

/**
 * string-width (8, Ink's) builds `/^\p{RGI_Emoji}$/v` as it loads (~5–15 ms:
 * the set holds ~3,700 strings) and tests every grapheme cluster of a line
 * that is not plain ASCII against it, whose first use compiles it (another
 * 15–35 ms) before the first frame, for a `·` or `…`. The regex is now built
 * on first use, and a cheap test that rules out what cannot be an emoji
 * (scripts/emoji-prefilter.js) goes in front; widths are unchanged. The
 * build fails if either piece of string-width is not found.
 */
const STRING_WIDTH = /[\\/]string-width[\\/]index\.js$/;
const RGI_EMOJI = [
  ['const rgiEmojiRegex = /^\\p{RGI_Emoji}$/v;', 'let rgiEmojiRegex;'],
  [
    'if (rgiEmojiRegex.test(segment) ||',
    "if ((mayBeEmoji(segment) && (rgiEmojiRegex ??= new RegExp('^\\\\p{RGI_Emoji}$', 'v')).test(segment)) ||",
  ],
];
let rgiTestsPatched = 0;
const emojiPrefilter = {
  name: 'emoji-prefilter',
  setup(build) {
    build.onLoad({ filter: STRING_WIDTH }, (args) => {
      let source = readFileSync(args.path, 'utf8');
      // Older string-widths (wrap-ansi's) have no RGI test; the oldest (CommonJS) no segmenter either.
      if (source.includes('Intl.Segmenter')) source = withGraphemeSegmenter(args.path, source);
      if (!source.includes('rgiEmojiRegex'))
        return source.includes('__CvdGraphemeSegmenter')
          ? { contents: source, loader: 'js' }
          : undefined;
      source = replaceEachOnce(args.path, source, RGI_EMOJI);
      if (source.split('rgiEmojiRegex').length !== 3)
        throw new Error(`${args.path}: rgiEmojiRegex is used where this patch does not expect`);
      rgiTestsPatched++;
      return { contents: `${source}\n${mayBeEmoji.toString()}\n`, loader: 'js' };
    });
  },
};

/**
 * Ink makes each row of a frame a string with ansi-tokenize's
 * styledCharsToString, which diffs the styles of every character with the
 * one before it (three Sets and four arrays each): a cheap test goes first
 * (scripts/unchanged-styles.js), and equal styles skip the diff, whose
 * answer for them is no codes. Output is unchanged. The build fails if
 * either diff is not found.
 */
const STYLED_CHARS = /@alcalzone[\\/]ansi-tokenize[\\/]build[\\/]styledChars\.js$/;
const UNCHANGED_STYLES_MODULE = fileURLToPath(new URL('unchanged-styles.js', import.meta.url));
const STYLE_DIFFS = [
  [
    'ret += ansiCodesToString(diffAnsiCodes(chars[i - 1].styles, char.styles));',
    'if (!__cvdUnchangedStyles(chars[i - 1].styles, char.styles)) ret += ansiCodesToString(diffAnsiCodes(chars[i - 1].styles, char.styles));',
  ],
  [
    'ret += ansiCodesToString(diffAnsiCodes(char.styles, []));',
    'if (char.styles.length) ret += ansiCodesToString(diffAnsiCodes(char.styles, []));',
  ],
];
let styleDiffsSkipped = false;
const unchangedStylesFirst = {
  name: 'unchanged-styles-first',
  setup(build) {
    build.onLoad({ filter: STYLED_CHARS }, (args) => {
      const source = replaceEachOnce(args.path, readFileSync(args.path, 'utf8'), STYLE_DIFFS);
      styleDiffsSkipped = true;
      const unchanged = `import { unchangedStyles as __cvdUnchangedStyles } from ${JSON.stringify(UNCHANGED_STYLES_MODULE)};`;
      return { contents: `${unchanged}\n${source}`, loader: 'js' };
    });
  },
};

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
  // React's production build only (bin/cvd-tui.js says why): its development builds, otherwise
  // bundled beside it and chosen at run time, doubled the code Node compiles before the first frame.
  define: { 'process.env.NODE_ENV': '"production"' },
  metafile: true,
  logLevel: 'warning',
  plugins: [yogaWithoutFetch, graphemeSegmenter, emojiPrefilter, unchangedStylesFirst],
});
if (!yogaLoaderSeen)
  throw new Error(`bundle: yoga-layout's loader (${YOGA_LOADER}) was not bundled`);
if (!rgiTestsPatched) throw new Error("bundle: string-width's RGI emoji test was not found");
if (!styleDiffsSkipped)
  throw new Error("bundle: ansi-tokenize's styledCharsToString was not found");
if (segmentersSwapped < 4)
  throw new Error(`bundle: ${segmentersSwapped} of the 4 grapheme Intl.Segmenters were swapped`);
const segmenters = Object.keys(result.metafile.outputs).reduce(
  (count, file) => count + (readFileSync(file, 'utf8').split('new Intl.Segmenter(').length - 1),
  0,
);
if (segmenters !== 1)
  throw new Error(
    `bundle: ${segmenters} Intl.Segmenters in dist/bundle, expected GraphemeSegmenter's one`,
  );
// What each chunk holds, to see what a command loads: CVD_BUNDLE_META=meta.json npm run build.
if (process.env.CVD_BUNDLE_META)
  writeFileSync(process.env.CVD_BUNDLE_META, JSON.stringify(result.metafile));
