import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TraceSink } from '../kernel/trace/trace.js';

const FLUSH_CHARS = 1 << 16;

/**
 * Streams trace lines to a file without holding the trace in memory. Written to a temporary file
 * next to the target and renamed into place on close, so a reader never sees half a trace and an
 * interrupted run leaves the previous file intact.
 */
export class FileSink implements TraceSink {
  private readonly fd: number;
  private readonly tmp: string;
  private buffer: string[] = [];
  private buffered = 0;
  private closed = false;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.tmp = `${path}.${process.pid}.tmp`;
    this.fd = openSync(this.tmp, 'w');
  }

  write(line: string): void {
    this.buffer.push(line);
    this.buffered += line.length + 1;
    if (this.buffered >= FLUSH_CHARS) this.flush();
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    writeSync(this.fd, `${this.buffer.join('\n')}\n`);
    this.buffer = [];
    this.buffered = 0;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.flush();
    closeSync(this.fd);
    renameSync(this.tmp, this.path);
  }

  /** Drops the partial file (the run failed). */
  abort(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
    rmSync(this.tmp, { force: true });
  }
}

/** Writes a whole file atomically (temp file, then rename). */
export function writeFileAtomic(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
