/**
 * Lines joined with '\n' as they come, 1,000 at a time: a step's whole
 * output (a verdict reads it; the chain digests it) can be 200,000 lines.
 * Held one string per line until the end, they survived every
 * young-generation collection into the old one (measured in a flood:
 * ~12 MB of old space and arrays, and longer pauses while keys waited);
 * joined in parts, each line dies young and ~1.3 MB stays.
 */
export class JoinedLines {
  private parts: string[] = [];
  private lines: string[] = [];

  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length < 1000) return;
    this.parts.push(this.lines.join('\n'));
    this.lines = [];
  }

  /** As `lines.join('\n')` of every line pushed. */
  text(): string {
    return (this.lines.length ? [...this.parts, this.lines.join('\n')] : this.parts).join('\n');
  }
}
