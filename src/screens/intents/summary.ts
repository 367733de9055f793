import {
  POST_ITEMS,
  POST_TICKED,
  POST_UNTICKED,
  postDetail,
  postTicksFrom,
} from '../../steps/post-checklist.js';
import type { TuiCore } from '../app/core.js';

/** `Space` on the summary: ticks a Documentation Updates or Communication item, as an event the export lists. */
export function togglePostItem(core: TuiCore, itemId: string): void {
  const runner = core.runner;
  const item = POST_ITEMS.find((i) => i.id === itemId);
  if (!runner || !item) return;
  const { store, operator } = core.deps;
  const id = runner.deployment.id;
  const ticked = postTicksFrom(store.events(id))[itemId] ?? false;
  store.event(id, ticked ? POST_UNTICKED : POST_TICKED, operator, postDetail(item));
  core.sync();
}
