"""The one audit writer, and the chain check used by `manage.py verify_audit`."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .models import AuditAction, AuditEvent, AuditHead

GENESIS = "0" * 64


def _row_hash(
    *, prev_hash: str, seq: int, at, worker_id, action, object_type, object_id, detail, reason
) -> str:
    payload = json.dumps(
        [seq, at.isoformat(), worker_id, action, object_type, str(object_id), detail, reason],
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256((prev_hash + payload).encode()).hexdigest()


def record(
    *,
    worker,
    action: AuditAction | str,
    obj=None,
    object_type: str = "",
    object_id: str | int = "",
    detail: dict | None = None,
    reason: str = "",
) -> AuditEvent:
    """Append one event to the audit chain, in the caller's transaction if there is one."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    detail = detail or {}
    worker_id = getattr(worker, "pk", None)
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        seq = head.last_seq + 1
        at = timezone.now()
        row_hash = _row_hash(
            prev_hash=head.last_hash,
            seq=seq,
            at=at,
            worker_id=worker_id,
            action=str(action),
            object_type=object_type,
            object_id=str(object_id),
            detail=detail,
            reason=reason,
        )
        event = AuditEvent(
            seq=seq,
            at=at,
            worker_id=worker_id,
            action=str(action),
            object_type=object_type,
            object_id=str(object_id),
            detail=detail,
            reason=reason,
            prev_hash=head.last_hash,
            hash=row_hash,
        )
        event.save()
        AuditHead.objects.filter(pk=1).update(last_seq=seq, last_hash=row_hash)
    return event


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    problem: str


def verify_chain(batch_size: int = 5000) -> Iterator[ChainProblem]:
    """Yield every altered, missing or out-of-order row, walking the chain from the start."""
    expected_seq, prev_hash = 1, GENESIS
    qs = AuditEvent.objects.order_by("seq").values_list(
        "seq",
        "at",
        "worker_id",
        "action",
        "object_type",
        "object_id",
        "detail",
        "reason",
        "prev_hash",
        "hash",
    )
    for (
        seq,
        at,
        worker_id,
        action,
        otype,
        oid,
        detail,
        reason,
        stored_prev,
        stored_hash,
    ) in qs.iterator(chunk_size=batch_size):
        if seq != expected_seq:
            for missing in range(expected_seq, seq):
                yield ChainProblem(missing, "missing")
            prev_hash = stored_prev
        if stored_prev != prev_hash:
            yield ChainProblem(seq, "does not follow the previous row (chain broken)")
        computed = _row_hash(
            prev_hash=stored_prev,
            seq=seq,
            at=at,
            worker_id=worker_id,
            action=action,
            object_type=otype,
            object_id=oid,
            detail=detail,
            reason=reason,
        )
        if computed != stored_hash:
            yield ChainProblem(seq, "altered (its content no longer matches its hash)")
        prev_hash = stored_hash
        expected_seq = seq + 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and head.last_seq >= expected_seq:
        for missing in range(expected_seq, head.last_seq + 1):
            yield ChainProblem(missing, "missing")
