/** The pieces of HTTP's grammar (RFC 9110) and of RFC 3986 that the request and the response share. */
import { isIPv6 } from 'node:net';

/** A token's characters (RFC 9110 5.6.2), as regular expression source; a token: methods, header names. */
export const TCHAR = String.raw`[!#$%&'*+\-.^_${'`'}|~0-9A-Za-z]`;
export const TOKEN = new RegExp(`^${TCHAR}+$`);
/** A header value may not hold control characters but tab (CR and LF least of all). */
export const BAD_VALUE = /[\x00-\x08\x0a-\x1f\x7f]/;

/** reg-name, IPv4 or [IPv6] (RFC 3986), then an optional port up to 65535: 'localhost:8888', '[::1]', ''. */
export function isValidHost(host: string): boolean {
  const m = /^(\[[^\]]*\]|[A-Za-z0-9\-._~!$&'()*+,;=%]*)(?::(\d{0,5}))?$/.exec(host);
  if (m === null) return false;
  const [, name = '', port] = m;
  if (port !== undefined && port !== '' && Number(port) > 65535) return false;
  if (name.startsWith('[')) return isIPv6(name.slice(1, -1));
  if (/%(?![0-9A-Fa-f]{2})/.test(name)) return false;
  return name !== '' || host === '';
}
