"""The front door for its managers, and an assessment team's new referrals.

The front door view (`dashboard`): today's contacts by where they are, open MASH enquiries by
RAG rating and working time left, decisions and sign-offs overdue, and, month by month for a
year, the share of decided contacts that became referrals and the share of referrals that were
re-referrals. Each figure is a chart (inline SVG: no JavaScript, no inline style) with the same
numbers in a table beside it. It counts; it names a child only where the viewer may open their
record (`children_shown`), and names shown are recorded in the audit log.

A team's new referrals (`team_referrals`): referrals to the team whose child nobody in the team
holds yet, longest waiting first, with a link to allocate; and those allocated in the last 30
days. Seen by the members of the team's service (its managers among them), administrators and
performance officers.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils import timezone

from kinfold.access import audit
from kinfold.access.models import AuditAction
from kinfold.timescales.calendar import working_calendar
from kinfold.timescales.worklists import ChildShown, children_shown
from kinfold.workforce.models import OrgUnit
from kinfold.workforce.services import can_allocate

from .. import selectors
from ..models import Contact


def _refused(request, message: str):
    return render(
        request,
        "error.html",
        {"heading": "You cannot see this page", "message": message},
        status=403,
    )


# ---- charts ---------------------------------------------------------------------------------

BLUE, RED = "#1d70b8", "#d4351c"


@dataclass(frozen=True)
class Bar:
    label: str
    value: str
    x: float
    y: float
    width: float
    height: float
    colour: str = BLUE
    text_x: float = 0
    text_y: float = 0
    label_x: float = 0
    label_y: float = 0


@dataclass(frozen=True)
class Chart:
    description: str
    width: int
    height: int
    bars: list[Bar]
    columns: bool = False  # labels under the bars (else beside them)


def bar_chart(description: str, items: list[tuple[str, int, str]]) -> Chart:
    """Horizontal bars, one a row: (label, count, colour)."""
    top = max((n for _, n, _ in items), default=0) or 1
    row, left, room = 32, 280, 300
    bars = []
    for i, (label, n, colour) in enumerate(items):
        width = round(room * n / top, 1)
        y = i * row + 6
        bars.append(
            Bar(
                label=label,
                value=str(n),
                x=left,
                y=y,
                width=width,
                height=20,
                colour=colour,
                text_x=left + width + 8,
                text_y=y + 15,
                label_x=0,
                label_y=y + 15,
            )
        )
    return Chart(description, left + room + 60, len(items) * row + 8, bars)


def month_chart(description: str, rates: list[selectors.MonthRate]) -> Chart:
    """A column a month, its height the month's percentage (scaled to the highest month)."""
    top = max((r.percent or 0 for r in rates), default=0)
    top = max(10.0, top)
    column, room, base = 52, 150, 190
    bars = []
    for i, rate in enumerate(rates):
        height = round(room * (rate.percent or 0) / top, 1)
        x = i * column + 12
        bars.append(
            Bar(
                label=rate.month.strftime("%b %y"),
                value="none" if rate.percent is None else f"{rate.percent:g}%",
                x=x,
                y=base - height,
                width=32,
                height=height,
                text_x=x + 16,
                text_y=base - height - 6,
                label_x=x + 16,
                label_y=base + 20,
            )
        )
    return Chart(description, len(rates) * column + 12, base + 30, bars, columns=True)


# ---- the front door view --------------------------------------------------------------------


@dataclass(frozen=True)
class ListedContact:
    contact: Contact
    children: list[ChildShown | None]


def dashboard(request):
    worker = request.user
    if not selectors.sees_front_door(worker):
        return _refused(
            request,
            "The front door view is for its managers: team managers, administrators, "
            "performance officers, contact officers and MASH practitioners.",
        )
    now, today, calendar = timezone.now(), timezone.localdate(), working_calendar()
    states = selectors.contacts_today_by_status(today)
    bands = selectors.mash_by_rag_and_time(now, calendar)
    decisions = selectors.decisions_overdue(today)
    sign_offs = selectors.sign_offs_overdue(today)
    conversion = selectors.conversion_by_month(today)
    rereferrals = selectors.rereferrals_by_month(today)

    links = selectors.children_of_contacts(c.pk for c in decisions.rows + sign_offs.rows)
    shown = children_shown(worker, (c.person_id for cs in links.values() for c in cs))

    def listed(rows: list[Contact]) -> list[ListedContact]:
        return [
            ListedContact(c, [shown.get(x.person_id) if x.person_id else None for x in links[c.pk]])
            for c in rows
        ]

    named = sorted(pid for pid, child in shown.items() if child.name)
    if named:
        audit.record(
            worker=worker,
            action=AuditAction.VIEW,
            object_type="front_door.dashboard",
            object_id=worker.pk,
            detail={"path": request.path, "ids": named},
        )
    band_totals = [
        (label, sum(b.band(key) for b in bands), RED if key == "overdue" else BLUE)
        for key, label in selectors.BANDS
    ]
    return render(
        request,
        "front_door/dashboard.html",
        {
            "today": today,
            "states": states,
            "states_total": sum(s.count for s in states),
            "states_chart": bar_chart(
                "Contacts received today, by where they are now",
                [(s.label, s.count, BLUE) for s in states],
            ),
            "bands": bands,
            "band_labels": selectors.BANDS,
            "band_totals": band_totals,
            "bands_chart": bar_chart(
                "Open MASH enquiries by working time left to their deadline", band_totals
            ),
            "decisions": listed(decisions.rows),
            "decisions_total": decisions.total,
            "sign_offs": listed(sign_offs.rows),
            "sign_offs_total": sign_offs.total,
            "conversion": conversion,
            "conversion_overall": selectors.overall(conversion),
            "conversion_chart": month_chart(
                "Share of contacts decided each month that became a referral", conversion
            ),
            "rereferrals": rereferrals,
            "rereferrals_overall": selectors.overall(rereferrals),
            "rereferrals_chart": month_chart(
                "Share of referrals each month that were re-referrals within 12 months",
                rereferrals,
            ),
        },
    )


# ---- an assessment team's new referrals -----------------------------------------------------

PAGE_SIZE = 100


def team_referrals(request, pk):
    worker = request.user
    team = get_object_or_404(OrgUnit, pk=pk)
    if not selectors.may_see_team_referrals(worker, team):
        return _refused(
            request,
            "A team's new referrals are seen by the workers of its service, administrators and "
            "performance officers.",
        )
    today = timezone.localdate()
    page = Paginator(selectors.awaiting_allocation(team), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    waiting = list(page.object_list)
    recent = selectors.recently_allocated(team, today)
    shown = children_shown(worker, [r.person_id for r in waiting + recent])
    named = sorted(pid for pid, child in shown.items() if child.name)
    if named:
        audit.record(
            worker=worker,
            action=AuditAction.VIEW,
            object_type="front_door.team_referrals",
            object_id=team.pk,
            detail={"path": request.path, "ids": named},
        )
    return render(
        request,
        "front_door/team_referrals.html",
        {
            "team": team,
            "page": page,
            "waiting": [
                (r, shown.get(r.person_id), (today - r.referral_date).days) for r in waiting
            ],
            "recent": [
                (r, shown.get(r.person_id), (r.allocated_on - r.referral_date).days) for r in recent
            ],
            "recent_days": selectors.RECENTLY_ALLOCATED_DAYS,
            "may_allocate": can_allocate(worker),
        },
    )


urlpatterns = [
    path("dashboard/", dashboard, name="dashboard"),
    path("teams/<int:pk>/referrals/", team_referrals, name="team-referrals"),
]
