/** 3d, part 2: nobody waits for the children, so each one that exits stays a zombie; kill -9 cannot remove it. */
import { execFileSync } from 'node:child_process';
import { stat, zombies as zombiesOf } from '../../../scripts/lib/procfs.js';
import { type Experiment, optionsOf } from '../../../scripts/experiments/framework/experiment.js';
import { observe, psChildren } from '../../../scripts/experiments/framework/ps.js';
import { tidy } from '../../../scripts/experiments/framework/output.js';

export interface ZombiesOptions {
  /** How many curls (the article: one). */
  requests: number;
}

export interface ZombiesOutcome {
  /** The zombies /proc shows after the curls (state Z). */
  zombies: number;
  zombiePids: number[];
  /** The ps line of a zombie, as the article shows it ("Z ... [node] <defunct>"). */
  psLine: string | null;
  /** kill -9 sent to the first zombie; it was still there afterwards. */
  survivedKill9: boolean;
}

export const zombies: Experiment<ZombiesOutcome, ZombiesOptions> = {
  name: 'zombies',
  stage: 'webserver3d',
  summary: 'the exited child stays Z <defunct>, and kill -9 cannot remove it',
  article: 'Yes, your server code actually creates zombies',
  params: { requests: { description: 'how many curls, hence zombies (the article: one)', default: 1 } },
  async run(ctx, options = {}) {
    const { say } = ctx;
    const { requests: n } = optionsOf(zombies, options);
    say.title('zombies: children nobody waits for, webserver3d');
    say.step('Terminal 1: start the server');
    say.cmd(ctx.command('webserver3d'));
    const stage = await say.wait('starting', ctx.start('webserver3d'));
    say.show(tidy(stage.output));
    const server = stage.serverPid() ?? 0;

    say.step(
      `Terminal 2: ${n === 1 ? 'one request' : `${n} requests`} (curl hangs, as in no-close: stop it with Ctrl-C)`,
    );
    for (let i = 0; i < n; i++) {
      say.cmd(`curl ${ctx.url}`);
      const c = ctx.curl(1);
      await c.done;
      say.show(c.stdout + '^C');
    }
    await ctx.until(`${n} zombie(s)`, () => zombiesOf(server).length >= n, 10_000).catch(() => undefined);

    say.step("The server's children");
    say.cmd(`ps -o pid,ppid,stat,cmd --ppid ${server}`);
    const listing = psChildren(server);
    say.show(listing);
    const found = zombiesOf(server);
    say.note(
      found.length === 0
        ? 'unexpected: no zombie: something waited for the child.'
        : `STAT Z: ${found.length === 1 ? 'a zombie' : `${found.length} zombies`}. The child has exited; ` +
            `the kernel keeps its PID and exit status until its parent waits for it, and 3d never does.`,
    );

    say.step('Try to kill it');
    const victim = found[0];
    let survived = false;
    if (victim !== undefined) {
      say.cmd(`kill -9 ${victim}`);
      try {
        execFileSync('kill', ['-9', String(victim)]);
      } catch {
        // kill of a zombie succeeds (the signal is simply ignored)
      }
      await ctx.pause(500);
      survived = stat(victim)?.state === 'Z';
      say.cmd(`ps -o pid,ppid,stat,cmd --ppid ${server}`);
      say.show(psChildren(server));
      say.note(
        survived
          ? `Still there: a zombie is already dead; there is nothing left to kill. ` +
              `Only a wait() by its parent (or the parent's exit) removes it.`
          : 'unexpected: it is gone',
      );
    }

    say.step(`pnpm observe ${ctx.port}`);
    say.view(observe(server));
    say.result(
      'A child that exits before its parent waits for it becomes a ' +
        'zombie, and you cannot kill a zombie: you have to wait for it.',
    );
    return {
      zombies: found.length,
      zombiePids: found,
      psLine:
        listing
          .split('\n')
          .find((l) => /\sZ\S*\s/.test(l))
          ?.trim() ?? null,
      survivedKill9: survived,
    };
  },
};

export default zombies;
