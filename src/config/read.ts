// Reads obsctl.yaml from disk with a bound: only a regular file, at most MAX_CONFIG_BYTES, decoded
// as strict UTF-8. A FIFO, a device (`-c /dev/zero`) or a directory is refused before a byte is
// read, so nothing can make obsctl read forever. Bytes that are not UTF-8 become a located issue.
import { isUtf8 } from 'node:buffer';
import fs from 'node:fs';
import type { ConfigIssue } from './issues.js';
import { MAX_CONFIG_BYTES } from './limits.js';

export type ReadResult =
  | { kind: 'missing' }
  | { kind: 'refused'; reason: string; hint: string }
  | { kind: 'text'; text: string; issue?: ConfigIssue };

const kindOf = (s: fs.Stats) =>
  s.isDirectory() ? 'a directory' : s.isFIFO() ? 'a named pipe (FIFO)' : s.isCharacterDevice() || s.isBlockDevice() ? 'a device' : s.isSocket() ? 'a socket' : 'not a regular file';

export function readConfigFile(file: string): ReadResult {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; it has no effect on regular files.
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'missing' };
    if (code === 'ENOTDIR') return { kind: 'missing' };
    if (code === 'EISDIR') return refusedKind('a directory');
    if (code === 'EACCES' || code === 'EPERM') return { kind: 'refused', reason: 'permission denied', hint: 'Check the file\'s permissions (it must be readable by you).' };
    if (code === 'ELOOP') return { kind: 'refused', reason: 'a symbolic link loop', hint: 'Point -c at the real file.' };
    return { kind: 'refused', reason: code ?? 'unreadable', hint: 'Check the path and its permissions.' };
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return refusedKind(kindOf(stat));
    if (stat.size > MAX_CONFIG_BYTES) return tooLarge(stat.size);
    // Read one byte past the limit: a file that grew after fstat is caught too.
    const buffer = Buffer.alloc(Math.min(MAX_CONFIG_BYTES + 1, stat.size + 1));
    let length = 0;
    for (;;) {
      const n = fs.readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length === buffer.length) break;
    }
    if (length > MAX_CONFIG_BYTES) return tooLarge(length);
    return decode(buffer.subarray(0, length));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') return refusedKind('a directory');
    return { kind: 'refused', reason: code ?? (e as Error).message, hint: 'Check the path and its permissions.' };
  } finally {
    fs.closeSync(fd);
  }
}

function refusedKind(kind: string): ReadResult {
  return { kind: 'refused', reason: `it is ${kind}, not a file`, hint: 'Pass -c the path of an obsctl.yaml file.' };
}

function tooLarge(size: number): ReadResult {
  return {
    kind: 'refused',
    reason: `it is larger than ${MAX_CONFIG_BYTES / 1024} KiB (${size > MAX_CONFIG_BYTES * 4 ? 'much more' : `${size} bytes`}); obsctl reads at most ${MAX_CONFIG_BYTES} bytes`,
    hint: 'obsctl.yaml is a short hand-written file; check that -c names the right one.',
  };
}

/** Strict UTF-8 (a leading BOM is dropped); the first invalid byte becomes an issue at its line. */
export function decode(bytes: Buffer): ReadResult {
  if (isUtf8(bytes)) {
    const text = bytes.toString('utf8');
    return { kind: 'text', text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  }
  const bad = firstInvalidUtf8(bytes);
  const before = bytes.subarray(0, bad).toString('utf8');
  const line = before.split('\n').length;
  const col = before.length - before.lastIndexOf('\n');
  const text = bytes.toString('utf8');
  return {
    kind: 'text',
    text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text,
    issue: {
      code: 'not_utf8',
      severity: 'error',
      path: '',
      message: `byte 0x${bytes[bad]!.toString(16).padStart(2, '0')} at offset ${bad} is not UTF-8 text`,
      hint: 'Save obsctl.yaml as UTF-8 (is this a binary or a file in another encoding?).',
      line,
      col,
    },
  };
}

function firstInvalidUtf8(b: Buffer): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    const n = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    if (n > 0 && !isUtf8(b.subarray(i, i + n + 1))) return i;
    i += n + 1;
  }
  return b.length - 1;
}
