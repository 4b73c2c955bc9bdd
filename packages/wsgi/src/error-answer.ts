/**
 * What goes wrong while a request is served, as an answer: 4xx for a bad request (HttpError),
 * 500 for an application that failed (its error goes to wsgi.errors), none for a client that
 * went away or did not take its response in time (one line on stderr).
 */
import { OSError, TimeoutError } from '@lsbaws/posix';
import { HttpError, statusLine } from './http-error.js';
import type { HttpRequest } from './request.js';
import { ErrorStream } from './streams.js';

/** The status and message an error earns, said on stderr; null when there is no one to answer. */
export function errorAnswer(
  e: unknown,
  client: string,
  request: HttpRequest | null,
  responseTimeoutMs: number,
): [status: string, message: string] | null {
  if (e instanceof OSError && (e.syscall === 'send' || e.syscall === 'recv')) {
    const why = e instanceof TimeoutError ? `did not take the response within ${responseTimeoutMs / 1000} s` : '';
    console.error(`Client ${client} went away: ${why || e.message}`);
    return null;
  }
  if (e instanceof HttpError) {
    console.error(`Bad request from ${client}: ${e.statusLine}: ${e.message}`);
    return [e.statusLine, e.message];
  }
  const what = request === null ? '' : `${request.method} ${request.target} from `;
  new ErrorStream(process.stderr).write(
    `Error in the application (${what}${client}):\n${e instanceof Error ? e.stack : String(e)}\n`,
  );
  return [statusLine(500), 'A server error occurred.  Please contact the administrator.'];
}
