// lib/crashes.ts, the words each language uses for a failed system call: every row of the
// table is tested with a real program in its language, where this machine can run one. Each
// program binds a port that is already taken and dies of it, as a learner's server does.
import t from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CRASH_WORDS, crashOf } from '../scripts/lib/crashes.js';
import { pythonFor } from './languages.js';

const dir = mkdtempSync(join(tmpdir(), 'lsbaws-crashes-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

/** A port something already listens on, for the programs to fail to bind. */
const taken = createServer();
await new Promise<void>((resolve) => taken.listen(0, '0.0.0.0', resolve));
t.teardown(() => taken.close());
const PORT = String((taken.address() as { port: number }).port);

const has = (command: string): boolean => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
const write = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

/** Each row's language, and how to run a program in it that dies of EADDRINUSE (null: not on this machine). */
const PROGRAMS: Record<string, () => string[] | null> = {
  'Python 2': () => {
    const python2 = pythonFor(2);
    return python2 ? [python2, write('bind2.py', PY_BIND)] : null;
  },
  "Python 3, Python 2's OSError (and @lsbaws/posix)": () => {
    const python3 = pythonFor(3);
    return python3 ? [python3, write('bind3.py', PY_BIND)] : null;
  },
  'Node.js': () => [process.execPath, write('bind.js', NODE_BIND)],
  Rust: () => {
    if (!has('rustc')) return null;
    execFileSync('rustc', ['-o', join(dir, 'bind_rs'), write('bind.rs', RUST_BIND)], { stdio: 'pipe' });
    return [join(dir, 'bind_rs')];
  },
  Ruby: () => (has('ruby') ? ['ruby', write('bind.rb', RUBY_BIND)] : null),
  Java: () => {
    if (!has('javac') || !has('java')) return null;
    execFileSync('javac', ['-d', dir, write('Bind.java', JAVA_BIND)], { stdio: 'pipe' });
    return ['java', '-cp', dir, 'Bind'];
  },
  Go: () => {
    if (!has('go')) return null;
    return ['go', 'run', write('bind.go', GO_BIND)];
  },
  "C (perror, strerror), Perl's $!": () => {
    execFileSync('gcc', ['-o', join(dir, 'bind_c'), write('bind.c', C_BIND)], { stdio: 'pipe' });
    return [join(dir, 'bind_c')];
  },
};

const PY_BIND = `import os, socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(('', int(os.environ['PORT'])))
`;
const NODE_BIND = `require('node:net').createServer().listen(Number(process.env.PORT), '0.0.0.0');\n`;
const RUST_BIND = `use std::net::TcpListener;
fn main() {
    let port = std::env::var("PORT").unwrap();
    let _listener = TcpListener::bind(format!("0.0.0.0:{}", port)).unwrap();
}
`;
const RUBY_BIND = `require 'socket'\nTCPServer.new('0.0.0.0', ENV['PORT'].to_i)\n`;
const JAVA_BIND = `public class Bind {
  public static void main(String[] args) throws Exception {
    new java.net.ServerSocket(Integer.parseInt(System.getenv("PORT")));
  }
}
`;
const GO_BIND = `package main

import ("net"; "os")

func main() {
	if _, err := net.Listen("tcp", ":"+os.Getenv("PORT")); err != nil { println(err.Error()); os.Exit(1) }
}
`;
const C_BIND = `#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

int main(void) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(atoi(getenv("PORT")))};
  if (bind(s, (struct sockaddr *)&a, sizeof a) < 0) {
    perror("bind");
    return 1;
  }
  return 0;
}
`;
const PERL_BIND = `use Socket;
socket(my $s, PF_INET, SOCK_STREAM, 0) or die "socket: $!";
bind($s, sockaddr_in($ENV{PORT}, INADDR_ANY)) or die "bind: $!";
`;

t.test('one table: each row reads its own example line', async (t) => {
  t.same(Object.keys(PROGRAMS).sort(), CRASH_WORDS.map((w) => w.language).sort(), 'a program for every row');
  for (const words of CRASH_WORDS) {
    const crash = crashOf(words.example);
    t.ok(crash, `${words.language}: ${words.example}`);
    t.equal(crash?.language, words.language, `${words.language}: read by its own row`);
  }
  t.equal(crashOf('socket.error: [Errno 4] Interrupted system call')?.code, 'EINTR', "the article's line");
  t.equal(crashOf('accept: Interrupted system call')?.code, 'EINTR', "C's perror");
  t.equal(crashOf('OSError: [Errno 24] Too many open files (accept)')?.code, 'EMFILE', '@lsbaws/posix');
  t.equal(crashOf('accept: Too many open files in system')?.code, 'ENFILE', 'the longer text first');
  t.equal(crashOf('all good\nServing HTTP on port 8888 ...'), null, 'no crash in ordinary output');
});

for (const words of CRASH_WORDS) {
  const argv = PROGRAMS[words.language]?.() ?? null;
  const skip = argv === null && `no ${words.language} on this machine`;
  t.test(`${words.language}: a real program's crash is read as EADDRINUSE`, { skip }, async (t) => {
    if (argv === null) return;
    const run = spawnSync(argv[0] ?? '', argv.slice(1), {
      cwd: dir,
      env: { ...process.env, PORT },
      encoding: 'utf8',
      timeout: 60_000,
    });
    const output = `${run.stdout}${run.stderr}`;
    t.not(run.status, 0, 'the program died');
    const crash = crashOf(output);
    t.equal(crash?.code, 'EADDRINUSE', output.trim().split('\n').slice(0, 3).join(' | '));
    t.equal(crash?.errno, 98);
    t.equal(crash?.language, words.language, 'read by its own row');
  });
}

t.test("Perl's $!, read by the C row (the same strerror text)", { skip: !has('perl') && 'no perl' }, async (t) => {
  const run = spawnSync('perl', [write('bind.pl', PERL_BIND)], { env: { ...process.env, PORT }, encoding: 'utf8' });
  t.match(run.stderr, /^bind: Address already in use at .* line \d+\.$/m);
  t.equal(crashOf(run.stderr)?.code, 'EADDRINUSE');
});
