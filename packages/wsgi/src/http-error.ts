/** What a client gets wrong: an HttpError, with the status it earns. */
import { http } from './node-http.js';

/** '404' -> '404 Not Found' */
export function statusLine(code: number): string {
  return `${code} ${http.STATUS_CODES[code] ?? 'Unknown'}`;
}

/** An error the client caused, answered with status (400, 408, 413, 414, 431, 501, 505...). */
export class HttpError extends Error {
  /** The request's method, when what arrived before the error names one: an answer to HEAD has no body. */
  method: string | undefined;

  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }

  /** '400 Bad Request' */
  get statusLine(): string {
    return statusLine(this.status);
  }
}
