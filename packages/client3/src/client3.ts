/*********************************************************************
 * Test client - client3.ts                                          *
 *                                                                   *
 * Tested with Node 22, 24 & 26 on Linux                             *
 ********************************************************************/
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { os, socket } from '@lsbaws/posix';

const SERVER_ADDRESS: socket.Address = [process.env.HOST ?? 'localhost', Number(process.env.PORT ?? 8888)];
const [HOST, PORT] = SERVER_ADDRESS;
const REQUEST = Buffer.from(`\
GET /hello HTTP/1.1
Host: ${HOST}:${PORT}

`);

function main(maxClients: number, maxConns: number): void {
  const socks: socket.Socket[] = [];
  for (let clientNum = 0; clientNum < maxClients; clientNum++) {
    const pid = os.fork();
    if (pid === 0) {
      for (let connectionNum = 0; connectionNum < maxConns; connectionNum++) {
        const sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
        sock.connect(SERVER_ADDRESS);
        sock.sendall(REQUEST);
        socks.push(sock);
        console.log(connectionNum);
        os._exit(0);
      }
    }
  }
}

// `pnpm --filter client3 start -- --max-clients=300` passes the `--` on to the script
const argv = hideBin(process.argv);
if (argv[0] === '--') argv.shift();

const parser = yargs(argv)
  .scriptName('client3')
  .usage('$0 [options]\n\nTest client for LSBAWS.')
  .option('max-conns', {
    type: 'number',
    default: 1024,
    description: 'Maximum number of connections per client.',
  })
  .option('max-clients', {
    type: 'number',
    default: 1,
    description: 'Maximum number of clients.',
  })
  .check((parsed) => {
    for (const name of ['max-conns', 'max-clients'] as const) {
      if (!Number.isInteger(parsed[name])) throw new Error(`--${name}: invalid int value`);
    }
    // a child with no connection to make would not exit, but go on forking in its parent's loop
    if (parsed['max-conns'] < 1) throw new Error('--max-conns: must be at least 1');
    return true;
  })
  .strict()
  .version(false)
  .help()
  .alias('help', 'h');
const args = parser.parseSync();
main(args.maxClients, args.maxConns);
