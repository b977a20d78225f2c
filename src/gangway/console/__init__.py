"""The operator console under ``/console``: the people who run Gangway see every account's
onboarding, decide verifications and watch deliveries.

Built like the hosted form (``gangway.hosted``): Starlette routes, Jinja2 templates translated
with the same gettext catalogs, no JavaScript at all, a Content-Security-Policy that forbids
scripts and every third-party origin, and handlers that call the services, never SQL.
"""
