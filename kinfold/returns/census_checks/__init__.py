"""Kinfold's own CIN census checks (issue 7, section 3): the DfE validator's rules written from
the census rules and run on each child's census record as their records are saved
(signals.py) and nightly over all (`manage.py check_census --year YYYY`). What a check finds
is kept as a CensusProblem (rule number, message, the item to fix), shown on the child's page
and on the allocated worker's My work. docs/returns/census_agreement.md says which rules are
here and how far they agree with the DfE validator.
"""

from .rules import REGISTRY, Check, Context, Finding, check

__all__ = ["REGISTRY", "Check", "Context", "Finding", "check"]
