/**
 * Derives test/conformance/llhttp-requests.json from a checkout of llhttp (Node's HTTP parser,
 * MIT licence): each request of its test corpus (test/request/*.md, the strict "request" cases),
 * with the verdict its log gives: 'accept' (a message completes before any error) or 'reject' (an
 * error comes first). Left out: cases that neither complete nor fail (the parser waits for more); CONNECT,
 * which opens a tunnel, where an origin server has no 2xx to give; and the other protocols llhttp parses in
 * request mode (RTSP, ICE, HTTP/0.9's request line without a version) where it accepts them: not HTTP/1.x.
 * The bytes are made from each case's http block as llhttp's own test runner makes them
 * (test/md-test.ts): lines end with CRLF, and \r \n \t \f \xHH \OOO and ${js} are expanded.
 *
 *   npx tsx test/conformance/derive-llhttp.ts /path/to/llhttp > test/conformance/llhttp-requests.json
 *   npx prettier --write test/conformance/llhttp-requests.json
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: derive-llhttp.ts LLHTTP_CHECKOUT');
const commit = execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();

/** The bytes of an http block, as llhttp's test runner makes them. */
function bytes(block: string): string {
  let input = block.replace(/\n$/, '');
  input = input.replace(/\\(\r\n|\r|\n)/g, '');
  input = input.replace(/\r\n|\r|\n/g, '\r\n');
  input = input.replace(/\\r/g, '\r').replace(/\\n/g, '\n').replace(/\\t/g, '\t').replace(/\\f/g, '\f');
  input = input.replace(/\\x([0-9a-fA-F]+)/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  input = input.replace(/\\([0-7]{1,3})/g, (_, digits: string) => String.fromCharCode(parseInt(digits, 8)));
  return input.replace(/\$\{(.+?)\}/g, (_, code: string) => String(vm.runInNewContext(code)));
}

interface Case {
  name: string;
  /** The request, latin1. */
  request: string;
  llhttp: 'accept' | 'reject';
  /** llhttp's reason, for a rejected one. */
  reason?: string;
}

const cases: Case[] = [];
const requestDir = join(dir, 'test', 'request');
for (const file of readdirSync(requestDir).sort()) {
  const text = readFileSync(join(requestDir, file), 'utf8');
  const sections = text.split(/^(?=#{2,4} )/m);
  for (const section of sections) {
    const heading = /^#{2,4} (.+)$/m.exec(section)?.[1];
    const meta = /<!-- meta=(\{.*\}) -->\n```http\n([\s\S]*?)```/.exec(section);
    const log = /```log\n([\s\S]*?)```/.exec(section)?.[1];
    if (heading === undefined || meta === null || log === undefined) continue;
    const { type } = JSON.parse(meta[1] ?? '{}') as { type?: string };
    if (type !== 'request') continue;
    const lines = log.split('\n');
    const complete = lines.findIndex((l) => / message complete$/.test(l));
    const error = lines.findIndex((l) => / error code=/.test(l));
    const name = `${file.replace(/\.md$/, '')}: ${heading}`;
    const request = bytes(meta[2] ?? '');
    const requestLine = request.replace(/^(\r\n)+/, '').split('\r\n')[0] ?? '';
    const otherProtocol = !/ HTTP\/\d\.\d$/.test(requestLine);
    if (/^CONNECT /i.test(requestLine) || (otherProtocol && complete !== -1 && (error === -1 || complete < error)))
      continue;
    if (complete !== -1 && (error === -1 || complete < error)) cases.push({ name, request, llhttp: 'accept' });
    else if (error !== -1) {
      const reason = /reason="(.*)"/.exec(lines[error] ?? '')?.[1];
      cases.push({ name, request, llhttp: 'reject', ...(reason === undefined ? {} : { reason }) });
    }
  }
}
process.stdout.write(
  JSON.stringify(
    {
      source: `llhttp (the nodejs/llhttp repository) test/request/*.md at ${commit}`,
      licence: 'MIT License, Copyright (c) 2018 Fedor Indutny',
      derived: 'by test/conformance/derive-llhttp.ts: the request bytes and the verdict of its expected log',
      cases,
    },
    null,
    1,
  ) + '\n',
);
