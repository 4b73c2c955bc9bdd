/**
 * Connections as the kernel sees them, for the servers that hold many at once or share them out
 * (the stages beyond the article): which process holds one, and idle clients that hold them open.
 */
import { openConnection, type OpenConnection } from './clients.js';
import { descendants, fds, tcpTable } from './procfs.js';

/**
 * The process of server's tree (server and its descendants) that holds the server end of the
 * connection from 127.0.0.1:clientPort to port, from /proc/net/tcp and /proc/PID/fd; null while none does.
 */
export function holderOfConnection(server: number, port: number, clientPort: number): number | null {
  const end = tcpTable().find((s) => s.inode !== 0 && s.local[1] === port && s.remote[1] === clientPort);
  if (end === undefined) return null;
  const target = `socket:[${end.inode}]`;
  return [server, ...descendants(server)].find((pid) => [...fds(pid).values()].includes(target)) ?? null;
}

/** The ESTABLISHED connections to port whose server end pid holds, from /proc. */
export function connectionsHeld(pid: number, port: number): number {
  const held = new Set(fds(pid).values());
  return tcpTable().filter((s) => s.state === 'ESTABLISHED' && s.local[1] === port && held.has(`socket:[${s.inode}]`))
    .length;
}

/** n clients that connect to port and send nothing (slow clients), opened 50 at a time. */
export async function idleClients(port: number, n: number): Promise<OpenConnection[]> {
  const open: OpenConnection[] = [];
  for (let i = 0; i < n; i += 50) {
    const batch = Array.from({ length: Math.min(50, n - i) }, () => openConnection(port));
    open.push(...(await Promise.all(batch)));
  }
  return open;
}
