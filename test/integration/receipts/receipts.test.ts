import { advance, sendgridReceipt, smsKeyword, twilioReceipt } from '../../../src/delivery/receipts';

/** The pure mapping from provider statuses to delivery states; no store, no HTTP. */
describe('receipt mapping', () => {
  it.each([
    ['accepted', null, 0], ['queued', null, 0], ['sending', null, 0], ['sent', 'sent', 1],
    ['delivered', 'delivered', 2], ['undelivered', 'undelivered', 2], ['failed', 'failed', 2], ['read', null, 0],
  ])('when Twilio reports %s, then the receipt proves %s at rank %d', (status, state, rank) => {
    expect(twilioReceipt(status)).toMatchObject({ state, rank, optOutReason: null });
  });

  it('when Twilio reports undelivered with ErrorCode 30003, then the code is kept', () => {
    expect(twilioReceipt('undelivered', '30003')).toEqual({ state: 'undelivered', rank: 2, errorCode: '30003', optOutReason: null, quarantineReason: null });
  });

  it.each([['30005'], ['30006']])('[R4] when Twilio reports undelivered with ErrorCode %s (the number cannot take texts), then the receipt quarantines the number', (code) => {
    expect(twilioReceipt('undelivered', code)).toEqual({ state: 'undelivered', rank: 2, errorCode: code, optOutReason: null, quarantineReason: `sms-twilio ${code}` });
  });

  it.each([
    [{ event: 'processed' }, null, 0, null, null],
    [{ event: 'deferred' }, null, 0, null, null],
    [{ event: 'open' }, null, 0, null, null],
    [{ event: 'delivered' }, 'delivered', 2, null, null],
    [{ event: 'bounce', type: 'bounce', status: '5.1.1' }, 'bounced', 2, null, 'hard bounce'],
    [{ event: 'bounce', type: 'blocked' }, 'bounced', 2, null, null],
    [{ event: 'dropped' }, 'dropped', 2, null, null],
    [{ event: 'dropped', reason: 'Bounced Address' }, 'dropped', 2, null, 'dropped: Bounced Address'],
    [{ event: 'dropped', reason: 'Invalid' }, 'dropped', 2, null, 'dropped: Invalid'],
    [{ event: 'dropped', reason: 'Unsubscribed Address' }, 'dropped', 2, null, null],
    [{ event: 'spamreport' }, null, 0, 'spam report', null],
    [{ event: 'unsubscribe' }, null, 0, 'unsubscribe', null],
    [{ event: 'group_unsubscribe' }, null, 0, 'group unsubscribe', null],
  ])('[R4] when SendGrid reports %o, then the receipt proves %s at rank %d, opt-out %s, quarantine %s', (event, state, rank, optOutReason, quarantineReason) => {
    expect(sendgridReceipt(event)).toMatchObject({ state, rank, optOutReason, quarantineReason });
  });

  it('[D4] when a receipt ranks no higher than the one applied, then the delivery does not move', () => {
    expect(advance({ state: 'delivered', receiptRank: 2 }, twilioReceipt('sent'))).toBeNull();
    expect(advance({ state: 'delivered', receiptRank: 2 }, twilioReceipt('undelivered'))).toBeNull();
    expect(advance({ state: 'sent', receiptRank: 1 }, twilioReceipt('sent'))).toBeNull();
    expect(advance({ state: 'sent', receiptRank: 1 }, twilioReceipt('delivered'))).toEqual({ state: 'delivered', rank: 2 });
  });

  it('when a delivery failed or was skipped, then no receipt moves it', () => {
    expect(advance({ state: 'failed', receiptRank: 0 }, twilioReceipt('delivered'))).toBeNull();
    expect(advance({ state: 'skipped', receiptRank: 0 }, sendgridReceipt({ event: 'delivered' }))).toBeNull();
  });

  it('when a pending or sending delivery gets a receipt proving the accept, then it moves forward', () => {
    expect(advance({ state: 'sending', receiptRank: 0 }, twilioReceipt('sent'))).toEqual({ state: 'sent', rank: 1 });
    expect(advance({ state: 'pending', receiptRank: 0 }, sendgridReceipt({ event: 'delivered' }))).toEqual({ state: 'delivered', rank: 2 });
    expect(advance({ state: 'sending', receiptRank: 0 }, twilioReceipt('queued'))).toBeNull();
  });

  it.each([
    ['STOP', 'opt-out'], [' stop\n', 'opt-out'], ['StopAll', 'opt-out'], ['unsubscribe', 'opt-out'], ['END', 'opt-out'],
    ['quit', 'opt-out'], ['Cancel', 'opt-out'], ['REVOKE', 'opt-out'], ['optout', 'opt-out'],
    ['START', 'opt-in'], ['unstop', 'opt-in'], ['yes', 'opt-in'], ['help', 'help'],
    ['STOP please', null], ['stopp', null], ['', null],
  ])('when an SMS says %j, then the keyword is %s', (body, keyword) => {
    expect(smsKeyword(body)).toBe(keyword);
  });
});
