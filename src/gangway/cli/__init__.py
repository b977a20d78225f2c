"""The ``gangway`` command."""
