import { Text } from './Text.js';
import { color, type Tone } from './theme.js';
import { windowStart } from '../hooks/use-cursor.js';

export interface MenuItem {
  key: string;
  label: string;
  /** Shown after the label, muted. */
  note?: string;
  tone?: Tone;
}

export interface MenuProps {
  items: readonly MenuItem[];
  index: number;
  /** Rows available; a longer list scrolls with the cursor. */
  rows: number;
}

/** A vertical list with a `▸` cursor (visible without color), windowed to `rows`. */
export function Menu({ items, index, rows }: MenuProps) {
  const start = windowStart(index, items.length, rows);
  return (
    <>
      {items.slice(start, start + rows).map((item, i) => {
        const selected = start + i === index;
        return (
          <Text
            key={item.key}
            wrap="truncate-end"
            bold={selected}
            color={item.tone ? color(item.tone) : selected ? color('accent') : undefined}
          >
            {selected ? '▸ ' : '  '}
            {item.label}
            {item.note ? <Text color={color('muted')}> {item.note}</Text> : null}
          </Text>
        );
      })}
    </>
  );
}
