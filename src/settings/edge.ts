import {
  alertWebhookProblem,
  parseFirewallAllow,
  parseSource,
  sourceText,
  type FirewallPort
} from '../rules.js';
import type { Inputs, Problems } from './inputs.js';

/** The server's edge: its own firewall, and where it reports what went wrong while no one watched. */
export interface EdgeSettings {
  /** nftables rules of the tool's own (provision), or removed when false. */
  firewall: boolean;
  /** Ports open on top of SSH, 80 and 443. */
  firewallAllow: FirewallPort[];
  /** SSH let in only from these sources (plain address or CIDR), plus the run's own; [] for anyone. */
  sshAllowFrom: string[];
  /** Webhook URL the server POSTs its alerts to ('' for none). A secret: it can hold a token. */
  alertWebhook: string;
  /** Debian's fail2ban: the server's sshd jail and the app's rate-limit jail (provision). */
  fail2ban: boolean;
}

/** The inputs firewall, firewall-allow, ssh-allow-from, alert-webhook and fail2ban; every bad value adds one problem. */
export function parseEdgeSettings(read: Inputs, problems: Problems): EdgeSettings {
  const firewall = read.bool('firewall');
  const allow = parseFirewallAllow(read('firewall-allow'));
  if (typeof allow === 'string') problems.push(`input \`firewall-allow\`: ${allow}`);
  const alertWebhook = read.text('alert-webhook');
  // Never quoted back: the URL may carry the webhook's token.
  read.check('alert-webhook', alertWebhook ? alertWebhookProblem(alertWebhook) : undefined);
  return {
    firewall,
    firewallAllow: typeof allow === 'string' ? [] : allow,
    sshAllowFrom: parseSshAllowFrom(read, firewall),
    alertWebhook,
    fail2ban: read.bool('fail2ban')
  };
}

/** ssh-allow-from: addresses and CIDR blocks in their plain form, each once; only with the firewall. */
function parseSshAllowFrom(read: Inputs, firewall: boolean): string[] {
  const sources: string[] = [];
  for (const item of read.list('ssh-allow-from', /[\s,]+/)) {
    const src = parseSource(item);
    if (typeof src === 'string') read.check('ssh-allow-from', src);
    else if (!sources.includes(sourceText(src))) sources.push(sourceText(src));
  }
  if (sources.length && !firewall)
    read.check('ssh-allow-from', 'needs firewall: true (the firewall is what drops SSH from elsewhere)');
  return sources;
}
