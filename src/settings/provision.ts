import {
  bodySizeProblem,
  debPackageProblem,
  safeAbsPathProblem,
  safeRelPathProblem,
  serverNameProblem,
  staticUrlProblem
} from '../rules.js';
import type { Inputs, Problems } from './inputs.js';
import { parseEdgeSettings, type EdgeSettings } from './edge.js';
import { parseMetricsSettings, type MetricsSettings } from './metrics.js';
import { SERVICES, type Service } from './services.js';
import { parseSiteSettings, type SiteSettings } from './site.js';

/** A `static` mapping: nginx serves a folder of the release, or of shared/, under a URL prefix. */
export interface StaticMap {
  /** /prefix/, with slashes. */
  url: string;
  /** Relative to the release, or to shared/ when shared. */
  folder: string;
  shared: boolean;
}

/** Server-wide setup for mode provision (and what mode verify checks). */
export interface ProvisionSettings {
  /** Extra Debian packages, on top of what provision always installs. */
  aptPackages: string[];
  /** nginx server_name: one or more names, '_' for any. */
  serverName: string;
  /** Folder in the release served by nginx at /static/ ('' for none). */
  staticPath: string;
  /** `static` mappings: URL prefix to a folder of the release, or of shared/ (uploads). */
  staticMaps: StaticMap[];
  clientMaxBodySize: string;
  /** Seconds between health checks of the health timer. */
  healthIntervalS: number;
  backupsDays: number;
  /** Absolute path on the server of an SQLite file to import ('' for none). */
  importDatabase: string;
  importDatabaseForce: boolean;
  dryRun: boolean;
  edge: EdgeSettings;
  /** canonical-host, security-headers, rate-limit. */
  site: SiteSettings;
  /** Services from Debian provision starts for the app (redis); deploy adds their URLs to the env. */
  services: Service[];
  /** metrics: node-exporter and the app's Prometheus text file. */
  metrics: MetricsSettings;
}

/** `static`: URL-PREFIX=FOLDER items, none of them mapped twice (static-path serves /static/ too). */
function parseStaticMaps(read: Inputs, staticPath: string): StaticMap[] {
  const maps: StaticMap[] = [];
  for (const item of read.list('static', /[\s,]+/)) {
    const m = /^(\/[^=]*?)\/*=(.+)$/.exec(item);
    const url = m ? `${m[1]!.replace(/\/+$/, '')}/` : '';
    const folder = m ? m[2]!.replace(/\/+$/, '') : '';
    const bad = !m
      ? `must be URL-PREFIX=FOLDER (for example /static/=staticfiles or /media/=shared/media), got '${item}'`
      : (staticUrlProblem(url) ?? safeRelPathProblem(folder));
    if (bad) read.check('static', bad);
    else if (maps.some((x) => x.url === url) || (url === '/static/' && staticPath))
      read.check('static', `${url} is mapped twice (static-path serves /static/ too)`);
    else
      maps.push(
        folder.startsWith('shared/')
          ? { url, folder: folder.slice('shared/'.length), shared: true }
          : { url, folder, shared: false }
      );
  }
  return maps;
}

/** The inputs of mode provision; `import-database` needs the deploy's `sqlite-db` (where it goes). */
export function parseProvisionSettings(
  read: Inputs,
  problems: Problems,
  sqliteDb: string
): ProvisionSettings {
  const aptPackages = read.list('apt-packages', /[\s,]+/);
  for (const p of aptPackages) read.check('apt-packages', debPackageProblem(p));
  const names = read.list('server-name', /[\s,]+/);
  for (const n of names) read.check('server-name', serverNameProblem(n));
  if (names.length === 0) problems.push('input `server-name`: give at least one name, or _ for any');
  const staticPath = read.text('static-path').replace(/\/+$/, '');
  if (staticPath !== '') read.check('static-path', safeRelPathProblem(staticPath));
  const clientMaxBodySize = read.get('client-max-body-size');
  read.check('client-max-body-size', bodySizeProblem(clientMaxBodySize));
  const healthIntervalS = Math.round(read.duration('health-interval') / 1000);
  if (healthIntervalS < 10)
    problems.push(`input \`health-interval\`: must be at least 10s, got '${read.get('health-interval')}'`);
  const importDatabase = read.text('import-database');
  if (importDatabase !== '') {
    const bad = safeAbsPathProblem(importDatabase);
    if (bad) read.check('import-database', `${bad} (a file on the server)`);
    if (sqliteDb === '')
      problems.push(
        'input `import-database`: needs `sqlite-db` too (where in APP-DIR/shared the database goes, e.g. instance/app.db)'
      );
  }
  const staticMaps = parseStaticMaps(read, staticPath);
  const served = [...staticMaps.map((m) => m.url), ...(staticPath ? ['/static/'] : [])];
  return {
    aptPackages,
    serverName: names.join(' '),
    staticPath,
    staticMaps,
    clientMaxBodySize,
    healthIntervalS,
    backupsDays: read.int('backups-days', 1, 3650),
    importDatabase,
    importDatabaseForce: read.bool('import-database-force'),
    dryRun: read.bool('dry-run'),
    edge: parseEdgeSettings(read, problems),
    site: parseSiteSettings(read, problems, names, served),
    services: parseServices(read),
    metrics: parseMetricsSettings(read, problems)
  };
}

/** `services`: names from SERVICES, each once. */
function parseServices(read: Inputs): Service[] {
  const out: Service[] = [];
  for (const name of read.list('services', /[\s,]+/)) {
    if (!(SERVICES as readonly string[]).includes(name))
      read.check('services', `'${name}' is not a service this tool provides (${SERVICES.join(', ')})`);
    else if (!out.includes(name as Service)) out.push(name as Service);
  }
  return out;
}
