/**
 * Python's socket module: IPv4 stream sockets with blocking calls (or non-blocking: setblocking).
 * Every call is synchronous except accept(), the call the article interrupts with a signal:
 * it waits with the event loop, so that signal handlers run while it blocks and, when a
 * signal has interrupted it, before it throws EINTR (the handler runs first, as in C).
 */
import { platform } from './platform/index.js';
import { call, check, checkRestarting } from './libc.js';
import { BlockingIOError, OSError, TimeoutError } from './errors.js';
import { waitReadable } from './event-loop.js';

export const { AF_UNIX, AF_INET, SOCK_STREAM, SOL_SOCKET, SO_REUSEADDR, SHUT_WR, MSG_DONTWAIT } = platform.socket;
const { SOMAXCONN, SO_RCVTIMEO, SO_SNDTIMEO } = platform.socket;

/** An IPv4 address as Python writes it: [host, port]. '' is any address (INADDR_ANY). */
export type Address = [host: string, port: number];

const sin = platform.sockaddrIn;
const { EAGAIN } = platform.errno;
const { F_GETFL, F_SETFL, O_NONBLOCK } = platform.fcntl;
/** accept(2)'s out-parameters, filled and read within one synchronous call: one pair serves every accept. */
const peer = Buffer.alloc(sin.size);
const peerLength = Buffer.alloc(4);

/** Python closes a socket that nobody references any more; so does this one (when GC finds it). */
const unreferenced = new FinalizationRegistry<number>((fd) => call('close', fd));

/**
 * Registers a socket that is still open with `unreferenced`, at the end of the tick that made it
 * (until then this pending call keeps it alive). A socket closed within that tick, like each
 * connection of a forking server, costs the registry nothing: a registration is a cell in V8's
 * old generation that stays there after unregister() until a full collection (75 bytes a request).
 */
function closeWhenUnreferenced(s: Socket): void {
  if (s.fileno() !== -1) unreferenced.register(s, s.fileno(), s);
}

export class Socket {
  private fd: number;
  private timeout: number | null = null;
  readonly family: number;
  readonly type: number;

  /** socket(2), or a Socket for a descriptor that is already open. */
  constructor(family = AF_INET, type = SOCK_STREAM, proto = 0, fileno?: number) {
    this.family = family;
    this.type = type;
    this.fd = fileno ?? check('socket', family, type, proto);
    process.nextTick(closeWhenUnreferenced, this);
  }

  /** The descriptor, or -1 once closed. */
  fileno(): number {
    return this.fd;
  }

  /** setsockopt(2) with an int value. */
  setsockopt(level: number, optname: number, value: number): void {
    const int = Buffer.alloc(4);
    int.writeInt32LE(value);
    check('setsockopt', this.fd, level, optname, int, int.length);
  }

  /**
   * Python's settimeout: recv and send give up with TimeoutError after this many seconds
   * (SO_RCVTIMEO and SO_SNDTIMEO); null blocks for ever again.
   */
  settimeout(seconds: number | null): void {
    const { size, secOffset, usecOffset } = platform.timeval;
    const tv = Buffer.alloc(size); // all zero: no timeout
    if (seconds !== null) {
      const usec = Math.max(1, Math.round(seconds * 1e6));
      tv.writeBigInt64LE(BigInt(Math.floor(usec / 1e6)), secOffset);
      tv.writeBigInt64LE(BigInt(usec % 1e6), usecOffset);
    }
    for (const optname of [SO_RCVTIMEO, SO_SNDTIMEO]) check('setsockopt', this.fd, SOL_SOCKET, optname, tv, tv.length);
    this.timeout = seconds;
  }

  /**
   * Python's setblocking: false sets O_NONBLOCK (fcntl(2)), and a call that would wait throws
   * BlockingIOError instead ([Errno 11]); gettimeout() is then 0, as in Python.
   */
  setblocking(flag: boolean): void {
    const flags = check('fcntl', this.fd, F_GETFL, 0);
    check('fcntl', this.fd, F_SETFL, flag ? flags & ~O_NONBLOCK : flags | O_NONBLOCK);
    this.timeout = flag ? null : 0;
  }

  /** The timeout settimeout() set, or null. */
  gettimeout(): number | null {
    return this.timeout;
  }

  /** bind(2). */
  bind(address: Address): void {
    const addr = packSockaddrIn(address);
    check('bind', this.fd, addr, addr.length);
  }

  /** listen(2). */
  listen(backlog: number = SOMAXCONN): void {
    check('listen', this.fd, backlog);
  }

  /** accept(2): the new connection and the peer's address. Interruptible: see the module comment. */
  async accept(): Promise<[Socket, Address]> {
    // a connection is waiting, or this throws (EINTR...); a non-blocking socket does not wait
    if (this.timeout !== 0) await waitReadable(this.fd, 'accept');
    peerLength.writeUInt32LE(peer.length);
    const fd = this.timed('accept', 0, () => check('accept', this.fd, peer, peerLength));
    return [new Socket(this.family, this.type, 0, fd), unpackSockaddrIn(peer)];
  }

  /** connect(2). */
  connect(address: Address): void {
    const addr = packSockaddrIn(address);
    checkRestarting('connect', this.fd, addr, addr.length);
  }

  /** recv(2): at most bufsize bytes; an empty Buffer when the peer has closed its side. */
  recv(bufsize: number, flags = 0): Buffer {
    const buf = Buffer.allocUnsafe(bufsize);
    const n = this.timed('recv', flags, () => checkRestarting('recv', this.fd, buf, bufsize, flags));
    return buf.subarray(0, n);
  }

  /** send(2): returns how many bytes went. */
  send(data: Uint8Array | string, flags = 0): number {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    return this.timed('send', flags, () => checkRestarting('send', this.fd, bytes, bytes.length, flags));
  }

  /** send(2) until every byte has gone. */
  sendall(data: Uint8Array | string, flags = 0): void {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    for (let sent = 0; sent < bytes.length;) sent += this.send(bytes.subarray(sent), flags);
  }

  /** shutdown(2): SHUT_RD, SHUT_WR or SHUT_RDWR. */
  shutdown(how: number): void {
    check('shutdown', this.fd, how);
  }

  /** getsockname(2): this end's [host, port]. */
  getsockname(): Address {
    const addr = Buffer.alloc(sin.size);
    const addrlen = Buffer.alloc(4);
    addrlen.writeUInt32LE(addr.length);
    check('getsockname', this.fd, addr, addrlen);
    return unpackSockaddrIn(addr);
  }

  /** close(2); closing twice is harmless, as in Python. */
  close(): void {
    if (this.fd === -1) return;
    const fd = this.fd;
    this.fd = -1;
    unreferenced.unregister(this);
    check('close', fd);
  }

  /**
   * A call on a socket with a timeout that ran out (EAGAIN) throws TimeoutError, and on a
   * non-blocking one BlockingIOError, as in Python. With MSG_DONTWAIT among its flags it throws
   * BlockingIOError at once, timeout or not (Python waits for a timed socket's timeout first):
   * what @lsbaws/wsgi's reads and sends rely on.
   */
  private timed(syscall: string, flags: number, f: () => number): number {
    try {
      return f();
    } catch (e) {
      const nonBlocking = this.timeout === 0 || (flags & MSG_DONTWAIT) !== 0;
      if (nonBlocking && e instanceof OSError && e.errno === EAGAIN) throw new BlockingIOError(syscall);
      if (this.timeout !== null && e instanceof OSError && e.errno === EAGAIN) throw new TimeoutError(syscall);
      throw e;
    }
  }
}

/** Python's socket.socket(family, type). */
export function socket(family = AF_INET, type = SOCK_STREAM, proto = 0): Socket {
  return new Socket(family, type, proto);
}

/** socketpair(2): two sockets connected to each other, as Python's socket.socketpair() (AF_UNIX). */
export function socketpair(family = AF_UNIX, type = SOCK_STREAM, proto = 0): [Socket, Socket] {
  const fds = Buffer.alloc(8);
  check('socketpair', family, type, proto, fds);
  return [new Socket(family, type, proto, fds.readInt32LE(0)), new Socket(family, type, proto, fds.readInt32LE(4))];
}

/** gethostname(2). */
function gethostname(): string {
  const name = Buffer.alloc(256);
  check('gethostname', name, name.length);
  return name.toString('latin1', 0, name.indexOf(0));
}

/** Python's socket.getfqdn for what this package resolves: the host's own name for '' and 0.0.0.0. */
export function getfqdn(name = ''): string {
  return name === '' || name === '0.0.0.0' ? gethostname() : name;
}

/** inet_aton(3) for the names this package resolves: '', 'localhost' and dotted quads. */
function inetAton(host: string): Buffer {
  if (host === '') return Buffer.from([0, 0, 0, 0]);
  if (host === 'localhost') return Buffer.from([127, 0, 0, 1]);
  const parts = host.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new OSError(
      -2,
      `Name or service not known: '${host}' (use a dotted IPv4 address or localhost)`,
      'getaddrinfo',
      'EAI_NONAME',
    );
  }
  return Buffer.from(parts);
}

function packSockaddrIn([host, port]: Address): Buffer {
  const addr = Buffer.alloc(sin.size);
  addr.writeUInt16LE(AF_INET, sin.familyOffset);
  addr.writeUInt16BE(port, sin.portOffset);
  inetAton(host).copy(addr, sin.addrOffset);
  return addr;
}

function unpackSockaddrIn(addr: Buffer): Address {
  const at = sin.addrOffset;
  const host = `${addr[at]}.${addr[at + 1]}.${addr[at + 2]}.${addr[at + 3]}`;
  return [host, addr.readUInt16BE(sin.portOffset)];
}
