// A tiny application server for namespace tests: /health answers "status: OK".
import http from 'node:http';

const [host, port] = process.argv.slice(2);
http
  .createServer((req, res) => {
    if (new URL(req.url ?? '/', 'http://app').pathname === '/health') res.end('status: OK\n');
    else res.writeHead(404).end('not found\n');
  })
  .listen(Number(port), host, () => console.log(`listening on ${host}:${port}`));
