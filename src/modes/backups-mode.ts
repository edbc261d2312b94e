import type { ModeStrategy } from './types.js';
import { withRememberedSettings } from '../deploy/remembered.js';
import { formatTable } from '../report.js';
import { backupDirOf, listBackups, requireDatabase, type BackupEntry } from '../steps/restore.js';
import { downloadBackup } from '../steps/download.js';
import { DeployError, step } from '../steps/step.js';
import { deployContext } from '../deploy/context.js';

export const BACKUPS_KEYS = ['backups-count', 'latest-backup', 'downloaded-backup'];

export const BACKUP_HEADER = ['id', 'time (UTC)', 'size', 'taken by', 'integrity'];

export function backupRows(list: BackupEntry[]): string[][] {
  return list.map((b) => [b.id, b.time, `${b.size} bytes`, b.takenBy, b.integrity]);
}

/**
 * Lists the database backups on each server (the deploys' and the daily timer's) with their
 * integrity, in the log and the job summary; with download-backup, copies the newest to the runner
 * and proves the copy there. Changes nothing on the server.
 */
export const backupsMode: ModeStrategy = {
  factKeys: BACKUPS_KEYS,
  okStatus: 'listed',
  async runHost(host) {
    const ctx = await withRememberedSettings(deployContext(host));
    requireDatabase(ctx, 'backups');
    const list = await step(ctx.logger, ctx.records, ctx.label, 'list backups', async () => {
      const l = await listBackups(ctx);
      return Object.assign(l, { detail: `${l.length} backup${l.length === 1 ? '' : 's'}` });
    });
    ctx.facts['backups-count'] = String(list.length);
    ctx.facts['latest-backup'] = list[0]?.id ?? '';
    // The whole list, for the summary's table and the hosts output.
    ctx.facts.backups = JSON.stringify(list);
    ctx.logger.info(
      `${ctx.label}: backups of ${ctx.settings.deploy.sqliteDb}, newest first:\n${formatTable(BACKUP_HEADER, backupRows(list))}`
    );
    const bad = list.filter((b) => b.integrity !== 'ok');
    if (bad.length)
      ctx.logger.warning(
        `${ctx.label}: ${bad.length} backup(s) fail PRAGMA integrity_check: ${bad.map((b) => b.id).join(', ')}`
      );
    const dest = ctx.settings.deploy.downloadBackup;
    if (dest) {
      const newest = list.find((b) => b.integrity === 'ok');
      if (!newest) {
        host.setStatus('failed');
        throw new DeployError(
          `no sound backup on ${ctx.label} to download`,
          'Deploy (each deploy takes a backup) or check the daily timer.'
        );
      }
      await step(ctx.logger, ctx.records, ctx.label, 'download backup', () =>
        downloadBackup(ctx, newest, backupDirOf(ctx, newest.id), dest)
      ).catch((err: unknown) => {
        host.setStatus('failed');
        throw err;
      });
    }
  }
};
