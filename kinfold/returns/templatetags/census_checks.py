"""`{% census_problems person %}`: the CIN census problems Kinfold's checks found on a child's
record (on the child's page, which has already checked the reader may see the child)."""

from __future__ import annotations

from django import template

from kinfold.returns.models import CensusProblem

register = template.Library()


@register.inclusion_tag("returns/_census_problems.html")
def census_problems(person):
    problems = list(
        CensusProblem.objects.filter(person_id=person.pk).order_by("-year", "rule", "field", "pk")
    )
    return {"problems": problems, "person": person}
