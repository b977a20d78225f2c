"""Runnable examples of platforms integrating with Gangway through the official ``stripe`` SDK."""
