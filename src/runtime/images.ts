// Images the stack needs: present, pulled with progress, or (offline) every missing one named at once.
import type { Engine } from './engine.js';

export async function missingImages(engine: Engine, images: string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const image of images) if ((await engine.imageArchitecture(image)) === undefined) missing.push(image);
  return missing;
}

/** Pulls one image after another; on a TTY one updating line, otherwise a line per layer change. */
export async function pullImages(engine: Engine, images: string[], tty: boolean, print: (line: string) => void): Promise<void> {
  for (const image of images) {
    const seen = new Set<string>();
    await engine.pull(image, (line) => {
      if (tty) process.stdout.write(`\r\x1b[2K${line.slice(0, (process.stdout.columns ?? 100) - 1)}`);
      else if (!line.includes('Downloading') && !line.includes('Extracting') && !seen.has(line)) {
        seen.add(line);
        print(line);
      }
    });
    if (tty) process.stdout.write('\r\x1b[2K');
    print(`pulled ${image}`);
  }
}
