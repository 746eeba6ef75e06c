import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Slack's Socket Mode endpoint, as far as a test needs it: the WebSocket handshake (RFC 6455), `hello` on
 * connect, envelopes sent to the app, and the app's acknowledgements (`{envelope_id, payload?}`) recorded.
 * Text frames only; pings are answered with pongs.
 */
export interface FakeSocketMode {
  connected(): boolean;
  send(envelope: Record<string, unknown>): void;
  // biome-ignore lint/suspicious/noExplicitAny: acknowledgements are read field by field
  acks: any[];
}

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export function attachSocketMode(server: Server, path = '/link'): FakeSocketMode {
  const sockets: Duplex[] = [];
  const acks: unknown[] = [];
  server.on('upgrade', (req, socket) => {
    if (!req.url?.startsWith(path)) return socket.destroy();
    const accept = createHash('sha1').update(`${req.headers['sec-websocket-key']}${GUID}`).digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    sockets.push(socket);
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (let frame = readFrame(buffered); frame; frame = readFrame(buffered)) {
        buffered = buffered.subarray(frame.length);
        if (frame.opcode === 0x9) socket.write(encodeFrame(frame.payload, 0xa));
        else if (frame.opcode === 0x8) socket.end(encodeFrame(Buffer.alloc(0), 0x8));
        else if (frame.opcode === 0x1) acks.push(JSON.parse(frame.payload.toString('utf8')));
      }
    });
    socket.on('error', () => {});
    socket.write(
      encodeFrame(
        Buffer.from(
          JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0CHATOPS01' } }),
        ),
        0x1,
      ),
    );
  });
  return {
    connected: () => sockets.some((socket) => !socket.destroyed),
    send(envelope) {
      for (const socket of sockets)
        if (!socket.destroyed) socket.write(encodeFrame(Buffer.from(JSON.stringify(envelope)), 0x1));
    },
    acks,
  };
}

function encodeFrame(payload: Buffer, opcode: number): Buffer {
  const length = payload.length;
  const header =
    length < 126
      ? Buffer.from([0x80 | opcode, length])
      : length < 65_536
        ? Buffer.from([0x80 | opcode, 126, length >> 8, length & 0xff])
        : Buffer.concat([Buffer.from([0x80 | opcode, 127]), bigLength(length)]);
  return Buffer.concat([header, payload]);
}

function bigLength(length: number): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeBigUInt64BE(BigInt(length));
  return buffer;
}

/** One client frame (always masked), or null until it has fully arrived. */
function readFrame(buffer: Buffer): { opcode: number; payload: Buffer; length: number } | null {
  if (buffer.length < 2) return null;
  const opcode = (buffer[0] ?? 0) & 0x0f;
  let length = (buffer[1] ?? 0) & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buffer.length < 4) return null;
    length = buffer.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buffer.length < 10) return null;
    length = Number(buffer.readBigUInt64BE(2));
    offset = 10;
  }
  const masked = ((buffer[1] ?? 0) & 0x80) !== 0;
  const maskLength = masked ? 4 : 0;
  if (buffer.length < offset + maskLength + length) return null;
  const mask = buffer.subarray(offset, offset + maskLength);
  const payload = Buffer.from(buffer.subarray(offset + maskLength, offset + maskLength + length));
  if (masked)
    for (let index = 0; index < payload.length; index += 1)
      payload[index] = (payload[index] ?? 0) ^ (mask[index % 4] ?? 0);
  return { opcode, payload, length: offset + maskLength + length };
}
