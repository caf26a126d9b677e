// Terminal control sequences out of text meant for a file or a pipe. `docker compose logs`
// (2.2x) prefixes lines with ESC[2K (erase line) even with --no-color when stdout is not a
// terminal, which shows as raw `ESC[2K` in `obsctl logs | less` or a saved log.

// CSI sequences (ESC [ params intermediates final), OSC strings (ESC ] ... BEL or ESC backslash), other
// two-byte ESC sequences (ESC 7, ESC M...), and a bare carriage return (a terminal's "redraw this line").
const controls = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b(?![[\]])[0-~]|\r(?!\n)/g;

export const plainText = (text: string) => text.replace(controls, '');

/** An execa transform: each line of output without control sequences. */
export function* plainLines(line: string): Generator<string> {
  yield plainText(line);
}
