// The platform side of the v1 Connect journey, written as a Node platform integrates with
// stripe-node. tests/browser/test_v1_journey.py runs it in two halves around Chromium, which
// plays the account holder:
//
//   node v1_journey.mjs start          creates a custom account and its v1 Account Link, checks
//                                      what is currently due, prints {"account", "url"}
//   node v1_journey.mjs finish ACCT    after the form: charges and payouts enabled; then a
//                                      connect webhook endpoint, the test clock 31 days on, and
//                                      a signed account.updated with past_due, verified by
//                                      stripe.webhooks.constructEvent
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';

import { GANGWAY_URL, TEST_KEY, client } from './gangway.mjs';

const stripe = client();
const PLATFORM_URL = process.env.PLATFORM_URL ?? 'http://127.0.0.1:9';
const DAY = 86_400;

async function advance(seconds) {
  // Gangway's test clock is its own endpoint (Stripe's test clocks are per customer)
  const response = await fetch(`${GANGWAY_URL}/_gangway/test_clock/advance`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TEST_KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ seconds }),
  });
  assert.equal(response.status, 200, await response.text());
}

async function start() {
  const account = await stripe.accounts.create({
    type: 'custom',
    country: 'US',
    email: 'jenny.rosen@example.com',
    business_type: 'individual',
    capabilities: { card_payments: { requested: true }, transfers: { requested: true } },
  });
  for (const field of ['individual.first_name', 'individual.dob.day', 'external_account']) {
    assert.ok(account.requirements.currently_due.includes(field), field);
  }
  assert.equal(account.charges_enabled, false);
  const link = await stripe.accountLinks.create({
    account: account.id,
    type: 'account_onboarding',
    refresh_url: `${PLATFORM_URL}/refresh/${account.id}`,
    return_url: `${PLATFORM_URL}/return/${account.id}`,
  });
  assert.equal(link.object, 'account_link');
  process.stdout.write(JSON.stringify({ account: account.id, url: link.url }));
}

async function enabled(id) {
  await advance(6); // test-mode verifications settle 5 s of the clock after submission
  const deadline = Date.now() + 15_000;
  for (;;) {
    const account = await stripe.accounts.retrieve(id);
    if (account.charges_enabled && account.payouts_enabled) return account;
    assert.ok(Date.now() < deadline, `not enabled: ${JSON.stringify(account.requirements)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function finish(id) {
  const account = await enabled(id);
  assert.equal(account.details_submitted, true);
  assert.deepEqual(account.requirements.currently_due, []);

  const deliveries = [];
  const receiver = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      deliveries.push({ body: Buffer.concat(chunks), signature: request.headers['stripe-signature'] });
      response.writeHead(200).end();
    });
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  try {
    const endpoint = await stripe.webhookEndpoints.create({
      url: `http://127.0.0.1:${receiver.address().port}/webhooks`,
      enabled_events: ['account.updated'],
      connect: true,
    });
    assert.match(endpoint.secret, /^whsec_/);
    await advance(31 * DAY);
    const deadline = Date.now() + 15_000;
    let event;
    while (!event) {
      for (const delivery of deliveries) {
        const verified = stripe.webhooks.constructEvent(delivery.body, delivery.signature, endpoint.secret);
        if (verified.type === 'account.updated' && verified.account === id
            && verified.data.object.requirements.past_due.length > 0) {
          event = verified;
        }
      }
      assert.ok(event || Date.now() < deadline, `no past_due account.updated in ${deliveries.length} deliveries`);
      if (!event) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.deepEqual(event.data.previous_attributes.requirements.past_due, []);
    const tampered = Buffer.from(deliveries[0].body.toString().replace('"livemode":false', '"livemode":true'));
    assert.throws(() => stripe.webhooks.constructEvent(tampered, deliveries[0].signature, endpoint.secret),
      /signature/i);
    await stripe.webhookEndpoints.del(endpoint.id);
    console.log(`signed account.updated with past_due ${JSON.stringify(event.data.object.requirements.past_due)}`);
  } finally {
    receiver.close();
  }
}

const [command, id] = process.argv.slice(2);
if (command === 'start') await start();
else if (command === 'finish') await finish(id);
else throw new Error('usage: node v1_journey.mjs start | finish ACCT');
