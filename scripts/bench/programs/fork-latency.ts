/**
 * fork() + _exit(0) + waitpid() through @lsbaws/posix, in a loop: the benchmark's fork latency
 * for Node (the C and Python loops beside it do the same). Prints one JSON line.
 *
 *   node --single-threaded scripts/bench/programs/dist/fork-latency.js 2000
 */
import { os } from '@lsbaws/posix';

const iterations = Math.max(1, Number(process.argv[2] ?? 2000));

// the first fork installs the fork-safety filter; keep it out of the figures
const first = os.fork();
if (first === 0) os._exit(0);
os.waitpid(first, 0);

const us: number[] = [];
for (let i = 0; i < iterations; i++) {
  const start = process.hrtime.bigint();
  const pid = os.fork();
  if (pid === 0) os._exit(0);
  os.waitpid(pid, 0);
  us.push(Number(process.hrtime.bigint() - start) / 1000);
}
us.sort((a, b) => a - b);
const at = (q: number): number => {
  const t = us[Math.floor(us.length * q)];
  if (t === undefined) throw new Error(`no timing at quantile ${q} of ${us.length}`);
  return Math.round(t * 10) / 10;
};
console.log(JSON.stringify({ iterations, medianUs: at(0.5), p10Us: at(0.1), p90Us: at(0.9) }));
