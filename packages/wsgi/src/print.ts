/** The servers' print of what went over the wire, a la 'curl -v', as the Python's print(''.join(...)) does. */

/**
 * Python's str.splitlines(): the lines without their endings, no empty last line for a final
 * line break.
 */
export function splitlines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** How much of a body the print shows. */
export const SHOWN_BODY_BYTES = 4096;

/**
 * A message formatted a la 'curl -v': each line prefixed ('< ' for the request, '> ' for the
 * response). The head is shown whole, the body's first SHOWN_BODY_BYTES; the rest is counted.
 */
export function curlLines(prefix: string, head: string, body: Buffer = Buffer.alloc(0)): string {
  const shown = body.subarray(0, SHOWN_BODY_BYTES);
  let text = splitlines(Buffer.from(head, 'latin1').toString('utf8') + shown.toString('utf8'))
    .map((line) => `${prefix}${line}\n`)
    .join('');
  if (body.length > shown.length) text += `${prefix}[... ${body.length - shown.length} more bytes]\n`;
  return text;
}
