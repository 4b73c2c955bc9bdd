/**
 * benchmarks.md's first paragraph, for a learner: how webserver3g and webserver3h compare with the
 * article's Python and why, in the words of what forks, every figure from the run it opens.
 */
import type { BenchResult, ServerSummary } from './run.js';
import { cpuPerRequest, fmt, roundCpuRatio, roundRatio } from './stats.js';

const ms = (s: ServerSummary): string => `${fmt(cpuPerRequest(s.median), 2)} ms`;

/** The paragraph, or nothing when the run did not measure webserver3g beside webserver3g.py. */
export function plainAnswer(r: BenchResult): string[] {
  const get = (id: string): ServerSummary | undefined => r.servers.find((s) => s.id === id && s.runs.length > 0);
  const [ts, py, ts3h, py3h, less, less3h, less3hApp, less3hAppFfiRs] = [
    'ts-3g',
    'py-3g',
    'ts-3h',
    'py-3h',
    'loop-js-child-koffi',
    'loop-js-child-koffi-wsgi',
    'loop-js-child-koffi-wsgi-app',
    'loop-js-child-ffi-rs-wsgi-app',
  ].map(get);
  if (ts === undefined || py === undefined) return [];
  const byCpu = roundCpuRatio(ts, py);
  const sentences = [
    `**In short.** Each request to webserver3g costs the machine ${ms(ts)} of CPU (the server and the child it` +
      ` forks, from /proc), each request to webserver3g.py ${ms(py)}: for the same CPU, the TypeScript stage` +
      ` serves **${fmt(byCpu, 2)}×** what the Python serves (${fmt(roundRatio(ts, py), 2)}× by requests per second` +
      ' on this shared machine).',
  ];
  if (ts3h !== undefined && py3h !== undefined) {
    sentences.push(
      `webserver3h with the same hello application costs ${ms(ts3h)} a request against ${ms(py3h)} for` +
        ` webserver3h.py under Python 2: **${fmt(roundCpuRatio(ts3h, py3h), 2)}×**.`,
    );
  }
  sentences.push(
    'What makes the difference is what forks: every request forks the whole server process, and a Node' +
      ` process is a JavaScript engine (${fmt(ts.median.parentRssMB, 0)} MB resident against Python's` +
      ` ${fmt(py.median.parentRssMB, 0)} MB). fork() copies its page tables, in the parent's CPU` +
      ` (${fmt(ts.median.parentCpuMs, 2)} ms a request against ${fmt(py.median.parentCpuMs, 2)} ms), and the child` +
      ' then runs JavaScript in pages it shares with the parent until it writes them' +
      ` (${fmt(ts.median.childCpuMs, 2)} ms against ${fmt(py.median.childCpuMs, 2)} ms;` +
      ` ${fmt(ts.median.childFaults)} page faults a child against ${fmt(py.median.childFaults)}).`,
  );
  if (less !== undefined) {
    sentences.push(
      `A program that does strictly less than webserver3g (its child in JavaScript, no event loop, nothing of` +
        ` @lsbaws/posix per request: "Where the time goes" below) serves ${fmt(roundCpuRatio(less, py), 2)}×` +
        ' what webserver3g.py serves for the same CPU: most of the gap is forking a Node process whose child' +
        " runs JavaScript, not the stage's code.",
    );
  }
  if (less !== undefined && less3h !== undefined && ts3h !== undefined && py3h !== undefined) {
    sentences.push(
      `The same program with webserver3h's library and application loaded in the server, strictly less than` +
        ` webserver3h, serves ${fmt(roundCpuRatio(less3h, py3h), 2)}× what webserver3h.py serves for the same CPU,` +
        ` webserver3h ${fmt(roundCpuRatio(ts3h, py3h), 2)}×: between the two is what webserver3h does beyond it, in` +
        ' the parent and in every child ("Where the time goes").',
    );
  }
  if (less3hApp !== undefined && py3h !== undefined) {
    sentences.push(
      `With its child also doing, in JavaScript, what webserver3h.py's child does (the request read, printed and` +
        ' split, the environ built, the application called, the response built, printed and sent), that program' +
        ` serves ${fmt(roundCpuRatio(less3hApp, py3h), 2)}×` +
        (less3hAppFfiRs === undefined
          ? '.'
          : `, and ${fmt(roundCpuRatio(less3hAppFfiRs, py3h), 2)}× through ffi-rs, the FFI of @lsbaws/posix.`),
    );
  }
  sentences.push(
    'A design that does not fork a process per connection turns the comparison round: see the design table.',
  );
  return [sentences.join(' '), ''];
}
