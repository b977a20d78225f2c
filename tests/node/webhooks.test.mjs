// Event destinations through stripe-node, and a webhook delivery to a Node http server on
// 127.0.0.1, verified and parsed by stripe-node's own parseEventNotification (a tampered
// signature or body is refused). Delivery is asynchronous: the test waits for it, up to a bound.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import Stripe from 'stripe';

import { client } from './gangway.mjs';

const stripe = client();
const PING = 'v2.core.event_destination.ping';
const CREATED = 'v2.core.account.created';
const deliveries = [];
let receiver;
let receiverUrl;

before(async () => {
  receiver = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      deliveries.push({ body: Buffer.concat(chunks), headers: request.headers });
      response.writeHead(200).end();
    });
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  receiverUrl = `http://127.0.0.1:${receiver.address().port}/hooks`;
});

after(() => receiver.close());

/** Resolves with the first delivery that satisfies `match`, or rejects after `ms`. */
async function delivered(match, ms = 15_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const found = deliveries.find(match);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no matching delivery within ${ms} ms; got ${deliveries.length}`);
}

const eventOf = (delivery) => JSON.parse(delivery.body.toString('utf8'));

test('event destinations are created, listed and pinged; deliveries verify', async () => {
  const destination = await stripe.v2.core.eventDestinations.create({
    name: 'Node receiver',
    type: 'webhook_endpoint',
    event_payload: 'thin',
    enabled_events: [PING, CREATED],
    webhook_endpoint: { url: receiverUrl },
    include: ['webhook_endpoint.signing_secret', 'webhook_endpoint.url'],
  });
  assert.equal(destination.object, 'v2.core.event_destination');
  assert.equal(destination.webhook_endpoint.url, receiverUrl);
  const secret = destination.webhook_endpoint.signing_secret;
  assert.match(secret, /^whsec_/);

  const listed = await stripe.v2.core.eventDestinations.list({ limit: 100 });
  assert.ok(listed.data.some((d) => d.id === destination.id), 'the destination is listed');

  const ping = await stripe.v2.core.eventDestinations.ping(destination.id);
  assert.equal(ping.type, PING);
  const pinged = await delivered((d) => eventOf(d).id === ping.id);
  const signature = pinged.headers['stripe-signature'];
  const notification = stripe.parseEventNotification(pinged.body, signature, secret);
  assert.equal(notification.id, ping.id);
  assert.equal(notification.type, PING);
  assert.equal(notification.related_object.id, destination.id);

  const account = await stripe.v2.core.accounts.create({ display_name: 'Hooked' });
  const created = await delivered((d) => eventOf(d).type === CREATED && eventOf(d).related_object?.id === account.id);
  const event = stripe.parseEventNotification(created.body, created.headers['stripe-signature'], secret);
  const related = await event.fetchRelatedObject();
  assert.equal(related.id, account.id);
  assert.equal(related.display_name, 'Hooked');
  const full = await event.fetchEvent();
  assert.equal(full.id, event.id);
});

test('a tampered signature or body is refused by parseEventNotification', async () => {
  const destination = await stripe.v2.core.eventDestinations.create({
    name: 'Node receiver (tamper)',
    type: 'webhook_endpoint',
    event_payload: 'thin',
    enabled_events: [PING],
    webhook_endpoint: { url: receiverUrl },
    include: ['webhook_endpoint.signing_secret'],
  });
  const secret = destination.webhook_endpoint.signing_secret;
  const ping = await stripe.v2.core.eventDestinations.ping(destination.id);
  const { body, headers } = await delivered((d) => eventOf(d).id === ping.id);
  const signature = headers['stripe-signature'];
  assert.equal(stripe.parseEventNotification(body, signature, secret).id, ping.id);

  const refused = (error) => error instanceof Stripe.errors.StripeSignatureVerificationError;
  const flipped = signature.replace(/v1=([0-9a-f])/, (_, c) => `v1=${c === '0' ? '1' : '0'}`);
  assert.notEqual(flipped, signature);
  assert.throws(() => stripe.parseEventNotification(body, flipped, secret), refused);
  // another last character than the id's own (an id ending in X once made this a no-op)
  const last = ping.id.endsWith('X') ? 'Y' : 'X';
  const altered = Buffer.from(body.toString('utf8').replace(ping.id, `${ping.id.slice(0, -1)}${last}`));
  assert.notDeepEqual(altered, body);
  assert.throws(() => stripe.parseEventNotification(altered, signature, secret), refused);
  assert.throws(() => stripe.parseEventNotification(body, signature, 'whsec_wrong'), refused);
});

test('an event destination is retrieved, updated, disabled, enabled and deleted', async () => {
  const destination = await stripe.v2.core.eventDestinations.create({
    name: 'Lifecycle',
    type: 'webhook_endpoint',
    event_payload: 'thin',
    enabled_events: [PING],
    webhook_endpoint: { url: receiverUrl },
  });
  assert.equal(destination.status, 'enabled');
  const fetched = await stripe.v2.core.eventDestinations.retrieve(destination.id);
  assert.equal(fetched.name, 'Lifecycle');
  const renamed = await stripe.v2.core.eventDestinations.update(destination.id, {
    description: 'renamed',
    enabled_events: [PING, CREATED],
  });
  assert.equal(renamed.description, 'renamed');
  assert.deepEqual([...renamed.enabled_events].sort(), [CREATED, PING]);
  assert.equal((await stripe.v2.core.eventDestinations.disable(destination.id)).status, 'disabled');
  assert.equal((await stripe.v2.core.eventDestinations.enable(destination.id)).status, 'enabled');
  const deleted = await stripe.v2.core.eventDestinations.del(destination.id);
  assert.equal(deleted.id, destination.id);
  await assert.rejects(
    stripe.v2.core.eventDestinations.retrieve(destination.id),
    (error) => error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404,
  );
});

test("stripe-node's notificationHandler routes a delivery to its type's callback", async () => {
  const destination = await stripe.v2.core.eventDestinations.create({
    name: 'Node handler',
    type: 'webhook_endpoint',
    event_payload: 'thin',
    enabled_events: ['v2.core.account.updated'],
    webhook_endpoint: { url: receiverUrl },
    include: ['webhook_endpoint.signing_secret'],
  });
  const seen = [];
  const handler = stripe
    .notificationHandler(destination.webhook_endpoint.signing_secret, async (event) => {
      seen.push(['fallback', event.type]);
    })
    .on('v2.core.account.updated', async (event, eventClient) => {
      const account = await event.fetchRelatedObject();
      const again = await eventClient.v2.core.accounts.retrieve(account.id);
      seen.push([event.type, account.id, again.display_name]);
    });
  const account = await stripe.v2.core.accounts.create({ display_name: 'Before' });
  await stripe.v2.core.accounts.update(account.id, { display_name: 'After' });
  const update = await delivered(
    (d) => eventOf(d).type === 'v2.core.account.updated' && eventOf(d).related_object?.id === account.id,
  );
  await handler.handle(update.body, update.headers['stripe-signature']);
  assert.deepEqual(seen, [['v2.core.account.updated', account.id, 'After']]);
  await assert.rejects(
    handler.handle(update.body, 'v1=0,t=1'),
    (error) => error instanceof Stripe.errors.StripeSignatureVerificationError,
  );
});
