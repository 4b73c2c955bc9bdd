/**
 * The request target (RFC 9112 3.2): origin-form (`/path?query`), absolute-form
 * (`http://host/path`, whose authority then stands for Host) or `*`; CONNECT's authority-form is
 * not implemented (501). A fragment and a userinfo are dropped, as llhttp does.
 */
import { isValidHost } from './grammar.js';
import { HttpError } from './http-error.js';

/** What a target says: the host it is for, the path (percent-decoded) and the query (as sent). */
export interface Target {
  /** The absolute-form target's authority, else the Host header's value ('' if none). */
  host: string;
  /** Percent-decoded, as latin1 text of the raw bytes (PEP 3333's PATH_INFO): '/hello world' */
  path: string;
  /** What follows '?', as sent: 'x=1' */
  query: string;
}

/** The target of a request with this method, checked; host is the Host header's value, already checked. */
export function parseTarget(method: string, target: string, host: string): Target {
  let pathAndQuery: string;
  const absolute = /^(https?):\/\/([^/?#]*)(.*)$/i.exec(target);
  if (method === 'CONNECT') throw new HttpError(501, 'CONNECT is not implemented');
  if (target.startsWith('/')) pathAndQuery = target;
  else if (absolute !== null) {
    // RFC 9112 3.2.2: the target's authority is the host; the Host header is ignored
    const authority = (absolute[2] ?? '').replace(/^[^@]*@/, ''); // userinfo: not the host, dropped as llhttp does
    if (authority === '' || !isValidHost(authority))
      throw new HttpError(400, `invalid authority in the request target: ${JSON.stringify(target.slice(0, 200))}`);
    host = authority;
    pathAndQuery = absolute[3] || '/';
    if (!pathAndQuery.startsWith('/') && !pathAndQuery.startsWith('?'))
      throw new HttpError(400, 'malformed request target');
    if (pathAndQuery.startsWith('?')) pathAndQuery = `/${pathAndQuery}`;
  } else if (target === '*')
    pathAndQuery = '*'; // asterisk-form: OPTIONS *, and M-SEARCH * (SSDP)
  else throw new HttpError(400, `malformed request target: ${JSON.stringify(target.slice(0, 200))}`);
  if (/[\x00-\x20\x7f-\xff]/.test(pathAndQuery)) throw new HttpError(400, 'malformed request target');
  pathAndQuery = pathAndQuery.replace(/#.*$/, ''); // a fragment is the client's business: dropped, as llhttp does
  const question = pathAndQuery.indexOf('?');
  const rawPath = question === -1 ? pathAndQuery : pathAndQuery.slice(0, question);
  const query = question === -1 ? '' : pathAndQuery.slice(question + 1);
  return { host, path: percentDecode(rawPath), query };
}

/** %XX -> the byte XX, as latin1 text (PEP 3333's PATH_INFO); a stray % stays as it is. */
function percentDecode(path: string): string {
  return path.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
