/** scripts/node-lines.json, typed: the Node lines the project supports, newest first, and their facts. */
import { readFileSync } from 'node:fs';

export interface NodeLine {
  /** The major version: 26. */
  line: number;
  /** The exact version CI tests and scripts/with-node.sh installs. */
  version: string;
  /** This line's range in package.json's engines.node. */
  engines: string;
  /** The name the line gives its main thread: what ps shows for a zombie, in brackets. */
  mainThread: string;
  /** Threads of an idle stage (webserver3g waiting in accept). */
  idleThreads: number;
  /** What the project relies on that differs on this line, in words. */
  differs: string;
}

export const NODE_LINES_FILE = new URL('../node-lines.json', import.meta.url);

export const NODE_LINES: readonly NodeLine[] = (
  JSON.parse(readFileSync(NODE_LINES_FILE, 'utf8')) as { lines: NodeLine[] }
).lines;

/** The running Node line's entry; throws, naming the file, for a line not in it. */
export function runningLine(): NodeLine {
  const major = Number(process.versions.node.split('.')[0]);
  const found = NODE_LINES.find((l) => l.line === major);
  if (found === undefined)
    throw new Error(`Node ${major} is not in scripts/node-lines.json: docs/new-node-line.md says how to add a line`);
  return found;
}
