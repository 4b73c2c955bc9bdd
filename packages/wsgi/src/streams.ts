/** The streams of the environ: wsgi.input (the request body) and wsgi.errors (stderr). */
import type { WsgiErrors, WsgiInput } from './wsgi.js';

/** wsgi.input: the request body, read like Python's io.BytesIO (read, readline, readlines, iteration). */
export class InputStream implements WsgiInput {
  private position = 0;

  constructor(private readonly data: Buffer) {}

  /** Up to size bytes (all that is left when size is omitted or negative); empty at the end. */
  read(size = -1): Buffer {
    const end = size < 0 ? this.data.length : Math.min(this.data.length, this.position + size);
    const chunk = this.data.subarray(this.position, end);
    this.position = end;
    return chunk;
  }

  /** One line, with its '\n', or up to size bytes of it; empty at the end. */
  readline(size = -1): Buffer {
    const newline = this.data.indexOf(0x0a, this.position);
    let end = newline === -1 ? this.data.length : newline + 1;
    if (size >= 0) end = Math.min(end, this.position + size);
    const line = this.data.subarray(this.position, end);
    this.position = end;
    return line;
  }

  /** The remaining lines (stops after the line that reaches hint bytes, if hint is given). */
  readlines(hint = -1): Buffer[] {
    const lines: Buffer[] = [];
    let total = 0;
    for (let line = this.readline(); line.length > 0; line = this.readline()) {
      lines.push(line);
      total += line.length;
      if (hint > 0 && total >= hint) break;
    }
    return lines;
  }

  *[Symbol.iterator](): Iterator<Buffer> {
    for (let line = this.readline(); line.length > 0; line = this.readline()) yield line;
  }
}

/** wsgi.errors: a text stream for errors, like Python's sys.stderr (write, writelines, flush). */
export class ErrorStream implements WsgiErrors {
  constructor(private readonly out: NodeJS.WritableStream = process.stderr) {}

  write(text: string): void {
    this.out.write(text);
  }

  writelines(lines: Iterable<string>): void {
    for (const line of lines) this.write(line);
  }

  /** process.stderr writes synchronously to files and pipes: nothing is held back. */
  flush(): void {}
}
