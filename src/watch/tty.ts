// The terminal driver: draws renderView in place (log-update, on the alternate screen so the
// user's scrollback is untouched), redraws on every event and once a second for the ages, and
// restores the terminal however it ends: q, Ctrl-C (raw mode delivers it as a key), SIGINT/SIGTERM.
import ansiEscapes from 'ansi-escapes';
import type { ChalkInstance } from 'chalk';
import { createLogUpdate } from 'log-update';
import type { Hub } from './hub.js';
import type { StackState, WatchEvent } from './model.js';
import { renderView } from './view.js';

export interface TtyView {
  /** Resolves when the user quits. */
  closed: Promise<void>;
  close(): void;
}

export function startTtyView(hub: Hub, state: () => StackState, color: ChalkInstance, note?: string, stdin = process.stdin, stdout = process.stdout): TtyView {
  const log = createLogUpdate(stdout);
  const recent: WatchEvent[] = [];
  let last = '';
  const draw = () => {
    const frame = renderView(state(), recent, Date.now(), color, stdout.columns || 100, note)
      .slice(0, Math.max(5, (stdout.rows || 40) - 1))
      .join('\n');
    if (frame === last) return; // nothing changed: no write, no work for the terminal
    last = frame;
    log(frame);
  };
  const unsubscribe = hub.subscribe((e) => {
    if (e.type !== 'snapshot') recent.unshift(e);
    recent.length = Math.min(recent.length, 5);
    draw();
  });
  const tick = setInterval(draw, 1000);
  stdout.write(ansiEscapes.enterAlternativeScreen);
  if (stdin.isTTY) stdin.setRawMode(true);
  stdin.resume();

  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  let done = false;
  const close = () => {
    if (done) return;
    done = true;
    clearInterval(tick);
    unsubscribe();
    log.clear();
    log.done(); // shows the cursor again
    stdout.write(ansiEscapes.exitAlternativeScreen);
    if (stdin.isTTY) stdin.setRawMode(false);
    stdin.pause();
    stdin.off('data', onKey);
    process.off('SIGINT', close);
    process.off('SIGTERM', close);
    process.off('exit', close);
    resolveClosed();
  };
  const onKey = (b: Buffer) => {
    const key = b.toString();
    if (key === 'q' || key === 'Q' || key === '\u0003' || key === '\u0004') close();
  };
  stdin.on('data', onKey);
  stdout.on('resize', () => {
    last = '';
    draw();
  });
  process.once('SIGINT', close);
  process.once('SIGTERM', close);
  process.once('exit', close);
  draw();
  return { closed, close };
}
