// packages/webserver-poll/README.md's "Run it" block, run as written (on a free port instead of
// 8888): every command runs with the tools the tests install (bash, curl, pgrep), the two that keep
// running (the server, the slow client) stay up, and each of the others ends well and says what the
// README says it does.
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, freePort, killGroup } from '../../../scripts/lib/stage.js';
import { eventually } from '../../../scripts/lib/clients.js';
import { must } from '../../../scripts/lib/must.js';

const README = readFileSync(join(ROOT, 'packages', 'webserver-poll', 'README.md'), 'utf8');
const block = must(/## Run it\n\n```sh\n([\s\S]*?)```/.exec(README)?.[1], "the README's Run it block");
const commands = block.trim().split('\n');

t.test("webserver-poll's README: every command of Run it runs as written", async (t) => {
  const port = await freePort();
  const asWritten = (command: string): string => command.replaceAll('8888', String(port));
  const running: Array<{ command: string; output: () => string }> = [];
  for (const command of commands) {
    const child = spawn('bash', ['-c', asWritten(command)], {
      env: { ...process.env, PORT: String(port) }, // the server's port, as PORT=9000 picks another
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    t.teardown(() => killGroup(child.pid));
    let output = '';
    let errors = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (errors += d.toString()));
    const status = await new Promise<number | null | 'running'>((resolve) => {
      child.on('exit', (code) => resolve(code));
      setTimeout(() => resolve('running'), command.startsWith('pnpm --filter') ? 15_000 : 30_000).unref();
    });
    if (status === 'running') {
      running.push({ command, output: () => output });
      if (command.startsWith('pnpm --filter'))
        await eventually('the server serving', () => output.includes(`Serving HTTP on port ${port}`), 60_000);
      continue;
    }
    t.equal(status, 0, `${command}: exit status 0`, { stderr: errors });
    if (command.startsWith('curl')) t.equal(output, 'Hello, World!\n', `${command}: answered`);
    if (command.startsWith('ls /proc'))
      t.ok(
        Number(output.trim()) > 20,
        `${command}: the server's descriptors, Node's own and the slow client's (${output.trim()})`,
      );
    if (command.startsWith('pnpm observe'))
      t.match(output, /PID \d+ +parent +sleeping in poll\(\)/, `${command}: one process, in poll()`);
  }
  t.same(
    running.map((r) => r.command.split(' ')[0]),
    ['pnpm', 'bash'],
    'the server and the slow client keep running, in their terminals',
  );
  t.equal(
    spawnSync('bash', ['-c', `ss -Htn state established '( sport = :${port} )' | wc -l`], {
      encoding: 'utf8',
    }).stdout.trim(),
    '1',
    'the slow client is still connected',
  );
});
