"""The validator (检查): rules → findings on a :class:`~core.model.Disclosure`.

    from core.validation import run_checks
    findings = run_checks(doc)          # sorted: errors first, then by rule and place

Rules live in ``rules_tables`` (T), ``rules_cross`` (X), ``rules_narrative`` (N),
``rules_forms`` (P) and ``rules_completeness`` (C); ``catalog`` lists them
(``python -m core.validation.catalog --markdown`` writes docs/rules.md).
"""

from core.validation.engine import all_rules, get_rule, run_checks
from core.validation.findings import SEVERITIES, Finding, Location

__all__ = ["SEVERITIES", "Finding", "Location", "all_rules", "get_rule", "run_checks"]
