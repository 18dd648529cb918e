/**
 * A Microsoft Teams message: one Adaptive Card in the message envelope that both kinds of Teams
 * incoming webhook take (the Office 365 connector at *.webhook.office.com and the Power
 * Automate "when a Teams webhook request is received" workflow). Text goes in RichTextBlock
 * TextRuns, which Teams shows literally: a TextBlock would read markdown, so a value such as
 * "[click](https://…)" would turn into a link nobody approved.
 */

export interface TeamsCardInput {
  title: string;
  body: string;
  statusLabel?: string;
  link?: string;
}

export interface RenderedTeams {
  /** The plain text the card shows, for previews and the sandbox inbox. */
  text: string;
  card: Record<string, unknown>;
}

const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

const run = (text: string, extra: Record<string, unknown> = {}) => ({ type: 'RichTextBlock', inlines: [{ type: 'TextRun', text, ...extra }] });

export function renderTeams({ title, body, statusLabel, link }: TeamsCardInput): RenderedTeams {
  const paragraphs = body.split(/\n{2,}/).map((p) => p.trim()).filter((p) => p !== '');
  const content: Record<string, unknown> = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    body: [
      run(title, { size: 'Large', weight: 'Bolder' }),
      ...(statusLabel ? [run(statusLabel, { isSubtle: true })] : []),
      ...paragraphs.map((p) => run(p)),
    ],
    ...(link ? { actions: [{ type: 'Action.OpenUrl', title: 'Status page', url: link }] } : {}),
  };
  const card = { type: 'message', attachments: [{ contentType: ADAPTIVE_CARD, contentUrl: null, content }] };
  const text = [title, statusLabel, ...paragraphs, link].filter((s): s is string => Boolean(s)).join('\n\n');
  return { text, card };
}

/** The texts of a card's TextRuns, in order: what a Teams channel shows. */
export function teamsCardTexts(card: unknown): string[] {
  const attachments = (card as { attachments?: { content?: { body?: { inlines?: { text?: unknown }[] }[] } }[] } | undefined)?.attachments ?? [];
  return attachments.flatMap((a) => a.content?.body ?? []).flatMap((b) => b.inlines ?? []).map((i) => i.text).filter((t): t is string => typeof t === 'string');
}
