/**
 * Which URLs a Teams subscriber may give: https on Microsoft's webhook hosts only, the legacy
 * Office 365 connector (`*.webhook.office.com`) or a Power Automate / Logic Apps workflow
 * (`*.logic.azure.com`, `*.api.powerplatform.com`). Crier posts to whatever is stored, so an
 * allow-list of hosts is what keeps a subscriber from pointing it at another machine. Loopback
 * http is accepted only with ALLOW_LOOPBACK_WEBHOOKS (the sandbox and tests).
 */

const TEAMS_HOSTS = [/\.webhook\.office\.com$/, /\.logic\.azure\.com$/, /\.api\.powerplatform\.com$/];
const LOOPBACK = /^http:\/\/127\.0\.0\.1:\d{1,5}\/[\x21-\x7e]{1,500}$/;

/** Why `raw` is not a Teams webhook URL Crier will post to, or null when it is. */
export function teamsWebhookProblem(raw: string, o: { allowLoopback: boolean }): string | null {
  if (o.allowLoopback && LOOPBACK.test(raw)) return null;
  if (!URL.canParse(raw) || raw.length > 1000 || /\s/.test(raw)) return 'must be a Teams webhook URL, https://….webhook.office.com/… or a Power Automate workflow URL';
  const url = new URL(raw);
  if (url.protocol !== 'https:') return 'must start with https://';
  if (url.username || url.password) return 'must not contain a user name or password';
  if (url.port !== '' && url.port !== '443') return 'must use the standard https port';
  if (!TEAMS_HOSTS.some((host) => host.test(url.hostname))) {
    return 'must be on webhook.office.com, logic.azure.com or api.powerplatform.com (the URL Teams or Power Automate gave you)';
  }
  if (url.pathname.length < 10) return 'is missing the webhook path Teams gave you';
  return null;
}
