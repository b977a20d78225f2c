"""Wire contract data generated from the stripe SDK by tools/gen_contract.py (package data)."""
