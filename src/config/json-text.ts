/**
 * Positions in a config's JSON text, for messages that point at a line and
 * column without quoting the file: JSON.parse's own messages quote its first
 * characters (a config symlinked to /etc/shadow printed a password hash).
 */

/** 1-based, as editors count. */
export interface TextPosition {
  line: number;
  column: number;
}

/** The first thing JSON.parse would refuse: where, and what, in words that quote nothing. */
export interface JsonSyntaxProblem {
  offset: number;
  problem: string;
}

/** Where a text stops being JSON, and where each object key starts (by dotted path, as ConfigError names keys). */
export interface JsonScan {
  error?: JsonSyntaxProblem;
  keys: Map<string, number>;
}

/** A UTF-8 BOM is a file-encoding mark some editors add, not content. */
export const withoutBom = (text: string): string =>
  text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;

export function positionOf(text: string, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** Nesting deeper than any config: beyond it the scan stops rather than overflow the stack. */
const MAX_DEPTH = 200;

class Stop {
  constructor(readonly at: JsonSyntaxProblem) {}
}

/** The grammar JSON.parse accepts (RFC 8259), walked by hand to know positions. */
class Scanner {
  private i = 0;
  readonly keys = new Map<string, number>();
  constructor(private readonly text: string) {}

  document(): void {
    this.value('', 0);
    this.space();
    if (this.i < this.text.length) this.fail('has more text after the JSON value ends');
  }

  private fail(problem: string, offset = this.i): never {
    throw new Stop({ offset, problem });
  }

  private space(): void {
    while (/[ \t\n\r]/.test(this.text.charAt(this.i))) this.i++;
  }

  private value(path: string, depth: number): void {
    this.space();
    const c = this.text.charAt(this.i);
    if (c === '') this.fail('ends where a value is expected');
    if (depth > MAX_DEPTH) this.fail(`nests more than ${MAX_DEPTH} levels deep`);
    if (c === '{') return this.object(path, depth);
    if (c === '[') return this.array(path, depth);
    if (c === '"') return void this.string();
    const literal = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;
    literal.lastIndex = this.i;
    if (!literal.test(this.text))
      this.fail('has a character that cannot start a value (strings need double quotes)');
    this.i = literal.lastIndex;
  }

  private object(path: string, depth: number): void {
    this.i++;
    this.space();
    if (this.text.charAt(this.i) === '}') return void this.i++;
    for (;;) {
      this.space();
      if (this.text.charAt(this.i) !== '"') this.fail('expects a key in double quotes');
      const start = this.i;
      const key = JSON.parse(this.text.slice(start, this.string())) as string;
      const dotted = path ? `${path}.${key}` : key;
      // JSON.parse keeps the last of duplicate keys: so does this.
      this.keys.set(dotted, start);
      this.space();
      if (this.text.charAt(this.i) !== ':') this.fail("expects ':' after a key");
      this.i++;
      this.value(dotted, depth + 1);
      if (this.after('}')) return;
    }
  }

  private array(path: string, depth: number): void {
    this.i++;
    this.space();
    if (this.text.charAt(this.i) === ']') return void this.i++;
    for (let index = 0; ; index++) {
      this.value(`${path}.${index}`, depth + 1);
      if (this.after(']')) return;
    }
  }

  /** After a member: true at the closing bracket, false after a comma. */
  private after(close: '}' | ']'): boolean {
    this.space();
    const c = this.text.charAt(this.i++);
    if (c === close) return true;
    if (c === ',') return false;
    return this.fail(
      c === '' ? `ends before its closing '${close}'` : `expects ',' or '${close}'`,
      this.i - 1,
    );
  }

  /** Skips a string; returns the offset just past its closing quote. */
  private string(): number {
    const start = this.i++;
    for (;;) {
      const code = this.text.charCodeAt(this.i);
      if (Number.isNaN(code)) this.fail('has a string that is never closed', start);
      if (code === 0x22) return ++this.i;
      if (code < 0x20)
        this.fail('has a control character inside a string (write it as \\n, \\t or \\u00XX)');
      if (code !== 0x5c) {
        this.i++;
        continue;
      }
      const escape = this.text.charAt(this.i + 1);
      if (escape === 'u' && /^[0-9A-Fa-f]{4}$/.test(this.text.slice(this.i + 2, this.i + 6)))
        this.i += 6;
      else if (escape !== '' && '"\\/bfnrt'.includes(escape)) this.i += 2;
      else this.fail('has an unknown escape in a string');
    }
  }
}

export function scanJson(text: string): JsonScan {
  const scanner = new Scanner(text);
  try {
    scanner.document();
    return { keys: scanner.keys };
  } catch (error) {
    if (error instanceof Stop) return { error: error.at, keys: scanner.keys };
    throw error;
  }
}
