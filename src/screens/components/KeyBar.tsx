import { Text } from './Text.js';
import { activeBindings, bindingKeys, type Binding } from '../app/bindings.js';
import { color } from './theme.js';

/**
 * Joins the screen's bindings as `Enter run 2.3 · A phase …`, falling back,
 * to fit `width`, to short labels, tighter spacing, then leaving out the
 * optional ones one at a time from the end (`e export` before `Tab pane`),
 * then keys only. Disabled and help-only bindings are left out; `?` lists
 * every one.
 */
export function keyBarText(bindings: readonly Binding[], width: number): string {
  const shown = activeBindings(bindings).filter((b) => b.show !== 'help');
  const full = (b: Binding) => `${bindingKeys(b)} ${b.label}`;
  const short = (b: Binding) => `${bindingKeys(b)} ${b.short ?? b.label}`;
  const forms = [shown.map(full).join(' · '), shown.map(short).join(' · ')];
  for (let kept = shown; ;) {
    forms.push(kept.map(short).join('  '));
    const drop = kept.findLastIndex((b) => b.show === 'optional');
    if (drop < 0) break;
    kept = kept.filter((_, i) => i !== drop);
  }
  return forms.find((text) => text.length <= width) ?? shown.map(bindingKeys).join(' ');
}

/** The keys that act on the current screen, from its binding list; `?` lists them with their help. */
export function KeyBar({ bindings, width }: { bindings: readonly Binding[]; width: number }) {
  return (
    <Text color={color('muted')} wrap="truncate-end">
      {keyBarText(bindings, width)}
    </Text>
  );
}
