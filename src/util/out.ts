import { inertOut } from './text.js';

/** Where commands print: stdout and stderr, every write made inert and its lines cut (util/text). */
export const out = inertOut(process.stdout);
export const err = inertOut(process.stderr);
