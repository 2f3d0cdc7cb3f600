import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Lingering close (RFC 9112 §9.6; nginx and Apache do the same). When the server ends a connection
 * the client is still sending on — a refused oversized body answered with `Connection: close` —
 * closing at once leaves unread bytes; the kernel answers them with a reset, and the reset can
 * destroy the refusal before the client has read it (the client then sees EPIPE or ECONNRESET, not
 * 413). So the server half-closes after the response, keeps discarding what still arrives for at most
 * `lingerMs`, and closes when the client does or the time is up. Nothing is buffered meanwhile.
 */
export function lingerOnClose(server: Server, lingerMs = 2000): void {
  server.on('connection', (socket: Socket) => {
    socket.destroySoon = function lingeringClose(this: Socket): void {
      if (this.destroyed) return;
      const close = () => {
        clearTimeout(timer);
        this.destroy();
      };
      const timer = setTimeout(close, lingerMs);
      timer.unref();
      this.once('end', close);
      this.once('error', close);
      this.on('data', discard);
      this.resume();
      this.end();
    };
  });
}

function discard(): void {}
