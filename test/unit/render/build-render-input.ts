import type { RenderUpdateInput } from '../../../src/render';

/** A valid renderUpdate input; tests override only what they are about. */
export function buildRenderInput(overrides: Partial<RenderUpdateInput> = {}): RenderUpdateInput {
  return {
    templates: {
      emailSubject: '{{title}}: update',
      emailBody: 'We are working on {{title}}.\n\nNext update by {{eta}}.',
      sms: '{{title}}: crews on site. Next update {{eta}}.',
      slack: '*{{title}}*: crews on site. Next update {{eta}}.',
      x: '{{title}}: crews on site. Next update {{eta}}.',
      phone: 'Crews are working on {{title}}. Next update {{eta}}.',
      phoneQa: [{ question: 'When will it be fixed?', answer: 'We will say by {{eta}}.' }],
      reseller: 'Your customers may see {{title}}; next update {{eta}}.',
    },
    variables: { title: 'Water main break', eta: '14:00' },
    statusLabel: 'Identified',
    brandName: 'Springfield Utilities',
    statusPageUrl: 'https://status.example.org/incidents/42',
    ...overrides,
  };
}
