/**
 * Python's select module, the part a server of many connections in one process uses:
 * select.poll(), a set of descriptors to wait on together (poll(2)). Its poll() waits with the
 * event loop, like socket.accept(), so that signal handlers run while it blocks.
 */
import { platform } from './platform/index.js';
import { OSError } from './errors.js';
import { pollWithEventLoop } from './event-loop.js';

export const { POLLIN, POLLPRI, POLLOUT, POLLERR, POLLHUP, POLLNVAL } = platform.poll;

const { size, fdOffset, eventsOffset, reventsOffset } = platform.pollfd;
const { EINTR, ENOENT } = platform.errno;

/** A descriptor, or an object with fileno() (a Socket), as Python's register() takes. */
export type FileLike = number | { fileno(): number };

const filenoOf = (fd: FileLike): number => (typeof fd === 'number' ? fd : fd.fileno());

/** Python's select.poll object: the descriptors to wait on, each with the events it waits for. */
export class Poll {
  private readonly registered = new Map<number, number>();

  /** Watches fd for eventmask (POLLIN | POLLPRI | POLLOUT by default); registering again modifies. */
  register(fd: FileLike, eventmask = POLLIN | POLLPRI | POLLOUT): void {
    this.registered.set(filenoOf(fd), eventmask);
  }

  /** Changes the events of a registered fd; OSError ENOENT when it is not registered, as in Python. */
  modify(fd: FileLike, eventmask: number): void {
    if (!this.registered.has(filenoOf(fd))) throw new OSError(ENOENT, 'No such file or directory', 'modify');
    this.register(fd, eventmask);
  }

  /** Stops watching fd; throws (Python's KeyError) when it is not registered. */
  unregister(fd: FileLike): void {
    if (!this.registered.delete(filenoOf(fd))) throw new RangeError(`KeyError: ${filenoOf(fd)} is not registered`);
  }

  /**
   * poll(2): waits at most timeout ms (null or negative: until one is ready) and returns the
   * [fd, events] of the descriptors that are ready. A signal runs its handler and the wait goes
   * on, as Python 3 does (PEP 475).
   */
  async poll(timeout: number | null = null): Promise<Array<[fd: number, event: number]>> {
    const fds = Buffer.alloc((this.registered.size + 1) * size);
    [...this.registered].forEach(([fd, events], i) => {
      fds.writeInt32LE(fd, i * size + fdOffset);
      fds.writeInt16LE(events, i * size + eventsOffset);
    });
    const deadline = timeout === null || timeout < 0 ? Infinity : Date.now() + timeout;
    for (;;) {
      const left = deadline === Infinity ? -1 : Math.max(0, deadline - Date.now());
      try {
        await pollWithEventLoop(fds, this.registered.size, left, 'poll');
        break;
      } catch (e) {
        if (!(e instanceof OSError) || e.errno !== EINTR) throw e;
      }
    }
    const ready: Array<[number, number]> = [];
    for (let i = 0; i < this.registered.size; i++) {
      const revents = fds.readUInt16LE(i * size + reventsOffset);
      if (revents !== 0) ready.push([fds.readInt32LE(i * size + fdOffset), revents]);
    }
    return ready;
  }
}

/** Python's select.poll(): a new, empty set of descriptors to poll. */
export function poll(): Poll {
  return new Poll();
}
