"""Delivering events to event destinations: signing, the retry schedule, and the worker."""
