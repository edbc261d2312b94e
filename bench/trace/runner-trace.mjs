// Loaded with `node --import` before the bundled action (speed.bench.ts, its critical-path test):
// timestamps (ms since the epoch, sub-ms) of the process's start, every TCP connect, every chunk
// written to and read from a socket (the SSH connection's round trips), the log lines it prints
// (the step groups) and its exit, written to TRACE_FILE as JSON. Nothing in the product loads it.
import fs from 'node:fs';
import net from 'node:net';

const events = [];
const now = () => performance.timeOrigin + performance.now();
const note = (kind, detail = '') => events.push([now(), kind, detail]);
note('preload');

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  if (!this.__traced) {
    this.__traced = true;
    note('tcp connect');
    this.once('connect', () => note('tcp connected'));
    this.on('data', (b) => note('rx', String(b.length)));
    const write = this.write;
    this.write = function (chunk, ...rest) {
      note('tx', String(chunk?.length ?? 0));
      return write.call(this, chunk, ...rest);
    };
  }
  return connect.apply(this, args);
};

const out = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) => {
  for (const line of String(chunk).split('\n')) if (line.trim()) note('log', line.slice(0, 120));
  return out(chunk, ...rest);
};

process.on('exit', () => {
  note('exit');
  fs.writeFileSync(process.env.TRACE_FILE, JSON.stringify({ start: performance.timeOrigin, events }));
});
