import { alertWebhookProblem } from '../rules.js';
import type { Inputs, Problems } from './inputs.js';

/** Deploy notifications (src/notify/webhook.ts). */
export interface NotifySettings {
  /** A secret: masked in every log; empty: no notifications. */
  webhook: string;
}

/** `notify-webhook`. */
export function parseNotifySettings(read: Inputs, _problems: Problems): NotifySettings {
  const webhook = read.text('notify-webhook');
  // The rule's words never quote the value (it is a secret).
  if (webhook) read.check('notify-webhook', alertWebhookProblem(webhook));
  return { webhook };
}
