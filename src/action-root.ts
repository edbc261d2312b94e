import * as path from 'node:path';
import { templatesDir } from './render.js';

/**
 * The action's own folder (action.yml, templates/, examples/): where templates/ was found, by the
 * one search in render.ts (not import.meta.url, which ncc rewrites in the bundle).
 */
export function actionRoot(): string {
  return path.dirname(templatesDir());
}
