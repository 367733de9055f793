import { describe, expect, it } from 'vitest';
import { errorMessage, isErrorNamed } from '../../src/util/error.js';

describe('errorMessage', () => {
  it("says an Error's message, and what a thrown non-Error is", () => {
    expect(errorMessage(new Error('disk full'))).toBe('disk full');
    expect(errorMessage('plain string')).toBe('plain string');
    expect(errorMessage(undefined)).toBe('undefined');
  });

  it('names an Error by its name only', () => {
    const timeout = new Error('slow');
    timeout.name = 'TimeoutError';
    expect(isErrorNamed(timeout, 'TimeoutError')).toBe(true);
    expect(isErrorNamed(new Error('x'), 'TimeoutError')).toBe(false);
    expect(isErrorNamed({ name: 'TimeoutError' }, 'TimeoutError')).toBe(false);
  });
});
