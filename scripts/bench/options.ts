/** `pnpm bench` options: the command line, with defaults for a full run. */
import { resolve } from 'node:path';
import { ROOT } from '../lib/stage.js';

export interface BenchOptions {
  /** Requests per load run (ab -n). */
  requests: number;
  /** Concurrent connections (ab -c). */
  concurrency: number;
  /** Rounds: every server is measured once per round, in turn; the table shows medians. */
  rounds: number;
  /** ab's per-socket timeout (ab -s), seconds. */
  socketTimeout: number;
  /** Iterations of each fork + _exit + waitpid loop. */
  forkIterations: number;
  /** Requests of the memory run against webserver3g (0 skips it), in `stabilityChunks` parts. */
  stabilityRequests: number;
  stabilityChunks: number;
  /** Where benchmarks.md, benchmarks.svg and benchmarks.json go. */
  out: string;
  /** A checkout of rspivak/lsbaws (its part3/ holds the Python originals), or null. */
  lsbawsPy: string | null;
  /** A Python 2 interpreter for webserver3h.py (Python 2 code), or null to look for python2. */
  python2: string | null;
  /** Only these server ids (e.g. ts-3g,c-3g), or all. */
  only: string[] | null;
  /**
   * Extra rows: webserver3g run by node with only the flags fork() needs plus each of these
   * ("UV_USE_IO_URING=0 --no-lazy": environment and flags; "" for none), beside it as started.
   */
  variants: string[];
  /**
   * Extra rows: webserver3g on @lsbaws/posix as it is at each of these git revisions (its stage file
   * and the package, compiled apart), run with the start's flags: a change measured beside its base.
   */
  posixRefs: string[];
  /** Starts of each program for the start-up times (0 skips them). */
  startups: number;
  /** Run ab on this CPU (taskset -c), or null to let the scheduler place it. */
  abCpu: number | null;
  /** Measure nothing: write the report again from this benchmarks.json. */
  render: string | null;
  /** The design table (scripts/bench/designs.ts): every server design side by side. */
  designs: boolean;
  /** Idle connections the design table holds open to measure each design's memory (0 skips that). */
  idle: number;
}

/** `--only designs`: the design table alone. */
export const designsOnly = (o: BenchOptions): boolean => o.only !== null && o.only.every((id) => id === 'designs');

export const USAGE = `Usage: pnpm bench [options]

Measures, side by side: requests per second of webserver3g and webserver3h (with its example
application) under ab, the Python originals and a C fork-per-connection server; and
fork + _exit + waitpid latency in Node (@lsbaws/posix), Python and C. Writes benchmarks.md,
benchmarks.svg and benchmarks.json.

  --requests N          requests per load run (default 4000)
  --concurrency N       concurrent connections (default 20)
  --rounds N            rounds; the table shows the median (default 2)
  --socket-timeout S    ab -s, seconds (default 10)
  --fork-iterations N   iterations of each fork loop (default 2000)
  --stability N         requests of the memory run against webserver3g, 0 to skip (default 20000)
  --stability-chunks N  parts of the memory run (default 4)
  --out DIR             output directory (default bench-report; --out docs rewrites docs/benchmarks.md)
  --lsbaws-py DIR       a checkout of rspivak/lsbaws (default: $LSBAWS_PY; without it the
                        Python columns are skipped)
  --python2 PATH        Python 2 for webserver3h.py, which is Python 2 code (default: $PYTHON2,
                        else python2 on the PATH; without one that column is skipped)
  --only IDS            comma-separated server ids: ts-3g, ts-3h, py-3g, py-3h, c-3g, ts-floor,
                        loop-c, loop-c-forkable, loop-js-ffi-rs, loop-js-koffi, loop-js-child-koffi-write,
                        loop-js-child-koffi, loop-js-child-ffi-rs, loop-js-child-koffi-wsgi,
                        loop-js-child-koffi-wsgi-app, loop-js-child-ffi-rs-wsgi-app,
                        loop-posix-accept, loop-posix-fork;
                        designs: the design table
  --variants LIST       extra rows: webserver3g run by node with only --single-threaded
                        --enable-source-maps plus each comma-separated item, environment
                        and flags ("UV_USE_IO_URING=0 --no-lazy"; an empty item: nothing
                        more; "none": no such rows). Default: every candidate alone, and
                        the start's flags with those it leaves out
  --posix REFS          extra rows: webserver3g on @lsbaws/posix as it is at each comma-separated
                        git revision (e.g. main,HEAD), with the start's flags: a change beside its base
  --startups N          starts of each program for the start-up times, 0 to skip (default 5)
  --ab-cpu N            pin ab to CPU N (taskset -c N)
  --render FILE         measure nothing: write benchmarks.md and .svg again from a benchmarks.json
  --designs yes|no      the design table: webserver3g, the stages beyond the article and their
                        C equivalents side by side (default yes; --only designs: it alone)
  --idle N              idle connections held to measure each design's memory, 0 to skip
                        (default 500)
`;

/**
 * The candidates for the start's flags, each alone (the first: none), then the start's flags with
 * the candidates it leaves out: docs/node-differences.md says which were kept, and why.
 */
export const DEFAULT_VARIANTS = [
  '',
  '--jitless',
  '--no-short-builtin-calls',
  '--max-semi-space-size=1',
  '--no-lazy',
  'UV_USE_IO_URING=0',
  'MALLOC_ARENA_MAX=1',
  '--v8-pool-size=1',
  'UV_USE_IO_URING=0 MALLOC_ARENA_MAX=1 --no-short-builtin-calls --max-semi-space-size=1 --no-lazy --v8-pool-size=1',
];

const DEFAULTS: BenchOptions = {
  requests: 4000,
  concurrency: 20,
  rounds: 2,
  socketTimeout: 10,
  forkIterations: 2000,
  stabilityRequests: 20_000,
  stabilityChunks: 4,
  out: resolve(ROOT, 'bench-report'),
  lsbawsPy: null,
  python2: null,
  only: null,
  variants: DEFAULT_VARIANTS,
  posixRefs: [],
  startups: 5,
  abCpu: null,
  render: null,
  designs: true,
  idle: 500,
};

type Setter = (o: BenchOptions, value: string) => void;

const integer = (name: string, value: string, min: number): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} wants an integer >= ${min}, not '${value}'`);
  return n;
};

const SETTERS: Record<string, Setter> = {
  '--requests': (o, v) => (o.requests = integer('--requests', v, 1)),
  '--concurrency': (o, v) => (o.concurrency = integer('--concurrency', v, 1)),
  '--rounds': (o, v) => (o.rounds = integer('--rounds', v, 1)),
  '--socket-timeout': (o, v) => (o.socketTimeout = integer('--socket-timeout', v, 1)),
  '--fork-iterations': (o, v) => (o.forkIterations = integer('--fork-iterations', v, 1)),
  '--stability': (o, v) => (o.stabilityRequests = integer('--stability', v, 0)),
  '--stability-chunks': (o, v) => (o.stabilityChunks = integer('--stability-chunks', v, 1)),
  '--out': (o, v) => (o.out = resolve(v)),
  '--lsbaws-py': (o, v) => (o.lsbawsPy = resolve(v)),
  '--python2': (o, v) => (o.python2 = v),
  '--only': (o, v) =>
    (o.only = v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)),
  '--variants': (o, v) => (o.variants = v === 'none' ? [] : v.split(',').map((s) => s.trim())),
  '--posix': (o, v) =>
    (o.posixRefs = v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)),
  '--startups': (o, v) => (o.startups = integer('--startups', v, 0)),
  '--ab-cpu': (o, v) => (o.abCpu = integer('--ab-cpu', v, 0)),
  '--render': (o, v) => (o.render = resolve(v)),
  '--designs': (o, v) => {
    if (v !== 'yes' && v !== 'no') throw new Error(`--designs wants yes or no, not '${v}'`);
    o.designs = v === 'yes';
  },
  '--idle': (o, v) => (o.idle = integer('--idle', v, 0)),
};

/** The options from argv (`--name value` or `--name=value`); throws with the problem. */
export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): BenchOptions {
  const options: BenchOptions = {
    ...DEFAULTS,
    lsbawsPy: env.LSBAWS_PY ? resolve(env.LSBAWS_PY) : null,
    python2: env.PYTHON2 || null,
  };
  const args = argv[Symbol.iterator]();
  for (const arg of args) {
    const [name = '', inline] = arg.split(/=(.*)/s, 2); // split() gives at least ['']
    const set = SETTERS[name];
    if (set === undefined) throw new Error(`unknown option ${name}`);
    const value: string | undefined = inline ?? args.next().value;
    if (value === undefined) throw new Error(`${name} needs a value`);
    set(options, value);
  }
  if (options.stabilityRequests > 0 && options.stabilityRequests < options.stabilityChunks) {
    throw new Error('--stability must be at least --stability-chunks');
  }
  return options;
}
