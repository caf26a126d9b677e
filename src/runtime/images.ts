// Images the stack needs: present, pulled with progress, or (offline) every missing one named at once.
import type { Output } from '../app/ports.js';
import type { Engine } from './engine.js';

export async function missingImages(engine: Engine, images: string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const image of images) if ((await engine.imageArchitecture(image)) === undefined) missing.push(image);
  return missing;
}

/** Pulls one image after another; on a terminal one updating line, otherwise a line per layer change. */
export async function pullImages(engine: Engine, images: string[], out: Output, tty: boolean): Promise<void> {
  for (const image of images) {
    const seen = new Set<string>();
    await engine.pull(image, (line) => {
      if (tty) out.progress(line);
      else if (!line.includes('Downloading') && !line.includes('Extracting') && !seen.has(line)) {
        seen.add(line);
        out.info(line);
      }
    });
    if (tty) out.progress('');
    out.info(`pulled ${image}`);
  }
}
