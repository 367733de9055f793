#!/usr/bin/env node
import module from 'node:module';
import v8 from 'node:v8';

// Before anything loads React: its development build checks more and records a
// performance measure per render, a slow leak over a long deployment.
process.env.NODE_ENV ??= 'production';
// The young generation keeps its first size (1 MB semi-spaces) instead of doubling up to 16 MB
// under a flood of step output: ~30 MB less peak RSS (bench row 15.6) for more frequent, shorter
// scavenges. V8 reads this flag whenever it would grow the space, so setting it here takes effect.
v8.setFlagsFromString('--semi-space-growth-factor=1');
// Node 22.1+ keeps compiled code between runs; Node 20 has no such cache and goes without.
module.enableCompileCache?.();
// `npm run build` bundles the CLI into dist/bundle/ (scripts/bundle.js): a few files to load, not a thousand.
const { main } = await import('../dist/bundle/cvd-tui.js');

process.exitCode = await main(process.argv.slice(2));
