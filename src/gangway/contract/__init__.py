"""The wire contract: what a write may contain, derived from the stripe SDK, checked in one place.

Why a neutral package (neither ``api`` nor ``services``): the contract is not an HTTP concern.
The API edge, the hosted form, the CLI and any later front door (a v1 API, say) all write
through the same services, and the services are where the contract is enforced
(``params.check`` before their first repository access), so every writer meets the same rules:
a 10,000-character name is refused with ``parameter_invalid_string_too_long`` whoever sends it.
Living under ``api`` made the services (and the form) import the HTTP layer, the wrong way
round; here the package depends on nothing but ``core.errors`` and ``validation`` (for the
tighter per-field limits), and does no I/O beyond reading its own package data on first use.

Modules:

``load``      the generated JSON (``params.json``, ``shapes.json``, from ``tools/gen_contract.py``)
              and the hand-written additions: ``EXTENSIONS`` to the SDK's params, and
              ``LOCAL_PARAMS``, Gangway's own schemas for what the SDK has no params for (the
              payout bank account the form collects).
``rules``     one validator factory per JSON kind, fast.
``params``    ``check(name, body)``: a schema compiled into those validators, errors in
              Stripe's envelope.
``coerce``    typing string values (query strings) by the same schemas, then ``check``.
``limits``    ``max_length(name, dotted_path)``: the same limits, for renderers (``maxlength``).
"""
