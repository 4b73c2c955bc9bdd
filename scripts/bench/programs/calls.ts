/**
 * One C call from JavaScript, in nanoseconds: getpid(2) (no argument) and write(2) of one byte to
 * /dev/null (a Buffer argument), through @lsbaws/posix (descriptors built once, errno read only
 * when a call fails), through ffi-rs as a program calls it by default (a new descriptor and an
 * errno object every call: how @lsbaws/posix called it before), through koffi, and a Node
 * built-in for scale. Prints one JSON line: [{ id, label, ns }].
 *
 *   node --single-threaded scripts/bench/programs/dist/calls.js 200000
 */
import { openSync } from 'node:fs';
import { open, load, DataType } from 'ffi-rs';
import koffi from 'koffi';
import { os } from '@lsbaws/posix';

const iterations = Math.max(1000, Number(process.argv[2] ?? 200_000));

/** Nanoseconds per call of f, after a warm-up of a tenth as many calls. */
function perCall(f: () => unknown): number {
  for (let i = 0; i < iterations / 10; i++) f();
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) f();
  return Math.round(Number(process.hrtime.bigint() - start) / iterations);
}

open({ library: 'c', path: '' }); // the process's own symbols: libc's
const devNull = openSync('/dev/null', 'w');
const byte = Buffer.from('x');
const libc = koffi.load(null);
const kGetpid = libc.func('int getpid()') as () => number;
const kWrite = libc.func('long write(int, const void *, long)') as (fd: number, b: Buffer, n: number) => number;

const rows = [
  ['posix-getpid', "getpid: @lsbaws/posix's os.getpid()", () => os.getpid()],
  [
    'ffi-rs-getpid',
    'getpid: ffi-rs load(), a new descriptor and errno each call',
    () =>
      load({ library: 'c', funcName: 'getpid', retType: DataType.I32, paramsType: [], paramsValue: [], errno: true }),
  ],
  ['koffi-getpid', 'getpid: koffi', () => kGetpid()],
  ['node-getuid', 'process.getuid(), a Node built-in, for scale', () => process.getuid?.()],
  ['posix-write', "write of 1 byte to /dev/null: @lsbaws/posix's os.write()", () => os.write(devNull, byte)],
  [
    'ffi-rs-write',
    'write: ffi-rs load(), a new descriptor and errno each call',
    () =>
      load({
        library: 'c',
        funcName: 'write',
        retType: DataType.I64,
        paramsType: [DataType.I32, DataType.U8Array, DataType.I64],
        paramsValue: [devNull, byte, 1],
        errno: true,
      }),
  ],
  ['koffi-write', 'write: koffi', () => kWrite(devNull, byte, 1)],
] as const;

console.log(JSON.stringify(rows.map(([id, label, f]) => ({ id, label, ns: perCall(f) }))));
