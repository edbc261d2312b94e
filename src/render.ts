/**
 * Every file the tool writes on a server comes from templates/ (Handlebars) through render/:
 * vars.ts (what the templates read, every path from the app's layout), templates.ts (finding and
 * filling a template), files.ts (the files by role, with where they go and who owns them).
 */
export { checkEnv, envQuote, templateVars } from './render/vars.js';
export type { EnvVar, TemplateInput, TemplateVars } from './render/vars.js';
export { renderTemplate, templatesDir } from './render/templates.js';
export {
  renderAppUnits,
  renderDbMaintenanceUnits,
  renderHealthUnits,
  renderLogrotate,
  renderNginxSite
} from './render/files.js';
export type { AppFiles, ServerFile, TimerFiles } from './render/files.js';
