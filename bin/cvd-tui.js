#!/usr/bin/env node
import module from 'node:module';

// Before anything loads React: its development build checks more and records a
// performance measure per render, a slow leak over a long deployment.
process.env.NODE_ENV ??= 'production';
// Node 22.1+ keeps compiled code between runs; Node 20 has no such cache and goes without.
module.enableCompileCache?.();
// `npm run build` bundles the CLI into dist/bundle/ (scripts/bundle.js): a few files to load, not a thousand.
const { main } = await import('../dist/bundle/cvd-tui.js');

process.exitCode = await main(process.argv.slice(2));
