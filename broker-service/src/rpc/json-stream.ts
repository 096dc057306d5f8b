/**
 * Splits a TCP byte stream into JSON texts. JSON-RPC over TCP has no standard framing:
 * some servers end each message with a newline, jayson's TCP server writes the values
 * back to back. Tracking brace depth (outside strings) handles both.
 */
export class JsonStreamSplitter {
  private buffer = '';
  private scanned = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;

  constructor(private readonly maxMessageChars = 1024 * 1024) {}

  /** Adds a chunk and returns the complete JSON texts it finished, in order. */
  push(chunk: string): string[] {
    this.buffer += chunk;
    const complete: string[] = [];
    let start = 0;
    for (let i = this.scanned; i < this.buffer.length; i++) {
      const char = this.buffer[i];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (char === '\\') this.escaped = true;
        else if (char === '"') this.inString = false;
        continue;
      }
      if (this.depth === 0) {
        if (char === ' ' || char === '\n' || char === '\r' || char === '\t') {
          if (i === start) start = i + 1;
          continue;
        }
        if (char !== '{' && char !== '[') {
          throw new Error(`unexpected ${JSON.stringify(char)} between JSON-RPC messages`);
        }
      }
      if (char === '"') this.inString = true;
      else if (char === '{' || char === '[') this.depth++;
      else if (char === '}' || char === ']') {
        this.depth--;
        if (this.depth === 0) {
          complete.push(this.buffer.slice(start, i + 1));
          start = i + 1;
        }
      }
    }
    this.buffer = this.buffer.slice(start);
    this.scanned = this.buffer.length;
    if (this.buffer.length > this.maxMessageChars) {
      throw new Error(`JSON-RPC message longer than ${this.maxMessageChars} characters`);
    }
    return complete;
  }
}
