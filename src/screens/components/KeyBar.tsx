import { Text } from './Text.js';
import { activeBindings, bindingKeys, type Binding } from '../app/bindings.js';
import { color } from './theme.js';

/**
 * Joins the screen's bindings as `Enter run 2.3 · A phase …`, falling back,
 * to fit `width`, to short labels, tighter spacing, without the optional
 * ones, then keys only. Disabled and help-only bindings are left out.
 */
export function keyBarText(bindings: readonly Binding[], width: number): string {
  const shown = activeBindings(bindings).filter((b) => b.show !== 'help');
  const full = (b: Binding) => `${bindingKeys(b)} ${b.label}`;
  const short = (b: Binding) => `${bindingKeys(b)} ${b.short ?? b.label}`;
  const forms = [
    shown.map(full).join(' · '),
    shown.map(short).join(' · '),
    shown.map(short).join('  '),
    shown
      .filter((b) => b.show !== 'optional')
      .map(short)
      .join('  '),
  ];
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
