/**
 * Where RFC 9110 and RFC 9112 leave a server a choice and webserver3h chose otherwise than Node's
 * http server: each difference the fuzzer may meet that is not a bug, as one named rule (what,
 * why, the RFC's section), in this one table. A Finding no rule explains is an unexplained
 * disagreement: a bug until shown otherwise. A rule is narrow: it names the finding's kind and
 * checks the request, llhttp's own error or webserver3h's stated reason, never "any 4xx".
 *
 * Node's http server, as the fuzzer runs it, parses with llhttp and no lenient flag (no
 * `insecureHTTPParser` option, no --insecure-http-parser), and answers 400 to an HTTP/1.1 request
 * without Host (`requireHostHeader`'s default) and 417 to an Expect it does not know.
 */
import type { Finding, Judged } from './compare.js';

export interface Rule {
  name: string;
  what: string;
  why: string;
  rfc: string;
  /** Whether the rule explains finding (its kind without 'second-'), judged being the request it is about. */
  explains(kind: string, judged: Judged, finding: Finding): boolean;
}

/** The request line: the first line after blank ones, without its line end. */
function requestLine(request: Buffer): string {
  return /^(?:\r?\n)*([^\n]*?)\r?(?:\n|$)/.exec(request.toString('latin1', 0, 16 * 1024))?.[1] ?? '';
}

/** The head: up to the first empty line (after the blank lines before the request line). */
function head(request: Buffer): string {
  const text = request.toString('latin1').replace(/^(?:\r?\n)+/, '');
  const end = /\r?\n\r?\n/.exec(text);
  return end === null ? text : text.slice(0, end.index);
}

const rejectedFor = (kind: string, judged: Judged, reason: RegExp): boolean =>
  kind === 'rejected' && reason.test(judged.oursReason);

export const RULES: Rule[] = [
  {
    name: 'host-checked',
    what: "webserver3h answers 400 to a Host that is missing, repeated or not a host, which Node's http serves",
    why: "a server MUST; llhttp is a parser, and Node's http checks only that an HTTP/1.1 request has one",
    rfc: 'RFC 9112 3.2',
    explains: (kind, judged) =>
      rejectedFor(kind, judged, /needs exactly one Host header|^invalid Host|^invalid authority in the request target/),
  },
  {
    name: 'only-http-1',
    what:
      'webserver3h refuses a version other than HTTP/1.x (HTTP/0.9 without a version, HTTP/2.0 in ' +
      'HTTP/1 syntax), which llhttp takes',
    why: 'a WSGI server speaks HTTP/1.0 and 1.1; 505 for a major version it does not support',
    rfc: 'RFC 9110 15.6.6, RFC 9112 2.3',
    explains: (kind, judged) =>
      kind === 'rejected' &&
      judged.llhttp.messages[0] !== undefined &&
      !judged.llhttp.messages[0].version.startsWith('HTTP/1.'),
  },
  {
    name: 'higher-minor-version',
    what: 'webserver3h serves HTTP/1.2 to 1.9 as HTTP/1.1; llhttp rejects the version',
    why: 'a recipient SHOULD process a higher minor version as the highest it implements',
    rfc: 'RFC 9110 2.5',
    explains: (kind, judged) =>
      kind === 'served' &&
      / HTTP\/1\.[2-9]$/.test(requestLine(judged.request)) &&
      judged.llhttp.error?.code === 'HPE_INVALID_VERSION',
  },
  {
    name: 'bare-lf-lines',
    what:
      'webserver3h serves a head whose every line ends with a bare LF (as client3 sends); llhttp ' +
      'without lenient flags wants CRLF',
    why: 'a recipient MAY take a single LF as a line end; webserver3h does only when no line of the head has a CR',
    rfc: 'RFC 9112 2.2',
    explains: (kind, judged) =>
      kind === 'served' && !head(judged.request).includes('\r') && /\bCR/.test(judged.llhttp.error?.reason ?? ''),
  },
  {
    name: 'identical-content-lengths',
    what:
      'webserver3h takes Content-Length given more than once with one value ("5, 5", or two fields of ' +
      '5) as that value; llhttp rejects it',
    why: 'a recipient MAY replace a list of identical values by the one value (CONTENT_LENGTH is checked to be it)',
    rfc: 'RFC 9110 8.6',
    explains: (kind, judged) => {
      if (kind !== 'served' || !/Content-Length/i.test(judged.llhttp.error?.reason ?? '')) return false;
      const values = [...head(judged.request).matchAll(/^content-length:(.*)$/gim)].flatMap((m) =>
        (m[1] ?? '').split(',').map((v) => v.trim()),
      );
      return values.length > 1 && values.every((v) => /^\d+$/.test(v) && Number(v) === Number(values[0]));
    },
  },
  {
    name: 'unknown-expectation',
    what: "Node's http answers 417 to an Expect other than 100-continue; webserver3h ignores it and serves",
    why: 'a server MAY answer 417 to an expectation it does not know',
    rfc: 'RFC 9110 10.1.1',
    explains: (kind, judged) =>
      kind === 'served' && judged.node?.status === 417 && /^expect:/im.test(head(judged.request)),
  },
  {
    name: 'request-line-whitespace',
    what:
      'webserver3h answers 400 to a request line whose parts are not separated by exactly one SP; ' +
      'llhttp skips extra spaces',
    why: 'the grammar is one SP; a recipient SHOULD answer an invalid request line with 400 (MAY parse on whitespace)',
    rfc: 'RFC 9112 3',
    explains: (kind, judged) =>
      rejectedFor(kind, judged, /^malformed request line/) &&
      /^\S+[ \t]+\S+[ \t]+HTTP\/\d\.\d$/.test(requestLine(judged.request)) &&
      !/^[^ \t]+ [^ \t]+ HTTP\/\d\.\d$/.test(requestLine(judged.request)),
  },
  {
    name: 'absolute-form-scheme',
    what:
      'webserver3h answers 400 to an absolute-form target whose scheme is not http or https; llhttp ' +
      'takes any scheme',
    why: 'an origin server serves http and https URIs only; another scheme names a resource it is not the server of',
    rfc: 'RFC 9112 3.2.2, RFC 9110 4.2 and 7.4',
    explains: (kind, judged) => {
      const target = requestLine(judged.request).split(' ')[1] ?? '';
      return (
        rejectedFor(kind, judged, /^malformed request target/) &&
        /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(target) &&
        !/^https?:\/\//i.test(target)
      );
    },
  },
  {
    name: 'request-target-form',
    what: 'webserver3h answers 400 to a target in none of the four forms ("*;", "x"); llhttp takes such bytes as a URL',
    why: 'a request-target is origin-form (/...), absolute-form, authority-form (CONNECT) or exactly "*"',
    rfc: 'RFC 9112 3.2',
    explains: (kind, judged) => {
      const target = requestLine(judged.request).split(' ')[1] ?? '';
      return (
        rejectedFor(kind, judged, /^malformed request target/) &&
        !target.startsWith('/') &&
        !/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(target)
      );
    },
  },
  {
    name: 'transfer-coding-501',
    what: 'webserver3h answers 501 to a transfer coding other than chunked',
    why: 'a server SHOULD answer 501 to a transfer coding it does not understand',
    rfc: 'RFC 9112 6.1',
    explains: (kind, judged) => rejectedFor(kind, judged, /^transfer coding ".*" is not implemented$/),
  },
  {
    name: 'transfer-coding-syntax',
    what:
      'webserver3h answers 400 to a Transfer-Encoding whose codings are not bare tokens (parameters, "defl;ate"); ' +
      'llhttp looks only for chunked at the end',
    why:
      'a parameter is name=value, and chunked, the one coding served, has none: ' +
      'the field is invalid, or names a coding not served',
    rfc: 'RFC 9112 6.1 and 7, RFC 9110 5.5',
    explains: (kind, judged) => rejectedFor(kind, judged, /^malformed Transfer-Encoding: /),
  },
  {
    name: 'empty-transfer-encoding-field',
    what:
      'webserver3h ignores an empty Transfer-Encoding field beside one that ends in chunked, and reads the body ' +
      "chunked; llhttp answers 400 ('Empty Transfer-Encoding')",
    why: 'field lines of one name combine into one list, whose empty elements a recipient MUST ignore',
    rfc: 'RFC 9110 5.3 and 5.6.1',
    explains: (kind, judged) => {
      if (kind !== 'served' || judged.llhttp.error?.reason !== 'Empty Transfer-Encoding') return false;
      const values = [...head(judged.request).matchAll(/^transfer-encoding:(.*)$/gim)].map((m) => (m[1] ?? '').trim());
      const codings = values.flatMap((v) => v.split(',').map((c) => c.trim())).filter((c) => c !== '');
      return values.includes('') && codings.at(-1)?.toLowerCase() === 'chunked';
    },
  },
  {
    name: 'transfer-encoding-in-1.0',
    what: 'webserver3h answers 400 to Transfer-Encoding in an HTTP/1.0 request',
    why: 'a server MUST treat its framing as faulty',
    rfc: 'RFC 9112 6.1',
    explains: (kind, judged) => rejectedFor(kind, judged, /^Transfer-Encoding in an HTTP\/1\.0 request$/),
  },
  {
    name: 'limits',
    what:
      "webserver3h's limits differ from Node's: a request line over 8 KiB (414), a head over 64 KiB " +
      '(431), a body over 1 MiB (413), a chunk-size line over 1,024 bytes (400)',
    why: 'a server sets its own limits, and answers past them with these statuses',
    rfc: 'RFC 9112 3 and 7.1.1, RFC 9110 15.5.14, RFC 6585 5',
    explains: (kind, judged) => rejectedFor(kind, judged, /is longer than \d+ bytes$|is larger than \d+ bytes$/),
  },
  {
    name: 'bare-cr-before-request',
    what: 'webserver3h answers 400 to a bare CR before the request line; llhttp skips it',
    why: 'only empty lines (CRLF) before a request line are to be ignored; a bare CR elsewhere is invalid',
    rfc: 'RFC 9112 2.2',
    explains: (kind, judged) =>
      rejectedFor(kind, judged, /^this is not an HTTP request: "\\r/) &&
      /^(?:\r\n)*\r(?!\n)/.test(judged.request.toString('latin1', 0, 64)),
  },
  {
    name: 'chunk-extension-whitespace',
    what: 'webserver3h takes whitespace (BWS) around the ";" and "=" of a chunk extension; llhttp refuses it',
    why: 'the chunk-ext grammar has BWS there, which a recipient MUST parse and remove',
    rfc: 'RFC 9112 7.1.1, RFC 9110 5.6.3',
    explains: (kind, judged) => {
      if (kind !== 'served' || !/^Invalid character in chunk (size|extensions)/.test(judged.llhttp.error?.reason ?? ''))
        return false;
      const body = judged.request.toString('latin1').slice(head(judged.request).length);
      return /\n[0-9A-Fa-f]+(?:[ \t]*;[^\r\n]*)?(?:[ \t];|;[ \t]|[ \t]=|=[ \t])/.test(body);
    },
  },
  {
    name: 'chunk-extension-empty',
    what:
      'webserver3h refuses a chunk extension with no name ("a;;foo=bar") or "=" and no value ("a;foo=;bar"); ' +
      'llhttp takes them',
    why: 'chunk-ext-name is a token and chunk-ext-val a token or quoted-string, never empty: the line is malformed',
    rfc: 'RFC 9112 7.1.1, RFC 9110 5.6.2',
    explains: (kind, judged) =>
      rejectedFor(kind, judged, /^malformed chunk-size line: /) &&
      /=[ \t]*(?:;|"$)|;[ \t]*(?:;|=|"$)/.test(judged.oursReason.replace(/^malformed chunk-size line: /, '')),
  },
  {
    name: 'trailer-fields-dropped',
    what:
      "webserver3h reads and drops a chunked body's trailer section, Content-Length in it too; llhttp " +
      'rejects Content-Length there',
    why: 'a recipient MAY discard trailer fields; dropped, they frame nothing',
    rfc: 'RFC 9112 7.1.2, RFC 9110 6.5',
    explains: (kind, judged) =>
      kind === 'served' &&
      /Content-Length can't be present with Transfer-Encoding/.test(judged.llhttp.error?.reason ?? '') &&
      !/^content-length:/im.test(head(judged.request)),
  },
  {
    name: 'one-request-per-connection',
    what:
      "webserver3h serves the first message and closes (Connection: close) without reading on; Node's " +
      'http refuses the connection for bytes after a first message llhttp completed',
    why:
      'a server that sends Connection: close does not process later requests on the connection; the ' +
      'first message is still framed as llhttp frames it (checked)',
    rfc: 'RFC 9112 9.3, 9.6',
    explains: (kind) => kind === 'served-after-first',
  },
];

/** The rule that explains finding, or undefined. */
export function explain(finding: Finding, judged: Judged): Rule | undefined {
  const context = finding.context ?? judged;
  const kind = finding.kind.replace(/^second-/, '');
  return RULES.find((rule) => rule.explains(kind, context, finding));
}
