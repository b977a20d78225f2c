"""Use cases: one function per operation, each given a unit of work and the caller's context."""
