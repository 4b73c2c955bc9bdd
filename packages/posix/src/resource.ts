/** Python's resource module: getrlimit/setrlimit, for the article's ulimit experiments. */
import { platform } from './platform/index.js';
import { check } from './libc.js';

export const { RLIMIT_NOFILE } = platform.resource;
/** "unlimited", as getrlimit returns it (2^64 - 1 does not fit a number exactly, and no limit here comes near 2^53). */
const RLIM_INFINITY = Number.POSITIVE_INFINITY;

const { size, curOffset, maxOffset } = platform.rlimit;
const toNumber = (v: bigint): number => (v === platform.resource.RLIM_INFINITY ? RLIM_INFINITY : Number(v));
const toRlim = (v: number): bigint => (v === RLIM_INFINITY ? platform.resource.RLIM_INFINITY : BigInt(v));

/** getrlimit(2): returns [soft, hard]. */
export function getrlimit(resource: number): [number, number] {
  const rlim = Buffer.alloc(size);
  check('getrlimit', resource, rlim);
  return [toNumber(rlim.readBigUInt64LE(curOffset)), toNumber(rlim.readBigUInt64LE(maxOffset))];
}

/** setrlimit(2): limits [soft, hard] (like `ulimit -S` and `ulimit -H`). */
export function setrlimit(resource: number, [soft, hard]: [number, number]): void {
  const rlim = Buffer.alloc(size);
  rlim.writeBigUInt64LE(toRlim(soft), curOffset);
  rlim.writeBigUInt64LE(toRlim(hard), maxOffset);
  check('setrlimit', resource, rlim);
}
