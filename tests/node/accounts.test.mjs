// Accounts v2 and their persons through stripe-node: create, retrieve, update, list with
// `include`, idempotent replays, and errors as stripe-node's own error classes.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import Stripe from 'stripe';

import { client, usIndividualMerchant } from './gangway.mjs';

const stripe = client();

test('create, retrieve with include, update and list an account', async () => {
  const created = await stripe.v2.core.accounts.create(
    usIndividualMerchant({ include: ['identity', 'requirements'] }),
  );
  assert.equal(created.object, 'v2.core.account');
  assert.match(created.id, /^acct_[A-Za-z0-9]{16}$/);
  assert.equal(created.livemode, false);
  assert.equal(created.identity.country, 'us');
  assert.ok(Array.isArray(created.requirements.entries));

  const plain = await stripe.v2.core.accounts.retrieve(created.id);
  assert.equal(plain.display_name, 'Jenny Rosen');
  assert.equal(plain.identity, null, 'sections are null unless included');
  assert.equal(plain.requirements, null);

  const included = await stripe.v2.core.accounts.retrieve(created.id, {
    include: ['identity', 'configuration.merchant'],
  });
  assert.equal(included.identity.individual.given_name, 'Jenny');
  assert.equal(included.configuration.merchant.capabilities.card_payments.status !== undefined, true);

  const updated = await stripe.v2.core.accounts.update(created.id, {
    display_name: 'Jenny R.',
    metadata: { order: '42' },
    include: ['identity'],
  });
  assert.equal(updated.display_name, 'Jenny R.');
  assert.deepEqual(updated.metadata, { order: '42' });
  assert.equal(updated.identity.individual.surname, 'Rosen');

  const page = await stripe.v2.core.accounts.list({ limit: 100 });
  const listed = page.data.find((account) => account.id === created.id);
  assert.ok(listed, 'the new account is listed');
  assert.equal(listed.display_name, 'Jenny R.');
});

test('list pages through stripe-node auto-pagination', async () => {
  const marker = randomUUID();
  const ids = [];
  for (let i = 0; i < 3; i++) {
    const account = await stripe.v2.core.accounts.create({
      display_name: `${marker}-${i}`,
      configuration: { customer: {} },
    });
    ids.push(account.id);
  }
  const seen = [];
  for await (const account of stripe.v2.core.accounts.list({ limit: 2 })) {
    if ((account.display_name ?? '').startsWith(marker)) seen.push(account.id);
    if (seen.length === ids.length) break;
  }
  assert.deepEqual(seen, ids.reverse(), 'newest first, across pages');
});

test('persons are created and listed under their account', async () => {
  const account = await stripe.v2.core.accounts.create({
    identity: { country: 'us', entity_type: 'company' },
    contact_email: 'ops@example.com',
  });
  const person = await stripe.v2.core.accounts.persons.create(account.id, {
    given_name: 'Bob',
    surname: 'Owner',
    relationship: { owner: true, percent_ownership: '60' },
  });
  assert.equal(person.object, 'v2.core.account_person');
  assert.equal(person.account, account.id);
  assert.equal(person.relationship.owner, true);
  const persons = await stripe.v2.core.accounts.persons.list(account.id);
  assert.deepEqual(
    persons.data.map((p) => [p.id, p.given_name]),
    [[person.id, 'Bob']],
  );
});

test('the same idempotency key twice gives the same account', async () => {
  const idempotencyKey = randomUUID();
  const first = await stripe.v2.core.accounts.create({ display_name: 'once' }, { idempotencyKey });
  const again = await stripe.v2.core.accounts.create({ display_name: 'once' }, { idempotencyKey });
  assert.equal(again.id, first.id);
  assert.equal(again.lastResponse.headers['idempotent-replayed'], 'true');
  await assert.rejects(
    stripe.v2.core.accounts.create({ display_name: 'different' }, { idempotencyKey }),
    (error) => error instanceof Stripe.errors.StripeIdempotencyError,
  );
});

test('a bad parameter is a StripeInvalidRequestError naming it', async () => {
  await assert.rejects(stripe.v2.core.accounts.list({ limit: 1000 }), (error) => {
    assert.ok(error instanceof Stripe.errors.StripeInvalidRequestError, error.constructor.name);
    assert.equal(error.statusCode, 400);
    assert.equal(error.param, 'limit');
    return true;
  });
  const account = await stripe.v2.core.accounts.create(usIndividualMerchant());
  await assert.rejects(
    stripe.v2.core.accounts.update(account.id, { identity: { country: 'gb' } }),
    (error) => {
      assert.ok(error instanceof Stripe.errors.StripeInvalidRequestError, error.constructor.name);
      assert.equal(error.code, 'immutable_identity_param');
      assert.equal(error.param, 'identity[country]');
      return true;
    },
  );
});

test('an unknown account is a 404 StripeInvalidRequestError', async () => {
  await assert.rejects(stripe.v2.core.accounts.retrieve('acct_0000000000000000'), (error) => {
    assert.ok(error instanceof Stripe.errors.StripeInvalidRequestError, error.constructor.name);
    assert.equal(error.statusCode, 404);
    return true;
  });
});

test('a person is retrieved, updated and deleted', async () => {
  const account = await stripe.v2.core.accounts.create({
    identity: { country: 'us', entity_type: 'company' },
    contact_email: 'ops@example.com',
  });
  const person = await stripe.v2.core.accounts.persons.create(account.id, {
    given_name: 'Ann',
    relationship: { representative: true },
  });
  const updated = await stripe.v2.core.accounts.persons.update(account.id, person.id, {
    surname: 'Lee',
  });
  assert.equal(updated.surname, 'Lee');
  const fetched = await stripe.v2.core.accounts.persons.retrieve(account.id, person.id);
  assert.deepEqual([fetched.given_name, fetched.surname], ['Ann', 'Lee']);
  const deleted = await stripe.v2.core.accounts.persons.del(account.id, person.id);
  assert.equal(deleted.id, person.id);
  assert.equal(deleted.deleted, true);
  const persons = await stripe.v2.core.accounts.persons.list(account.id);
  assert.deepEqual(persons.data, []);
});

test('an account is closed, and a closed account refuses updates', async () => {
  const account = await stripe.v2.core.accounts.create({
    contact_email: 'c@example.com',
    configuration: { customer: {} },
  });
  const closed = await stripe.v2.core.accounts.close(account.id, {
    applied_configurations: ['customer'],
  });
  assert.equal(closed.closed, true);
  await assert.rejects(
    stripe.v2.core.accounts.update(account.id, { display_name: 'x' }),
    (error) => error instanceof Stripe.errors.StripeInvalidRequestError && error.code === 'account_closed',
  );
});

test('an unknown parameter is parameter_unknown, naming it', async () => {
  await assert.rejects(stripe.v2.core.accounts.create({ display_nam: 'typo' }), (error) => {
    assert.ok(error instanceof Stripe.errors.StripeInvalidRequestError, error.constructor.name);
    assert.equal(error.code, 'parameter_unknown');
    assert.equal(error.param, 'display_nam');
    return true;
  });
});

test('a wrong key is a StripeAuthenticationError', async () => {
  await assert.rejects(
    client('sk_test_not_a_real_key').v2.core.accounts.list(),
    (error) => error instanceof Stripe.errors.StripeAuthenticationError && error.statusCode === 401,
  );
});

test("an account's events are listed and retrieved as v2 events", async () => {
  const account = await stripe.v2.core.accounts.create({ display_name: 'Evented' });
  const events = await stripe.v2.core.events.list({ object_id: account.id });
  const created = events.data.find((event) => event.type === 'v2.core.account.created');
  assert.ok(created, JSON.stringify(events.data.map((event) => event.type)));
  assert.equal(created.related_object.id, account.id);
  const again = await stripe.v2.core.events.retrieve(created.id);
  assert.equal(again.id, created.id);
  assert.equal(again.object, 'v2.core.event');
});
