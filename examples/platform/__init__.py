"""An example platform that onboards connected accounts through Account Links.

It follows Stripe's "Onboard your connected account" guide step by step, pointed at Gangway:
create the account, redirect the browser to a single-use Account Link, mint a fresh link with the
same parameters when the browser comes back on ``refresh_url``, and re-read the account when it
comes back on ``return_url`` (which carries no state). It integrates through Accounts v2
(``v2_api``, the default) or, with ``--api v1``, through Connect v1's Custom accounts (``v1_api``).
Run it with ``python -m examples.platform`` or, together with a Gangway, ``make demo`` (``API=v1``).
"""
