/**
 * Ink and the screens, as one import: run.tsx loads them together, and one
 * dynamic import (rather than three) lets the bundle put what they share in
 * fewer chunks, each a file Node must resolve, read and link before the first frame.
 */
export { render } from 'ink';
export { App } from './App.js';
export { TuiProvider } from './context.js';
