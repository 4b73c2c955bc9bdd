/**
 * One case, sent to both servers and judged: what webserver3h did that Node's http server (llhttp)
 * did not. Each difference is a Finding; scripts/fuzz/rules.ts says which are explained.
 *
 * - Acceptance: a 2xx from one and not from the other.
 * - The echo: method, path, query, CONTENT_LENGTH, the body's length and digest, when both serve.
 * - Framing: where the first message ends. llhttp's end is known to the byte (scripts/fuzz/llhttp.ts);
 *   webserver3h must not serve the bytes before it (one byte short, half-closed), and must serve
 *   the bytes up to it alone the same way. Only where that is in question: a body, or bytes after.
 * - The second, pipelined, request: webserver3h answers one request per connection, so the bytes
 *   after llhttp's first message are sent again, to both, as a request of their own, and judged the same way.
 * - webserver3h does not reset a connection that Node's http closes (a reset can lose the answer).
 * - A HEAD request's answer carries no body, error answers included (RFC 9110 9.3.2).
 */
import { header, parse, type Parsed } from './llhttp.js';
import { echoFor, exchange, responses, type Echo, type Exchange, type Reasons, type Response } from './servers.js';

export interface Ports {
  ours: number;
  node: number;
  /** webserver3h's reason for refusing the connection from a client port. */
  reasons: Reasons;
}

export interface Finding {
  /**
   * 'served' (webserver3h 2xx, Node not), 'rejected' (the other way), 'served-after-first', 'echo',
   * 'content-length', 'framing-short', 'framing-end', 'head-body', 'reset', 'second-' and one of these
   */
  kind: string;
  /** What differed, in one line. */
  detail: string;
  /** For a finding about the second, pipelined, request: that request judged on its own. */
  context?: Judged;
}

/** What a rule looks at. */
export interface Judged {
  request: Buffer;
  llhttp: Parsed;
  node: Response | undefined;
  ours: Response | undefined;
  /** webserver3h's error answer's reason (the second line of its body), '' for none. */
  oursReason: string;
  findings: Finding[];
}

const ECHO_FIELDS = [
  'REQUEST_METHOD',
  'PATH_INFO',
  'QUERY_STRING',
  'CONTENT_LENGTH',
  'bodyLength',
  'bodySha256',
] as const;

const served = (r: Response | undefined): boolean => r !== undefined && r.status >= 200 && r.status < 300;
const statusOf = (r: Response | undefined, x: Exchange): string =>
  r !== undefined
    ? String(r.status)
    : x.timedOut
      ? 'no answer in time'
      : x.reset
        ? 'reset, no answer'
        : 'closed, no answer';

function echoOf(r: Response | undefined): Partial<Echo> {
  try {
    return JSON.parse(r?.body.toString('utf8') ?? '') as Partial<Echo>;
  } catch {
    return {};
  }
}

/** The fields in which two echoes differ, as 'FIELD ours≠node'. */
function echoDiff(ours: Response | undefined, node: Response | undefined): string[] {
  const [a, b] = [echoOf(ours), echoOf(node)];
  return ECHO_FIELDS.filter((f) => a[f] !== b[f]).map(
    (f) => `${f} ${JSON.stringify(a[f])} vs Node's ${JSON.stringify(b[f])}`,
  );
}

/** The method of the first request line in bytes, if a space follows it (for a request llhttp did not take). */
const firstMethod = (bytes: Buffer): string =>
  /^(?:\r?\n)*([^ \r\n]*) /.exec(bytes.toString('latin1', 0, 64))?.[1] ?? '';

/** One exchange with webserver3h: its first answer, the reason of an error, and bytes past a HEAD answer's head. */
async function ours(ports: Ports, bytes: Buffer, method: string, timeout: number) {
  const x = await exchange(ports.ours, bytes, timeout);
  const [first] = responses(x.data, [method]);
  const reason = first !== undefined && !served(first) ? await ports.reasons.of(x.localPort) : '';
  // the final answer's head: after any 100 Continue (an Expect: 100-continue request gets one first)
  let start = 0;
  while (/^HTTP\/1\.[01] 1\d\d /.test(x.data.toString('latin1', start, start + 13)))
    start = x.data.indexOf('\r\n\r\n', start) + 4;
  const headEnd = x.data.indexOf('\r\n\r\n', start);
  const extra = method === 'HEAD' && headEnd !== -1 ? x.data.length - headEnd - 4 : 0;
  return { x, first, reason, extra };
}

/** Sends request to both servers and finds where webserver3h differs from Node's http. */
export async function judge(request: Buffer, ports: Ports, timeout: number, depth = 0): Promise<Judged> {
  const llhttp = parse(request);
  const methods = llhttp.messages.map((m) => m.method);
  const method = methods[0] ?? firstMethod(request);
  const [nodeX, mine] = await Promise.all([
    exchange(ports.node, request, timeout),
    ours(ports, request, method, timeout),
  ]);
  const nodeAnswers = responses(nodeX.data, methods);
  const node = nodeAnswers[0];
  const findings: Finding[] = [];
  const add = (kind: string, detail: string): number => findings.push({ kind, detail });
  const judged: Judged = { request, llhttp, node, ours: mine.first, oursReason: mine.reason, findings };

  if (mine.x.reset && !nodeX.reset)
    add('reset', `webserver3h reset the connection (${statusOf(mine.first, mine.x)} before it)`);
  if (mine.extra > 0)
    add('head-body', `an answer to HEAD (${statusOf(mine.first, mine.x)}) carries ${mine.extra} bytes of body`);
  if (!served(mine.first)) {
    if (served(node))
      add(
        'rejected',
        `webserver3h ${statusOf(mine.first, mine.x)}${mine.reason ? ` (${mine.reason})` : ''}, ` +
          `Node's http ${node?.status}`,
      );
    return judged;
  }
  const ourEcho = echoOf(mine.first);
  const length = ourEcho.CONTENT_LENGTH ?? '';
  if (method !== 'HEAD' && length !== '' && !(/^\d+$/.test(length) && Number(length) === ourEcho.bodyLength))
    add(
      'content-length',
      `CONTENT_LENGTH ${JSON.stringify(ourEcho.CONTENT_LENGTH)} for a body of ${ourEcho.bodyLength} bytes`,
    );
  const first = llhttp.messages[0];
  // what webserver3h's answer must echo: Node's, or where Node's http refused the connection for
  // what came after a first message llhttp completed, that message as llhttp read it
  let reference = node;
  if (!served(node)) {
    // llhttp's error came after the first message, or a CONNECT or upgrade did (which Node's http,
    // with no listener for it, answers by closing): Node's http refused the connection, not that message
    const upgrade = llhttp.messages.slice(1).some((m) => m.upgrade);
    const later = first !== undefined && ((llhttp.error !== null && llhttp.error.at >= first.end) || upgrade);
    if (!later) {
      add('served', `webserver3h ${mine.first?.status}, Node's http ${statusOf(node, nodeX)}`);
      return judged;
    }
    add(
      'served-after-first',
      `webserver3h ${mine.first?.status} for the first message, Node's http ${statusOf(node, nodeX)} ` +
        `for the connection (${upgrade ? 'a later CONNECT or upgrade' : `llhttp: ${llhttp.error?.reason}`})`,
    );
    const te = header(first, 'transfer-encoding');
    const echo = echoFor(first.method, first.url, header(first, 'content-length'), te !== undefined, first.body);
    reference = { status: 200, headers: [], body: Buffer.from(JSON.stringify(echo), 'utf8') };
  }
  // an answer to HEAD has no body, so no echo: for HEAD only the statuses are compared
  if (method !== 'HEAD') for (const d of echoDiff(mine.first, reference)) add('echo', d);
  if (first === undefined) {
    add(
      'oracle',
      `Node's http served, but llhttp fed byte by byte completed no message (${llhttp.error?.reason ?? ''})`,
    );
    return judged;
  }
  const head = request.toString('latin1', 0, first.end);
  const tail = first.end < request.length;
  if (tail || first.body.length > 0 || /transfer-encoding/i.test(head)) {
    const short = await ours(ports, request.subarray(0, first.end - 1), method, timeout);
    if (served(short.first)) add('framing-short', `served one byte before llhttp's end of the message (${first.end})`);
    if (tail) {
      const exact = await ours(ports, request.subarray(0, first.end), method, timeout);
      if (!served(exact.first))
        add(
          'framing-end',
          `not served at llhttp's end of the message (${first.end}): ${statusOf(exact.first, exact.x)} ${exact.reason}`,
        );
      else if (method !== 'HEAD')
        for (const d of echoDiff(exact.first, reference)) add('framing-end', `up to llhttp's end: ${d}`);
    }
  }
  // the pipelined request: the bytes after llhttp's first message, judged as a request of their own
  if (depth === 0 && llhttp.messages[1] !== undefined) {
    const context = await judge(request.subarray(first.end), ports, timeout, 1);
    for (const f of context.findings)
      findings.push({ kind: `second-${f.kind}`, detail: `the pipelined request alone: ${f.detail}`, context });
  }
  return judged;
}
