/** Bench helper process: a bare aedes broker on the port given, so the edge's PUBACKs are cheap. */
import net from 'node:net';
import { Aedes } from 'aedes';

const port = Number(process.argv[2]);
const broker = await Aedes.createBroker({ maxClientsIdLength: 128 });
const server = net.createServer((s) => broker.handle(s));
server.listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
process.once('SIGTERM', () => process.exit(0));
