#!/usr/bin/env node
// Before anything loads React: its development build checks more and records a
// performance measure per render, a slow leak over a long deployment.
process.env.NODE_ENV ??= 'production';
const { main } = await import('../dist/cli/main.js');

process.exitCode = await main(process.argv.slice(2));
