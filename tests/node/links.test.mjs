// Account Links through stripe-node: the URL it returns opens Gangway's hosted onboarding form
// (followed as a browser would, cookie and all), only once, and "Save for later" sends the
// visitor back to the platform's return_url.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { GANGWAY_URL, client } from './gangway.mjs';

const stripe = client();
const REFRESH = 'http://platform.test/refresh';
const RETURN = 'http://platform.test/return';

/** A visitor: keeps Gangway's session cookie, follows same-origin redirects, stops at others. */
function visitor() {
  let cookie = '';
  async function go(url, init = {}) {
    for (let hops = 0; hops < 10; hops++) {
      const headers = { ...(init.headers ?? {}), ...(cookie ? { cookie } : {}) };
      const response = await fetch(url, { ...init, headers, redirect: 'manual' });
      const set = response.headers.getSetCookie();
      if (set.length) cookie = set.map((line) => line.split(';')[0]).join('; ');
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) {
        return { url, status: response.status, response, body: await response.text() };
      }
      url = new URL(location, url).href;
      init = {};
      if (new URL(url).origin !== GANGWAY_URL) return { url, status: response.status, response };
    }
    throw new Error(`too many redirects from ${url}`);
  }
  return { go };
}

async function onboardingLink() {
  const account = await stripe.v2.core.accounts.create({
    identity: { country: 'us', entity_type: 'individual' },
    contact_email: 'jenny@example.com',
    configuration: { recipient: { capabilities: {} } },
  });
  const link = await stripe.v2.core.accountLinks.create({
    account: account.id,
    use_case: {
      type: 'account_onboarding',
      account_onboarding: { refresh_url: REFRESH, return_url: RETURN },
    },
  });
  return { account, link };
}

test('an account link opens the hosted onboarding form, once', async () => {
  const { account, link } = await onboardingLink();
  assert.equal(link.object, 'v2.core.account_link');
  assert.equal(link.account, account.id);
  assert.ok(link.url.startsWith(`${GANGWAY_URL}/onboarding/link/alu_test_`), link.url);
  assert.equal(link.use_case.account_onboarding.return_url, RETURN);

  const page = await visitor().go(link.url);
  assert.equal(page.status, 200);
  assert.match(page.response.headers.get('content-type'), /^text\/html/);
  assert.match(page.url, /\/onboarding\/step\//);
  assert.match(page.body, /<form method="post" action="\/onboarding\/step\/[a-z_]+"/);
  assert.match(page.body, /name="csrf_token"/);

  const reused = await visitor().go(link.url);
  assert.equal(reused.url, REFRESH, 'a used link sends the visitor to refresh_url');
});

test('"Save for later" on the hosted form returns to return_url', async () => {
  const { link } = await onboardingLink();
  const browser = visitor();
  const page = await browser.go(link.url);
  const action = page.body.match(/<form method="post" action="([^"]+)"/)[1];
  const csrf = page.body.match(/name="csrf_token" value="([^"]+)"/)[1];
  const saved = await browser.go(new URL(action, page.url).href, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf_token: csrf, action: 'save' }).toString(),
  });
  assert.equal(saved.status, 303);
  assert.equal(saved.url, RETURN);
});
