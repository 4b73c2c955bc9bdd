/**
 * pnpm observe [port|pid] [--once] [--all] [--interval ms]
 *
 * A live view of a running stage, read from /proc: the server and its children with their
 * state (running, sleeping in accept(), zombie...), and each process's open descriptors with
 * what they point to (listening socket, connection with its socket pair, pipe, terminal),
 * marking a connection that two processes hold open. The article's pictures of shared
 * descriptors, reference counts and zombies, as they are on your machine right now.
 */
import { resolveTarget, snapshot } from './lib/observe-model.js';
import { render } from './lib/observe-render.js';
import { stat } from './lib/procfs.js';

const USAGE = `Usage: pnpm observe [port|pid] [options]

Shows a running stage's processes and their descriptors, refreshed live (q or Ctrl-C quits).
  port|pid      the port a stage listens on (e.g. 8888) or the PID of its server or a child;
                without it, the one stage that is running
  --port N      N is a port        --pid N     N is a PID
  --once        print one snapshot and exit (also what happens when stdout is not a terminal)
  --all         list the descriptors Node's event loop uses itself, one by one
  --interval MS refresh period (default 500)

Example:  pnpm --filter webserver3d start   then, in another terminal:   pnpm observe 8888`;

interface Args {
  target?: string;
  kind: 'auto' | 'port' | 'pid';
  once: boolean;
  all: boolean;
  interval: number;
}

function parse(argv: string[]): Args | string {
  const args: Args = { kind: 'auto', once: false, all: false, interval: 500 };
  const rest = argv[0] === '--' ? argv.slice(1) : argv;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--once') args.once = true;
    else if (a === '--all') args.all = true;
    else if (a === '--help' || a === '-h') return USAGE;
    else if (a === '--port' || a === '--pid') {
      args.kind = a === '--port' ? 'port' : 'pid';
      args.target = rest[++i];
      if (args.target === undefined) return `${a} needs a number\n\n${USAGE}`;
    } else if (a === '--interval') {
      args.interval = Number(rest[++i]);
      if (!(args.interval >= 50)) return `--interval needs a number of milliseconds (at least 50)\n\n${USAGE}`;
    } else if (a.startsWith('-')) return `unknown option ${a}\n\n${USAGE}`;
    else if (args.target === undefined) args.target = a;
    else return `one target only\n\n${USAGE}`;
  }
  return args;
}

async function main(): Promise<number> {
  const args = parse(process.argv.slice(2));
  if (typeof args === 'string') {
    const help = args === USAGE;
    (help ? process.stdout : process.stderr).write(args + '\n');
    return help ? 0 : 2;
  }
  const target = resolveTarget(args.target, args.kind);
  if (!target.ok) {
    process.stderr.write(target.message + '\n');
    return 1;
  }
  const tty = process.stdout.isTTY === true;
  if (args.once || !tty) {
    process.stdout.write(render(snapshot(target.pid), { all: args.all, color: tty }));
    return 0;
  }
  return live(target.pid, args);
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
      process.stdout.write('\x1b[H\x1b[2J\x1b[?25l' + text + `\n(refresh ${args.interval} ms; q or Ctrl-C quits)\n`);
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
    const timer = setInterval(draw, args.interval);
    draw();
  });
}

process.exitCode = await main();
