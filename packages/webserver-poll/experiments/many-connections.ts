/**
 * Beyond the article, webserver-poll: one process holds hundreds of idle connections (3g would
 * fork a child for each), and a client slow to send its request no longer blocks anyone (3b).
 */
import { HELLO_REQUEST, curl } from '../../../scripts/lib/clients.js';
import { connectionsHeld, idleClients } from '../../../scripts/lib/connections.js';
import { descendants, fds, usage } from '../../../scripts/lib/procfs.js';
import { type Experiment, optionsOf } from '../../../scripts/experiments/framework/experiment.js';
import { tidy } from '../../../scripts/experiments/framework/output.js';
import { observe, psChildren } from '../../../scripts/experiments/framework/ps.js';

export interface ManyConnectionsOptions {
  /** Idle connections to hold open (none sends its request until the end). */
  connections: number;
}

export interface ManyConnectionsOutcome {
  connections: number;
  /** While they were all idle: the server's processes, its descriptors, the connections it held, its RSS. */
  idle: { processes: number; descriptors: number; held: number; rssBytes: number };
  descriptorsBefore: number;
  /** curl meanwhile: its answer and how long it took (ms). */
  curl: { response: string; ms: number };
  /** The idle clients, once they sent their request: how many were answered "Hello, World!". */
  answeredLate: number;
  /** The server's descriptors once every client had gone. */
  descriptorsAfter: number;
}

export const manyConnections: Experiment<ManyConnectionsOutcome, ManyConnectionsOptions> = {
  name: 'many-connections',
  stage: 'webserver-poll',
  summary: 'one process holds hundreds of idle connections and still answers at once',
  article: 'beyond the article: UNP 6.8, TCP echo server using poll; the sleeping server of webserver3b.py',
  params: { connections: { description: 'idle connections held open at once', default: 300 } },
  async run(ctx, options = {}) {
    const { say } = ctx;
    const { connections } = optionsOf(manyConnections, options);
    say.title('many-connections: one process, many connections, webserver-poll');
    say.step('Terminal 1: start the server');
    say.cmd(ctx.command('webserver-poll'));
    const stage = await say.wait('compiling and starting', ctx.start('webserver-poll'));
    say.show(tidy(stage.output));
    const server = stage.requireServerPid();
    const descriptorsBefore = fds(server).size;

    say.step(`Terminal 2: ${connections} clients connect and send nothing (each a slow client)`);
    const idle = await say.wait('connecting', idleClients(ctx.port, connections));
    ctx.defer(() => idle.forEach((c) => c.close()));
    await ctx
      .until('the server to accept them', () => connectionsHeld(server, ctx.port) >= connections || undefined, 20_000)
      .catch(() => undefined);
    const held = connectionsHeld(server, ctx.port);
    const processes = 1 + descendants(server).length;
    const descriptors = fds(server).size;
    const rssBytes = usage(server)?.rss ?? 0;
    say.cmd(`ls /proc/${server}/fd | wc -l`);
    say.show(String(descriptors));
    say.cmd(`ps -o pid,ppid,stat,cmd --ppid ${server}`);
    say.show(psChildren(server));
    say.note(
      `${processes === 1 ? 'One process' : `${processes} processes`} (no child) holds ${held} connections: ` +
        `${descriptors} descriptors, ${descriptorsBefore} before they came, and ${(rssBytes / 2 ** 20).toFixed(0)} ` +
        `MiB resident. webserver3g would have forked ${connections} children, each blocked in recv() on one ` +
        'of them; this server waits in one poll() on all of them.',
    );
    say.step(`Meanwhile, in another terminal: pnpm observe ${ctx.port} (one snapshot)`);
    say.view(observe(server, 3));

    say.step('Terminal 3: curl, while every one of them is still silent');
    say.cmd(`curl ${ctx.url}`);
    const started = Date.now();
    const answer = await curl(['--ipv4', ctx.url], 10);
    const ms = Date.now() - started;
    say.show(answer.stdout);
    say.note(
      answer.stdout.includes('Hello, World!')
        ? `answered in ${ms} ms: the slow clients block no one. In 3b, one slow client (or one sleep) made ` +
            'every other client wait in the listen queue (pnpm experiment sleeping).'
        : `unexpected: curl got ${JSON.stringify(answer.stdout)} after ${ms} ms (${answer.stderr.trim()})`,
    );

    say.step(`Terminal 2: the ${connections} clients send their request at last`);
    idle.forEach((c) => c.send(HELLO_REQUEST(ctx.port)));
    await ctx.until('their answers', () => idle.every((c) => c.ended) || undefined, 30_000).catch(() => undefined);
    const answeredLate = idle.filter((c) => c.received.includes('Hello, World!')).length;
    idle.forEach((c) => c.close());
    await ctx
      .until('the descriptors to close', () => fds(server).size <= descriptorsBefore || undefined, 10_000)
      .catch(() => undefined);
    const descriptorsAfter = fds(server).size;
    say.note(
      `${answeredLate} of ${connections} answered, by the one process; it is back to ${descriptorsAfter} descriptors.`,
    );

    say.result(
      'With non-blocking sockets and poll(), one process serves every connection that is ready and never waits ' +
        'for one that is not: no fork, no child per client, no zombies, and a slow client costs one descriptor.',
    );
    return {
      connections,
      idle: { processes, descriptors, held, rssBytes },
      descriptorsBefore,
      curl: { response: answer.stdout, ms },
      answeredLate,
      descriptorsAfter,
    };
  },
};

export default manyConnections;
