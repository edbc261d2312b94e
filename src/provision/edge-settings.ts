import { alertWebhookProblem, parseFirewallAllow, type FirewallPort } from '../rules.js';

/** The server's edge: its own firewall, and where it reports what went wrong while no one watched. */
export interface EdgeSettings {
  /** nftables rules of the tool's own (provision), or removed when false. */
  firewall: boolean;
  /** Ports open on top of SSH, 80 and 443. */
  firewallAllow: FirewallPort[];
  /** Webhook URL the server POSTs its alerts to ('' for none). A secret: it can hold a token. */
  alertWebhook: string;
}

/** The inputs firewall, firewall-allow and alert-webhook; every bad value adds one problem. */
export function parseEdgeSettings(raw: (name: string) => string, problems: string[]): EdgeSettings {
  const fw = raw('firewall').trim() || 'false';
  if (fw !== 'true' && fw !== 'false')
    problems.push(`input \`firewall\`: must be true or false, got '${fw}'`);
  const allow = parseFirewallAllow(raw('firewall-allow'));
  if (typeof allow === 'string') problems.push(`input \`firewall-allow\`: ${allow}`);
  const alertWebhook = raw('alert-webhook').trim();
  // Never quoted back: the URL may carry the webhook's token.
  const bad = alertWebhook ? alertWebhookProblem(alertWebhook) : undefined;
  if (bad) problems.push(`input \`alert-webhook\`: ${bad}`);
  return {
    firewall: fw === 'true',
    firewallAllow: typeof allow === 'string' ? [] : allow,
    alertWebhook
  };
}
