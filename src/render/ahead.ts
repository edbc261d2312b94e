import { APP_UNIT_TEMPLATES } from './files.js';
import { readScriptsAhead } from './scripts.js';
import { compileTemplate, templatesDir } from './templates.js';

/**
 * What a deploy's runner would otherwise do right after the upload's first answer, done while it
 * waits for the lock and the layout (the runner is idle for ~0.2 s there): the server scripts
 * read from disk, and the app's templates compiled (Handlebars compiles a template on its first
 * render, ~60 ms for these four, and that render came after an answer the deploy waits for).
 * One piece per turn of the event loop, so an answer that comes meanwhile waits for one piece at
 * most. A failure here is left for the real read or render to report.
 */
export function prepareRenderAhead(): Promise<void> {
  const pieces: (() => void)[] = [];
  let dir: string;
  pieces.push(() => {
    dir = templatesDir();
    readScriptsAhead(dir);
  });
  for (const name of Object.values(APP_UNIT_TEMPLATES)) pieces.push(() => compileTemplate(name, dir));
  return new Promise((resolve) => {
    const next = (): void => {
      const piece = pieces.shift();
      if (!piece) return resolve();
      try {
        piece();
      } catch {
        return resolve();
      }
      setImmediate(next);
    };
    setImmediate(next);
  });
}
