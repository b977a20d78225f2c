// What every Node test file shares: a stripe-node client pointed at the Gangway that
// tests/node/test_node_sdk.py started (GANGWAY_URL, GANGWAY_TEST_KEY), and the account shapes
// the journeys start from. Nothing here talks to Gangway except through stripe-node.
import Stripe from 'stripe';

const url = new URL(process.env.GANGWAY_URL ?? 'http://127.0.0.1:12111');
export const GANGWAY_URL = url.origin;
export const TEST_KEY = process.env.GANGWAY_TEST_KEY;
if (!TEST_KEY) throw new Error('GANGWAY_TEST_KEY is not set (run through tests/node/test_node_sdk.py)');

export function client(key = TEST_KEY) {
  return new Stripe(key, {
    host: url.hostname,
    port: Number(url.port),
    protocol: url.protocol.replace(':', ''),
    maxNetworkRetries: 0,
    telemetry: false,
  });
}

export function usIndividualMerchant(overrides = {}) {
  return {
    contact_email: 'jenny@example.com',
    display_name: 'Jenny Rosen',
    dashboard: 'none',
    identity: {
      country: 'us',
      entity_type: 'individual',
      individual: {
        given_name: 'Jenny',
        surname: 'Rosen',
        date_of_birth: { day: 1, month: 1, year: 1901 },
        id_numbers: [{ type: 'us_ssn_last_4', value: '0000' }],
      },
    },
    configuration: { merchant: { capabilities: { card_payments: { requested: true } } } },
    defaults: {
      responsibilities: { fees_collector: 'application', losses_collector: 'application' },
    },
    ...overrides,
  };
}
