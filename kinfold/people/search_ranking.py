"""Which persons a search finds, and in what order.

1. Each typed word is matched against the vocabulary of distinct stored name tokens. On
   PostgreSQL the vocabulary is the people_nametoken table (migration 0004), searched with the
   pg_trgm similarity operator, the phonetic code and a prefix; on SQLite (the embedded default)
   the distinct tokens are read and all checked. Either way names.token_similarity decides.
2. The persons holding a matching token for every word are found with indexed lookups on
   (token, person), intersected in the database; other criteria (date of birth, NHS number,
   UPN, postcode) narrow first when given.
3. At most MAX_SCORED persons are scored in Python: exact matches first, then by similarity,
   then by name.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import F, Q

from . import names
from .models import Address, Person, PersonNameKey
from .validators import normalise_nhs_number, normalise_postcode

# Persons matching the other criteria: a date of birth, a postcode or an identifier.
MAX_CRITERIA_CANDIDATES = 5000
# Persons scored in Python; beyond this only the best-matching tokens are kept.
MAX_SCORED = 1000
TRIGRAM_THRESHOLD = 0.3


@dataclass(frozen=True)
class NameGroup:
    """One typed word: its pieces, and the pieces joined when there are several."""

    word: str
    pieces: tuple[str, ...]
    joined: str = ""

    @property
    def alternatives(self) -> tuple[str, ...]:
        return (*self.pieces, self.joined) if self.joined else self.pieces


@dataclass
class Criteria:
    q: str = ""
    date_of_birth: dt.date | None = None
    nhs_number: str = ""
    upn: str = ""
    postcode: str = ""
    groups: list[NameGroup] = field(default_factory=list)
    initials: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, *, q="", date_of_birth=None, nhs_number="", upn="", postcode="") -> Criteria:
        crit = cls(
            q=(q or "").strip(),
            date_of_birth=date_of_birth,
            nhs_number=normalise_nhs_number(nhs_number or ""),
            upn=(upn or "").strip().upper().replace(" ", ""),
            postcode=normalise_postcode(postcode or ""),
        )
        for word in crit.q.split():
            pieces = names.parts(word)
            long_pieces = tuple(p for p in pieces if len(p) >= 2)
            if long_pieces:
                joined = "".join(pieces) if len(pieces) > 1 else ""
                crit.groups.append(NameGroup(word, long_pieces, joined))
            elif pieces:
                crit.initials.append(pieces[0][0])
        return crit

    @property
    def has_other_criteria(self) -> bool:
        return bool(self.date_of_birth or self.nhs_number or self.upn or self.postcode)

    @property
    def is_empty(self) -> bool:
        return not (self.groups or self.has_other_criteria)

    def for_audit(self) -> dict:
        shown = {
            "q": self.q,
            "date_of_birth": self.date_of_birth.isoformat() if self.date_of_birth else "",
            "nhs_number": self.nhs_number,
            "upn": self.upn,
            "postcode": self.postcode,
        }
        return {k: v for k, v in shown.items() if v}


def _criteria_filter(crit: Criteria) -> Q:
    condition = Q(merged_into__isnull=True)
    if crit.date_of_birth:
        # The date of birth only: expected dates of birth have no index (an unborn child is
        # found by name or by a parent).
        condition &= Q(date_of_birth=crit.date_of_birth)
    if crit.nhs_number:
        condition &= Q(nhs_number=crit.nhs_number)
    if crit.upn:
        condition &= Q(upn=crit.upn) | Q(former_upn=crit.upn)
    if crit.postcode:
        at_postcode = Address.objects.filter(postcode=crit.postcode).values("person_id")
        condition &= Q(pk__in=at_postcode)
    return condition


def _vocabulary(crit: Criteria) -> list[str]:
    """Stored tokens that might match a typed one (a superset; the rule decides)."""
    if connection.vendor != "postgresql":
        return list(PersonNameKey.objects.values_list("token", flat=True).distinct())
    wanted = sorted({alt for group in crit.groups for alt in group.alternatives})
    selects, params = [], []
    for word in wanted:
        selects.append("SELECT token FROM people_nametoken WHERE token %% %s")
        params.append(word)
        code = names.phonetic(word)
        if len(code) >= 2:
            selects.append("SELECT token FROM people_nametoken WHERE phonetic = %s")
            params.append(code)
        if len(word) >= 3:
            selects.append("SELECT token FROM people_nametoken WHERE token LIKE %s")
            params.append(word.replace("\\", "").replace("%", "").replace("_", "") + "%")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL pg_trgm.similarity_threshold = %s", [TRIGRAM_THRESHOLD])
        cursor.execute(" UNION ".join(selects), params)
        return [row[0] for row in cursor.fetchall()]


def _matching_tokens(crit: Criteria, vocabulary: Iterable[str]) -> dict[str, dict[str, float]]:
    """For each typed alternative: the stored tokens it matches, with their similarity."""
    alternatives = {alt for group in crit.groups for alt in group.alternatives}
    found: dict[str, dict[str, float]] = {alt: {} for alt in alternatives}
    for token in vocabulary:
        for alt in alternatives:
            score = names.token_similarity(alt, token)
            if score > 0:
                found[alt][token] = score
    return found


@dataclass
class _Held:
    """A candidate's tokens: {token: (is_family, is_current)}."""

    tokens: dict[str, tuple[bool, bool]] = field(default_factory=dict)

    def sort_name(self) -> tuple[str, str]:
        family = " ".join(sorted(t for t, (f, c) in self.tokens.items() if f and c))
        given = " ".join(sorted(t for t, (f, c) in self.tokens.items() if not f and c))
        return family, given


def _score(crit: Criteria, held: _Held, matches: dict[str, dict[str, float]]) -> tuple | None:
    """(exact, score) for a person against the typed words, or None if a word is unmatched.

    A word's score is its best token similarity; a hyphenated word scores the better of its
    pieces on average or the pieces joined. Small bonuses rank a family name typed last and a
    current name over an alias among otherwise equal matches."""
    group_scores, exact, positional, current = [], True, 0.0, 0.0
    last = len(crit.groups) - 1
    for index, group in enumerate(crit.groups):

        def best(alt: str) -> tuple[float, str]:
            scored = [(matches[alt].get(t, 0.0), t) for t in held.tokens]
            return max(scored, default=(0.0, ""))

        piece_best = [best(p) for p in group.pieces]
        joined_best = best(group.joined) if group.joined else (0.0, "")
        if max([s for s, _ in piece_best] + [joined_best[0]]) <= 0:
            return None
        pieces_score = sum(s for s, _ in piece_best) / len(piece_best)
        score, token = max((pieces_score, max(piece_best)[1]), joined_best)
        group_scores.append(score)
        exact = exact and score >= 1.0
        is_family, is_current = held.tokens.get(token, (False, False))
        want_family = index == last and last > 0
        positional += 1.0 if is_family == want_family or last == 0 else 0.0
        current += 1.0 if is_current else 0.0
    for initial in crit.initials:
        if not any(t.startswith(initial) and not f for t, (f, _) in held.tokens.items()):
            return None
    n = len(crit.groups)
    total = sum(group_scores) / n + 0.01 * positional / n + 0.005 * current / n
    return exact, round(total, 6)


def _candidate_ids(group_tokens: list[set[str]], criteria_ids: list[int] | None):
    """Persons holding a token of every group (intersected in the database), as a query."""
    keys = PersonNameKey.objects.all()
    if criteria_ids is not None:
        keys = keys.filter(person_id__in=criteria_ids)
    ordered = sorted(group_tokens, key=len)
    # `person_id + 0`, not `person_id`: otherwise PostgreSQL answers DISTINCT … LIMIT by walking
    # the whole person_id index and filtering every key (170 to 240 ms at 300,000 persons) instead
    # of reading the (token, person) index (under 1 ms). benchmarks/search/RESULTS.md.
    ids = (
        keys.filter(token__in=ordered[0])
        .annotate(pid=F("person_id") + 0)
        .values_list("pid", flat=True)
    )
    for tokens in ordered[1:]:
        ids = ids.filter(person_id__in=keys.filter(token__in=tokens).values("person_id"))
    return ids.distinct().order_by()


def rank(crit: Criteria, limit: int) -> tuple[list[tuple[int, float, bool]], bool]:
    """[(person id, score, exact)] best first, and whether more matched than were ranked."""
    criteria_ids: list[int] | None = None
    if crit.has_other_criteria:
        matching = Person.objects.filter(_criteria_filter(crit)).order_by(
            "family_name", "given_name", "pk"
        )
        criteria_ids = list(matching.values_list("pk", flat=True)[: MAX_CRITERIA_CANDIDATES + 1])
        more = len(criteria_ids) > MAX_CRITERIA_CANDIDATES
        criteria_ids = criteria_ids[:MAX_CRITERIA_CANDIDATES]
        if not crit.groups:
            return [(pk, 1.0, True) for pk in criteria_ids[:limit]], more or (
                len(criteria_ids) > limit
            )
        vocabulary: Iterable[str] = set(
            PersonNameKey.objects.filter(person_id__in=criteria_ids).values_list("token", flat=True)
        )
    else:
        vocabulary = _vocabulary(crit)
    matches = _matching_tokens(crit, vocabulary)

    def tokens_of(group: NameGroup, floor: float = 0.0) -> set[str]:
        return {t for alt in group.alternatives for t, s in matches[alt].items() if s >= floor}

    group_tokens = [tokens_of(g) for g in crit.groups]
    if not all(group_tokens):
        return [], False
    ids = _candidate_ids(group_tokens, criteria_ids)
    cut = len(ids[: MAX_SCORED + 1]) > MAX_SCORED
    if cut:
        # Too many to score: keep the persons matching each word's best tokens.
        best = [
            tokens_of(g, max(matches[a].get(t, 0) for a in g.alternatives for t in ts))
            for g, ts in zip(crit.groups, group_tokens, strict=True)
        ]
        ids = _candidate_ids(best, criteria_ids)
    held: dict[int, _Held] = defaultdict(_Held)
    # The candidates' tokens in one query, the candidate query nested (no long id lists).
    for pid, token, is_family, is_current in PersonNameKey.objects.filter(
        person_id__in=ids[:MAX_SCORED]
    ).values_list("person_id", "token", "is_family", "is_current"):
        held[pid].tokens[token] = (is_family, is_current)
    ranked = []
    for pid, entry in held.items():
        scored = _score(crit, entry, matches)
        if scored is not None:
            exact, score = scored
            ranked.append((not exact, -score, *entry.sort_name(), pid))
    ranked.sort()
    top = ranked[: limit + 20]
    merged = set(
        Person.objects.filter(pk__in=[r[-1] for r in top], merged_into__isnull=False).values_list(
            "pk", flat=True
        )
    )
    found = [(r[-1], -r[1], not r[0]) for r in top if r[-1] not in merged][:limit]
    return found, cut or len(ranked) - len(merged) > limit
