// v1 Connect's first slice through stripe-node: the v1 Accounts API (form-encoded by the SDK),
// the same account read through v2, and v1 errors as stripe-node's own error classes.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import Stripe from 'stripe';

import { client } from './gangway.mjs';

const stripe = client();

function customAccount(overrides = {}) {
  return {
    type: 'custom',
    country: 'US',
    email: 'jenny@example.com',
    business_profile: { name: 'Jenny Rosen' },
    capabilities: { card_payments: { requested: true }, transfers: { requested: true } },
    metadata: { order: '42' },
    ...overrides,
  };
}

test('a v1 custom account: create, retrieve, v1 requirements, and the same account in v2', async () => {
  const account = await stripe.accounts.create(customAccount());
  assert.equal(account.object, 'account');
  assert.match(account.id, /^acct_/);
  assert.equal(account.type, 'custom');
  assert.equal(account.country, 'US');
  assert.equal(account.email, 'jenny@example.com');
  assert.deepEqual(account.metadata, { order: '42' });
  assert.equal(account.charges_enabled, false);
  assert.equal(account.capabilities.card_payments, 'inactive');
  // v1 field names, from the same evaluation that feeds v2's entries
  for (const field of ['business_type', 'external_account', 'tos_acceptance.date']) {
    assert.ok(account.requirements.currently_due.includes(field), `${field} is currently due`);
  }

  const again = await stripe.accounts.retrieve(account.id);
  assert.equal(again.id, account.id);
  assert.deepEqual(again.requirements.currently_due, account.requirements.currently_due);

  const v2 = await stripe.v2.core.accounts.retrieve(account.id, { include: ['requirements'] });
  assert.equal(v2.contact_email, 'jenny@example.com');
  assert.ok(v2.requirements.entries.length > 0);
});

test('a change through v2 is seen in v1, and one through v1 in v2', async () => {
  const account = await stripe.accounts.create(customAccount());
  await stripe.v2.core.accounts.update(account.id, { contact_email: 'new@example.com' });
  assert.equal((await stripe.accounts.retrieve(account.id)).email, 'new@example.com');

  const updated = await stripe.accounts.update(account.id, {
    business_type: 'individual',
    metadata: { order: '' }, // an empty value unsets the key, as on Stripe
  });
  assert.equal(updated.business_type, 'individual');
  assert.deepEqual(updated.metadata, {});
  assert.ok(!updated.requirements.currently_due.includes('business_type'));
  const v2 = await stripe.v2.core.accounts.retrieve(account.id, { include: ['identity'] });
  assert.equal(v2.identity.entity_type, 'individual');
});

test('v1 lists page with starting_after, and a deleted account is gone from v1', async () => {
  const made = [];
  for (let i = 0; i < 3; i += 1) made.push((await stripe.accounts.create(customAccount())).id);
  const first = await stripe.accounts.list({ limit: 2 });
  assert.equal(first.object, 'list');
  assert.equal(first.data.length, 2);
  assert.equal(first.has_more, true);
  const next = await stripe.accounts.list({ limit: 2, starting_after: first.data[1].id });
  assert.ok(!next.data.some((a) => first.data.some((b) => a.id === b.id)), 'pages do not overlap');

  const deleted = await stripe.accounts.del(made[0]);
  assert.equal(deleted.deleted, true);
  await assert.rejects(stripe.accounts.retrieve(made[0]), (error) => {
    assert.ok(error instanceof Stripe.errors.StripeInvalidRequestError);
    assert.equal(error.statusCode, 404);
    assert.equal(error.code, 'resource_missing');
    return true;
  });
});

test('v1 idempotency replays the first answer', async () => {
  const idempotencyKey = randomUUID();
  const first = await stripe.accounts.create(customAccount(), { idempotencyKey });
  const second = await stripe.accounts.create(customAccount(), { idempotencyKey });
  assert.equal(second.id, first.id);
  assert.equal(second.lastResponse.headers['idempotent-replayed'], 'true');
});

test('bad v1 input is a StripeInvalidRequestError naming the v1 parameter', async () => {
  await assert.rejects(stripe.accounts.create(customAccount({ no_such_param: 'x' })), (error) => {
    assert.ok(error instanceof Stripe.errors.StripeInvalidRequestError);
    assert.equal(error.statusCode, 400);
    assert.equal(error.param, 'no_such_param');
    return true;
  });
  await assert.rejects(
    stripe.accounts.create(customAccount({ business_type: 'spaceship' })),
    (error) => {
      assert.ok(error instanceof Stripe.errors.StripeInvalidRequestError);
      assert.equal(error.param, 'business_type');
      return true;
    },
  );
});
