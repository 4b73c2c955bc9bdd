/**
 * The request line (RFC 9112 3): method SP request-target SP HTTP-version. A method Node's parser
 * does not know is 501, a version other than 1.x is 505, a higher 1.x is served as 1.1; what
 * cannot begin a request line is refused as soon as it arrives.
 */
import { http } from './node-http.js';
import { TCHAR, TOKEN } from './grammar.js';
import { HttpError } from './http-error.js';
import type { Limits } from './request.js';

/** What can begin a request line: a method (or part of one), then a space. */
const REQUEST_LINE_START = new RegExp(`^${TCHAR}*( |$)`);
/** What a request line may hold: visible ASCII and spaces. */
const REQUEST_LINE_BYTE = /^[\x21-\x7e ]*$/;

/** A request line, broken down into its components. */
export interface RequestLine {
  /** 'GET' */
  method: string;
  /** The request target as sent: '/hello%20world?x=1' */
  target: string;
  /** 'HTTP/1.0' or 'HTTP/1.1' (a higher HTTP/1.x is served as 1.1) */
  version: string;
}

/** What has arrived of the request line can still be one: no bytes a request line cannot hold, not too long. */
export function checkRequestLineSoFar(data: Buffer, limits: Limits): void {
  const lf = data.indexOf(0x0a);
  const line = data.toString('latin1', 0, Math.min(lf === -1 ? data.length : lf, limits.maxRequestLineBytes + 1));
  const withoutCr = lf !== -1 && line.endsWith('\r') ? line.slice(0, -1) : line;
  if (!REQUEST_LINE_BYTE.test(withoutCr) || !REQUEST_LINE_START.test(withoutCr)) {
    throw new HttpError(400, `this is not an HTTP request: ${JSON.stringify(withoutCr.slice(0, 40))}`);
  }
  if (withoutCr.length > limits.maxRequestLineBytes) {
    throw new HttpError(414, `the request line is longer than ${limits.maxRequestLineBytes} bytes`);
  }
}

/** The method the bytes of a request line begin with, once a space follows it ('HEAD /x HTT...' -> 'HEAD'). */
export function methodSoFar(data: Buffer): string | undefined {
  return new RegExp(`^(${TCHAR}+) `).exec(data.toString('latin1', 0, 32))?.[1];
}

/** The request line (without its line ending), checked and broken down into its components. */
export function parseRequestLine(requestLine: string): RequestLine {
  const m = /^([^ ]+) ([^ ]+) (HTTP\/(\d)\.(\d))$/.exec(requestLine);
  if (m === null) throw new HttpError(400, `malformed request line: ${JSON.stringify(requestLine.slice(0, 200))}`);
  const [, method, target, sentVersion, major, minor] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (!TOKEN.test(method)) throw new HttpError(400, `malformed method: ${JSON.stringify(method.slice(0, 200))}`);
  // RFC 9110 9.1: a method the server does not know is 501 (the methods Node's parser knows, llhttp's list)
  if (!http.METHODS.includes(method))
    throw new HttpError(501, `method ${JSON.stringify(method.slice(0, 100))} is not implemented`);
  if (major !== '1') throw new HttpError(505, `${sentVersion} is not supported`);
  const version = minor === '0' ? 'HTTP/1.0' : 'HTTP/1.1'; // HTTP/1.2 and up: served as 1.1 (RFC 9110 6.2)
  return { method, target, version };
}
