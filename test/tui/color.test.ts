import { describe, expect, it } from 'vitest';

// chalk decides its color level when it is first imported: force color before Ink loads.
process.env.FORCE_COLOR = '1';
const { phaseState, renderState } = await import('./fixture.js');

/** SGR codes that set a foreground color (30–37, 90–97) or a 256/truecolor one. */
// eslint-disable-next-line no-control-regex -- ANSI escape sequences start with a control character
const COLOR = /\u001b\[(3[0-8]|9[0-7])[;m]/;

describe('NO_COLOR', () => {
  it('colors by meaning by default, and not at all under NO_COLOR, with the same text', async () => {
    delete process.env.NO_COLOR;
    const colored = phaseState();
    const a = await renderState(colored.core, colored.state, { columns: 100, rows: 30 });
    await a.waitFor('Logs');
    expect(a.rawFrame()).toMatch(COLOR);
    const text = a.frame();
    await a.unmount();
    colored.dispose();

    process.env.NO_COLOR = '1';
    try {
      const plain = phaseState();
      const b = await renderState(plain.core, plain.state, { columns: 100, rows: 30 });
      await b.waitFor('Logs');
      expect(b.rawFrame()).not.toMatch(COLOR);
      // Meaning survives without color: icons, the `!` of a breached limit, the heavy border of the focused pane.
      expect(b.frame()).toContain('83%!');
      expect(b.frame()).toContain('┏━ Logs');
      // Same text, clocks aside (the running step's time, the probe's time of day).
      const noClock = (f: string) => f.replace(/\d+(\.\d)?s\b|\d\d:\d\d:\d\d/g, '');
      expect(noClock(b.frame())).toBe(noClock(text));
      await b.unmount();
      plain.dispose();
    } finally {
      delete process.env.NO_COLOR;
    }
  });
});
