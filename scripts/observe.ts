/**
 * pnpm observe [port|pid] [--once] [--all] [--interval ms] [--svg file] [--web [port]]
 *
 * A live view of a running stage, read from /proc: the server and its children with their
 * state (running, sleeping in poll(), zombie...), and each process's open descriptors with
 * what they point to (listening socket, connection with its socket pair, pipe, terminal),
 * marking a connection that two processes hold open. The article's pictures of shared
 * descriptors, reference counts and zombies, as they are on your machine right now: as text,
 * as one SVG picture (--svg), or as a page that redraws the picture live (--web). --events prints
 * every accept, fork, exit, signal and reap as it happens, traced (strace), as JSON Lines; the
 * page's timeline is the same feed.
 */
import { writeFileSync } from 'node:fs';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { resolveTarget, snapshot } from './lib/observe-model.js';
import { render } from './lib/observe-render.js';
import { renderSvg } from './lib/observe-svg.js';
import { serveLive, type LivePage } from './lib/observe-web.js';
import { watchEvents } from './lib/observe-events.js';
import { stat } from './lib/procfs.js';

interface Args {
  target?: string;
  kind: 'auto' | 'port' | 'pid';
  once: boolean;
  all: boolean;
  /** ms between readings (default 500 for the text view, 250 for the page). */
  interval?: number;
  svg?: string;
  web?: number;
  events: boolean;
  /** The events from /proc readings instead of the tracer. */
  proc: boolean;
}

/** The positional arguments but `-`, which yargs takes for one: `--svg -` means stdout. */
function targets(a: { _: Array<string | number>; svg?: string }): Array<string | number> {
  return a.svg === '' ? a._.filter((x) => x !== '-') : a._;
}

/** The options in yargs' words; a string is a usage error to print (exit 2). */
function parse(argv: string[]): Args | string {
  let failure: string | null = null;
  const parsed = yargs(argv[0] === '--' ? argv.slice(1) : argv)
    .scriptName('pnpm observe')
    .usage(
      '$0 [port|pid] [options]\n\n' +
        "Shows a running stage's processes and their descriptors, refreshed live (q or Ctrl-C quits).\n" +
        'port|pid: the port a stage listens on (e.g. 8888) or the PID of its server or a child;\n' +
        'without it, the one stage that is running.',
    )
    .option('port', { type: 'number', describe: 'the target is a port' })
    .option('pid', { type: 'number', describe: 'the target is a PID' })
    .conflicts('port', 'pid')
    .option('once', {
      type: 'boolean',
      default: false,
      describe: 'print one snapshot and exit (also what happens when stdout is not a terminal)',
    })
    .option('all', {
      type: 'boolean',
      default: false,
      describe: "list the descriptors Node's event loop uses itself, one by one",
    })
    .option('interval', { type: 'number', describe: 'refresh period in ms (default 500; the live page: 250)' })
    .option('svg', {
      type: 'string',
      describe: 'write the current state as one SVG picture to this file (- for stdout) and exit',
    })
    .option('web', {
      describe:
        'serve a live page of the picture on 127.0.0.1 (on this port; default a free one) until the server exits',
      coerce: (v: unknown) => (v === true || v === '' ? 0 : Number(v)),
    })
    .option('events', {
      type: 'boolean',
      default: false,
      describe:
        'print every accept, fork, exit, signal and reap as JSON Lines, traced with strace, until the server exits',
    })
    .option('proc', {
      type: 'boolean',
      default: false,
      describe: 'events from readings of /proc instead of strace (what is done without strace; misses events)',
    })
    .conflicts('svg', 'web')
    .check((a) => {
      if (targets(a).length > 1) throw new Error('one target only');
      // (not yargs' conflicts(): a boolean with a default counts as given there)
      if (a.events && (a.svg !== undefined || a.web !== undefined || a.once))
        throw new Error('--events prints events until the server exits: not with --svg, --web or --once');
      if (a.svg === '' && !a._.includes('-')) throw new Error('--svg needs a file name (- for stdout)');
      if (a.interval !== undefined && !(a.interval >= 50))
        throw new Error('--interval needs a number of milliseconds (at least 50)');
      if (a.web !== undefined && !(Number.isInteger(a.web) && a.web >= 0 && a.web < 65536))
        throw new Error('--web takes a port number (or nothing)');
      for (const k of ['port', 'pid'] as const)
        if (a[k] !== undefined && !Number.isInteger(a[k])) throw new Error(`--${k} needs a number`);
      return true;
    })
    .example('pnpm --filter webserver3d start', 'then, in another terminal:')
    .example('pnpm observe 8888', 'the live text view')
    .example('pnpm observe 8888 --svg 3d.svg', 'one picture')
    .example('pnpm observe 8888 --web', 'the picture, redrawn live, in a browser')
    .example('pnpm observe 8888 --events', 'every fork, exit, signal and reap, one JSON object a line')
    .strictOptions()
    .version(false)
    .help()
    .alias('help', 'h')
    .exitProcess(false)
    .fail((msg, err) => {
      failure = msg ?? err?.message ?? 'invalid arguments';
    })
    .wrap(100)
    .parseSync();
  if (failure !== null) return failure;
  const positional = targets(parsed)[0];
  const kind = parsed.port !== undefined ? 'port' : parsed.pid !== undefined ? 'pid' : 'auto';
  const target = parsed.port ?? parsed.pid ?? (positional === undefined ? undefined : String(positional));
  return {
    target: target === undefined ? undefined : String(target),
    kind,
    once: parsed.once,
    all: parsed.all,
    interval: parsed.interval,
    svg: parsed.svg === '' ? '-' : parsed.svg,
    web: parsed.web as number | undefined,
    events: parsed.events,
    proc: parsed.proc,
  };
}

async function main(): Promise<number> {
  const argv = hideBin(process.argv);
  if (argv.includes('--help') || argv.includes('-h')) {
    parse(argv); // yargs prints the help
    return 0;
  }
  const args = parse(argv);
  if (typeof args === 'string') {
    process.stderr.write(`${args}\n(pnpm observe --help lists the options)\n`);
    return 2;
  }
  const target = resolveTarget(args.target, args.kind);
  if (!target.ok) {
    process.stderr.write(target.message + '\n');
    return 1;
  }
  if (args.svg !== undefined) {
    const svg = renderSvg(snapshot(target.pid));
    if (args.svg === '-') process.stdout.write(svg);
    else {
      writeFileSync(args.svg, svg);
      process.stdout.write(`${args.svg}: ${target.stage}, server PID ${target.pid}\n`);
    }
    return 0;
  }
  if (args.web !== undefined) return web(target.pid, args);
  if (args.events) return events(target.pid, args);
  const tty = process.stdout.isTTY === true;
  if (args.once || !tty) {
    process.stdout.write(render(snapshot(target.pid), { all: args.all, color: tty }));
    return 0;
  }
  return live(target.pid, args);
}

/** Prints the server's events as JSON Lines until it exits or Ctrl-C. */
async function events(pid: number, args: Args): Promise<number> {
  const feed = await watchEvents(pid, (e) => process.stdout.write(`${JSON.stringify(e)}\n`), {
    interval: args.interval,
    proc: args.proc,
  });
  process.stderr.write(
    feed.source === 'strace'
      ? `Tracing PID ${pid} and its children with strace (Ctrl-C stops; the server goes on).\n`
      : `Watching PID ${pid}: ${feed.note ?? ''}.\n`,
  );
  const stop = (): void => void feed.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await feed.done;
  return 0;
}

/** Serves the live page until the server exits or Ctrl-C. */
async function web(pid: number, args: Args): Promise<number> {
  let page: LivePage;
  try {
    page = await serveLive(pid, { port: args.web, interval: args.interval ?? 250, proc: args.proc });
  } catch (e) {
    process.stderr.write(`Cannot serve the page on 127.0.0.1:${args.web}: ${(e as Error).message}\n`);
    return 1;
  }
  process.stdout.write(`Watching PID ${pid} on ${page.url}  (open it in a browser; Ctrl-C stops)\n`);
  const stop = (): void => void page.close();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  if ((await page.done) === 'exited') process.stdout.write(`The server (PID ${pid}) has exited.\n`);
  return 0;
}

/** Redraws every interval ms until q, Ctrl-C, or the server exits. */
function live(pid: number, args: Args): Promise<number> {
  return new Promise((resolve) => {
    const restore = (): void => {
      process.stdout.write('\x1b[?25h'); // show the cursor again
      if (process.stdin.isTTY) process.stdin.setRawMode(false);
      process.stdin.pause();
    };
    const finish = (code: number): void => {
      clearInterval(timer);
      restore();
      resolve(code);
    };
    const draw = (): void => {
      if (stat(pid) === null) {
        process.stdout.write(`\nThe server (PID ${pid}) has exited.\n`);
        finish(0);
        return;
      }
      let text: string;
      try {
        text = render(snapshot(pid), {
          all: args.all,
          color: true,
          maxChildren: Math.max(3, (process.stdout.rows ?? 40) >> 2),
        });
      } catch {
        return; // it exited while being read: the next turn says so
      }
      process.stdout.write('\x1b[H\x1b[2J\x1b[?25l' + text + `\n(refresh ${interval} ms; q or Ctrl-C quits)\n`);
    };
    if (process.stdin.isTTY) {
      process.stdin.setRawMode(true);
      process.stdin.resume();
      process.stdin.on('data', (key: Buffer) => {
        const k = key.toString();
        if (k === 'q' || k === '\x03' || k === '\x1b') finish(0);
      });
    }
    process.once('SIGINT', () => finish(0));
    process.once('SIGTERM', () => finish(0));
    const interval = args.interval ?? 500;
    const timer = setInterval(draw, interval);
    draw();
  });
}

process.exitCode = await main();
