// What `obsctl logs | less` and up's failure diagnosis print: no terminal control sequences.
import { describe, expect, it } from 'vitest';
import { plainLines, plainText } from '../src/runtime/plain-text.js';

describe('plain text for pipes and files', () => {
  it('drops what docker compose logs 2.2x writes to a pipe, keeps the text', () => {
    expect(plainText('\x1b[2Kprometheus-1  | ts=1 level=info msg="ready"')).toBe('prometheus-1  | ts=1 level=info msg="ready"');
    expect(plainText('\x1b[32mgreen\x1b[0m \x1b[1;31mred\x1b[m')).toBe('green red');
    expect(plainText('50%\r100%\r\n')).toBe('50%100%\r\n');
    expect(plainText('\x1b]0;title\x07text \x1b7saved\x1b8')).toBe('text saved');
  });

  it('leaves ordinary text alone, unicode and brackets included', () => {
    const line = 'alertmanager-1 | msg="Listening on" address=[::]:9093 µs ✓ [2K]';
    expect(plainText(line)).toBe(line);
    expect([...plainLines('\x1b[2Kx')]).toEqual(['x']);
  });
});
