// The rest of v1 Connect through stripe-node: individual, persons, capabilities, bank accounts,
// Account Links, and a connect webhook endpoint whose signed account.updated delivery
// stripe.webhooks.constructEvent accepts (a tampered body it refuses).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';

import { GANGWAY_URL, client } from './gangway.mjs';

const stripe = client();
const deliveries = [];
let receiver;
let receiverUrl;

before(async () => {
  receiver = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      deliveries.push({ body: Buffer.concat(chunks), signature: request.headers['stripe-signature'] });
      response.writeHead(200).end();
    });
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  receiverUrl = `http://127.0.0.1:${receiver.address().port}/webhooks`;
});

after(() => receiver.close());

function custom(overrides = {}) {
  return stripe.accounts.create({
    type: 'custom',
    country: 'US',
    email: 'jenny@example.com',
    business_type: 'individual',
    capabilities: { card_payments: { requested: true }, transfers: { requested: true } },
    ...overrides,
  });
}

test('individual, a bank account, capabilities and a person, all in v1 names', async () => {
  const account = await custom({
    individual: { first_name: 'Jenny', last_name: 'Rosen', dob: { day: 1, month: 1, year: 1901 } },
    external_account: 'btok_us_verified',
  });
  assert.equal(account.individual.first_name, 'Jenny');
  for (const gone of ['individual.first_name', 'individual.dob.day', 'external_account']) {
    assert.ok(!account.requirements.currently_due.includes(gone), `${gone} is no longer due`);
  }
  const banks = await stripe.accounts.listExternalAccounts(account.id, { object: 'bank_account' });
  assert.equal(banks.data.length, 1);
  assert.equal(banks.data[0].default_for_currency, true);
  const card = await stripe.accounts.retrieveCapability(account.id, 'card_payments');
  assert.equal(card.object, 'capability');
  assert.equal(card.requested, true);
  assert.ok(card.requirements.currently_due.includes('business_profile.mcc'));
  const ach = await stripe.accounts.updateCapability(account.id, 'us_bank_account_ach_payments', {
    requested: true,
  });
  assert.equal(ach.requested, true);
  const company = await custom({ business_type: 'company', company: { name: 'Rocket Rides' } });
  const person = await stripe.accounts.createPerson(company.id, {
    first_name: 'Kavya',
    relationship: { owner: true, percent_ownership: 30 },
  });
  assert.equal(person.object, 'person');
  const owners = await stripe.accounts.listPersons(company.id, { relationship: { owner: true } });
  assert.deepEqual(owners.data.map((p) => p.id), [person.id]);
});

test('a v1 Account Link opens the hosted form once', async () => {
  const account = await custom();
  const link = await stripe.accountLinks.create({
    account: account.id,
    type: 'account_onboarding',
    refresh_url: 'http://platform.test/refresh',
    return_url: 'http://platform.test/return',
  });
  assert.equal(link.object, 'account_link');
  assert.ok(link.url.startsWith(`${GANGWAY_URL}/onboarding/link/`));
  const first = await fetch(link.url, { redirect: 'manual' });
  assert.equal(first.status, 303);
  assert.equal(first.headers.get('location'), '/onboarding');
  const again = await fetch(link.url, { redirect: 'manual' });
  assert.equal(again.headers.get('location'), 'http://platform.test/refresh');
  await assert.rejects(
    stripe.accountLinks.create({ account: account.id, type: 'account_onboarding' }),
    (error) => error.type === 'StripeInvalidRequestError' && error.param === 'refresh_url',
  );
});

test('a connect webhook endpoint receives signed account.updated events', async () => {
  const endpoint = await stripe.webhookEndpoints.create({
    url: receiverUrl,
    enabled_events: ['account.updated'],
    connect: true,
  });
  assert.match(endpoint.secret, /^whsec_/);
  try {
    const account = await custom();
    await stripe.accounts.update(account.id, { metadata: { plan: 'gold' } });
    const deadline = Date.now() + 15_000;
    let event;
    while (!event && Date.now() < deadline) {
      for (const delivery of deliveries) {
        const verified = stripe.webhooks.constructEvent(delivery.body, delivery.signature, endpoint.secret);
        if (verified.account === account.id && verified.data.object.metadata.plan === 'gold') event = verified;
      }
      if (!event) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(event, 'the account.updated delivery arrived');
    assert.equal(event.type, 'account.updated');
    assert.deepEqual(event.data.previous_attributes, { metadata: { plan: null } });
    const tampered = Buffer.from(deliveries[0].body.toString().replace('account.updated', 'account.update'));
    assert.throws(() => stripe.webhooks.constructEvent(tampered, deliveries[0].signature, endpoint.secret));
    const listed = await stripe.events.list({ type: 'account.updated', limit: 100 });
    assert.ok(listed.data.some((e) => e.id === event.id));
  } finally {
    await stripe.webhookEndpoints.del(endpoint.id);
  }
});
