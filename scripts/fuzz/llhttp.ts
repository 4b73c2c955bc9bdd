/**
 * llhttp as Node's http server runs it (the same parser binding, no lenient flags, Node's default
 * header size limit), fed one byte at a time so that the offset where each message ends is known:
 * where webserver3h must end the same message. Needs `node --expose-internals` (`pnpm fuzz` runs so):
 * Node gives its parser to JavaScript only through its internal test binding.
 */
import { createRequire } from 'node:module';

interface Parser {
  initialize(type: number, resource: object, maxHeaderSize: number, lenient: number): void;
  execute(data: Buffer): number | (Error & { code: string; reason: string });
  finish(): number | (Error & { code: string; reason: string }) | undefined;
  [callback: number]: unknown;
}
interface Binding {
  HTTPParser: {
    new (): Parser;
    REQUEST: number;
    kLenientNone: number;
    kOnHeaders: number;
    kOnHeadersComplete: number;
    kOnBody: number;
    kOnMessageComplete: number;
  };
  /** Every method llhttp knows, by its number (what Node's http reads a request's method from). */
  allMethods: string[];
}

let binding: Binding | undefined;
function load(): Binding {
  if (binding !== undefined) return binding;
  const require = createRequire(import.meta.url);
  try {
    const { internalBinding } = require('internal/test/binding') as { internalBinding: (name: string) => Binding };
    binding = internalBinding('http_parser');
  } catch (e) {
    throw new Error(`llhttp's binding needs node --expose-internals (${(e as Error).message})`);
  }
  return binding;
}

export interface Message {
  method: string;
  /** The request target as llhttp gives it. */
  url: string;
  /** The header lines, [name, value, name, value...]. */
  headers: string[];
  body: Buffer;
  /** 'HTTP/1.1' */
  version: string;
  /** The offset just past the message's last byte. */
  end: number;
  upgrade: boolean;
}

/** A header's last value in message, or undefined. */
export function header(message: Message, name: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i + 1 < message.headers.length; i += 2)
    if (message.headers[i]?.toLowerCase() === name) value = message.headers[i + 1];
  return value;
}

export interface Parsed {
  messages: Message[];
  /** The error that stopped llhttp, if one did: its code, reason, and the offset of the byte it failed on. */
  error: { code: string; reason: string; at: number } | null;
}

/** One parser, as Node's http server configures it, given bytes in one call: its messages (ends unknown) and error. */
function once(bytes: Buffer): { messages: Array<Omit<Message, 'end'>>; error: Parsed['error'] } {
  const { HTTPParser, allMethods } = load();
  const parser = new HTTPParser();
  parser.initialize(HTTPParser.REQUEST, {}, 0, HTTPParser.kLenientNone);
  const messages: Array<Omit<Message, 'end'>> = [];
  let current: Omit<Message, 'end'> | null = null;
  let flushed: string[] = []; // more than 32 header lines come in parts before the last
  parser[HTTPParser.kOnHeaders] = (headers: string[]): void => {
    flushed = [...flushed, ...headers];
  };
  parser[HTTPParser.kOnHeadersComplete] = (
    major: number,
    minor: number,
    headers: string[] | undefined,
    method: number,
    url: string,
    _status: number,
    _message: string,
    upgrade: boolean,
  ): number => {
    const all = [...flushed, ...(headers ?? [])];
    flushed = [];
    current = {
      method: allMethods[method] ?? String(method),
      url,
      headers: all,
      body: Buffer.alloc(0),
      version: `HTTP/${major}.${minor}`,
      upgrade,
    };
    return 0;
  };
  parser[HTTPParser.kOnBody] = (chunk: Buffer): void => {
    if (current !== null) current.body = Buffer.concat([current.body, chunk]);
  };
  parser[HTTPParser.kOnMessageComplete] = (): void => {
    if (current !== null) messages.push(current);
    current = null;
  };
  const result = parser.execute(bytes);
  // after an upgrade the connection is another protocol's: llhttp pauses, which is no error
  if (!(result instanceof Error) || result.code === 'HPE_PAUSED_UPGRADE') return { messages, error: null };
  const at = (result as unknown as { bytesParsed?: number }).bytesParsed ?? 0;
  return { messages, error: { code: result.code, reason: result.reason, at } };
}

/**
 * How llhttp, as Node's http server configures it, reads bytes (latin1): its messages, each with
 * the offset just past it (the shortest prefix in which llhttp completes it: a binary search), and its error if any.
 */
export function parse(bytes: Buffer): Parsed {
  const { messages, error } = once(bytes);
  let from = 0;
  const ended = messages.map((message, k) => {
    let [lo, hi] = [from, bytes.length]; // llhttp completes message k within bytes[0, hi) but not within bytes[0, lo)
    while (lo + 1 < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (once(bytes.subarray(0, mid)).messages.length > k) hi = mid;
      else lo = mid;
    }
    from = hi;
    return { ...message, end: hi };
  });
  return { messages: ended, error };
}
