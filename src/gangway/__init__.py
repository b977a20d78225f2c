"""Gangway: a self-hosted, Stripe-compatible Connect onboarding server."""

__version__ = "0.1.0"
