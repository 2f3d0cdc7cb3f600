/**
 * Lingering close: a client still sending a body the server refused (413, Connection: close) reads the
 * refusal, instead of a reset that destroys it (EPIPE / ECONNRESET), and the server stops reading soon.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { lingerOnClose } from '../src/server/linger.js';

function refusingServer(linger: boolean): Promise<Server> {
  const server = createServer((req, res) => {
    res.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
    res.end('{"error":{"code":"PAYLOAD_TOO_LARGE"}}');
  });
  if (linger) lingerOnClose(server, 2000);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Sends headers declaring 64 MB, then pumps the body until the server's answer (or an error) arrives. */
function sendOversized(port: number): Promise<{ answer: string; error?: string }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    let settled = false;
    const done = (error?: string) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve({ answer, ...(error ? { error } : {}) });
    };
    const chunk = Buffer.alloc(256 * 1024, 0x61);
    let sent = 0;
    const pump = () => {
      while (!settled && sent < 64 * 1048576) {
        sent += chunk.length;
        if (!socket.write(chunk)) return void socket.once('drain', pump);
      }
    };
    socket.on('connect', () => {
      socket.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${64 * 1048576}\r\n\r\n`);
      pump();
    });
    socket.on('data', (data) => {
      answer += data.toString();
      if (answer.includes('PAYLOAD_TOO_LARGE')) done();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
    socket.on('close', () => done(answer ? undefined : 'closed without an answer'));
    // A busy client reads late: it is still writing when the answer arrives (a reset would break that write).
    socket.pause();
    setTimeout(() => socket.resume(), 200);
  });
}

test('a refused oversized body: the client still sending reads the 413 every time', async () => {
  const server = await refusingServer(true);
  const { port } = server.address() as AddressInfo;
  try {
    for (let i = 0; i < 5; i++) {
      const { answer, error } = await sendOversized(port);
      assert.equal(error, undefined, `try ${i}: ${error}`);
      assert.match(answer, /^HTTP\/1\.1 413/);
    }
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
