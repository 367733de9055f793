import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

/** Both of V8's semi-spaces together: 8 MB each, where V8 would grow them to 16. */
const YOUNG_GENERATION_CAP = 16 * 1024 * 1024;

/**
 * Keeps V8's heap near what it holds, for the TUI, which runs as long as a
 * deployment (issue 15: peak RSS in a 200,000-line flood). V8's defaults
 * favour throughput: its young generation grows to 32 MB, and its old one
 * to up to 4x what the last full collection kept, so a flood's promoted
 * garbage piled up to ~50 MB before it was collected. Both flags below are
 * read by V8 as it runs; the semi-spaces' maximum is read only from Node's
 * command line, so their growth is stopped once a collection has grown
 * them to the cap.
 */
export function keepHeapSmall(): void {
  // The old generation may grow 20 % past what the last full collection kept.
  v8.setFlagsFromString('--heap-growing-percent=20');
  const observer = new PerformanceObserver(() => {
    const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    if (!young || young.space_size < YOUNG_GENERATION_CAP) return;
    v8.setFlagsFromString('--semi-space-growth-factor=1');
    observer.disconnect();
  });
  observer.observe({ entryTypes: ['gc'] });
}
