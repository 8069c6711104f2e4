// The two GET endpoints every benchmark server answers beside GraphQL: /health (the launcher
// waits for it) and /statements (what it sent to PostgreSQL, to compare statement counts).
import type http from 'node:http';

/** Answers /health and /statements; false for any other request (the caller serves it). */
export function answeredBenchEndpoint(req: http.IncomingMessage, res: http.ServerResponse, statements: () => number): boolean {
  if (req.method !== 'GET') return false;
  if (req.url === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    return true;
  }
  if (req.url === '/statements') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ statements: statements() }));
    return true;
  }
  return false;
}
