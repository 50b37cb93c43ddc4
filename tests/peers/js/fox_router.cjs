// Runs the router of fox-wamp for a test process, and stops when that process goes away.
//
// Usage: node fox_router.cjs PORT
//
// Serves every realm with fox-wamp's `FoxRouter`, as its README starts it: WAMP over WebSocket
// at ws://127.0.0.1:PORT/ws. Prints READY once it listens. The test process holds this
// script's stdin open: at its end (the test process exited, however it exited) the router stops.

'use strict';

const http = require('http');
const FoxRouter = require('fox-wamp');

const port = Number(process.argv[2]);
const server = http.createServer();
new FoxRouter().listenWAMP({ server, path: '/ws' });
server.listen(port, '127.0.0.1', () => console.log('READY'));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
