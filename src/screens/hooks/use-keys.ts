import { useCallback, useLayoutEffect, useRef } from 'react';
import { useInput, type Key } from 'ink';
import { actionOf, type KeyAction } from '../app/keys.js';

/** Every modifier and special key up: the base of a key built by hand. */
export const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

/** The key of one plain character, as Ink would report it alone. */
const keyOf = (c: string): Key => ({
  ...NO_KEY,
  return: c === '\r',
  tab: c === '\t',
  shift: c !== c.toLowerCase(),
});

/**
 * Ink hands a chunk of several characters to useInput as one "paste"; keys
 * typed fast (key repeat on `j`, a burst over a slow link) arrive that way
 * too. Outside text inputs a chunk of plain characters is a sequence of
 * keys, so it is split and each one mapped through the key map.
 */
export function keyActions(input: string, key: Key): KeyAction[] {
  const plain = input.length > 1 && !key.ctrl && !key.meta && !input.includes('\u001b');
  if (!plain) {
    const action = actionOf(input, key);
    return action ? [action] : [];
  }
  return [...input]
    .map((c) => actionOf(c, keyOf(c)))
    .filter((a): a is KeyAction => a !== undefined);
}

/**
 * useInput for command keys: the handler gets key-map actions, one per key;
 * inactive unless `isActive`. Ink re-subscribes a changed handler in an
 * effect, after the frame is drawn, so under load a key could reach the
 * previous render's handler and act on stale state (a second `?` re-opened
 * help it meant to close). The latest handler and flag are kept in a ref
 * updated in a layout effect, before any key can be read.
 */
export function useKeys(handler: (action: KeyAction) => void, isActive: boolean): void {
  const latest = useRef({ handler, isActive });
  useLayoutEffect(() => {
    latest.current = { handler, isActive };
  });
  const onInput = useCallback((input: string, key: Key) => {
    const current = latest.current;
    if (current.isActive) keyActions(input, key).forEach(current.handler);
  }, []);
  useInput(onInput, { isActive });
}
