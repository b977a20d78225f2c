"""The requirements engine: which information an account still owes, by when, and what it blocks.

Pure: rule files are read once by ``load_rules`` (a bad file raises ``RuleFileError`` and stops
the boot); ``evaluate`` is then a function of (facts, rules, now) with no I/O. Rules are data in
``rules/<country>.yaml``; ``rules/README.md`` explains the schema.
"""

from gangway.requirements.engine import Evaluation, evaluate
from gangway.requirements.facts import AccountFacts, Verification
from gangway.requirements.rules import CountryRules, RuleBook, RuleFileError, load_rules

__all__ = [
    "AccountFacts",
    "CountryRules",
    "Evaluation",
    "RuleBook",
    "RuleFileError",
    "Verification",
    "evaluate",
    "load_rules",
]
