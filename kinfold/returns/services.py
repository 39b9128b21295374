"""Building statutory returns: starting a build, running it, and handing its file over.

Returns are for the performance officers who send them and for administrators; a download is
an export of children's data and is audited (AuditAction.EXPORT), as the chronology PDF is.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kinfold.access import audit
from kinfold.access.models import AuditAction
from kinfold.workforce.models import Role, Worker

from . import kinds, runner
from .models import STALLED_AFTER, BuildStatus, ReturnBuild, ReturnProblem

logger = logging.getLogger(__name__)

RETURNS_ROLES = frozenset({Role.PERFORMANCE_OFFICER, Role.ADMINISTRATOR})
# Progress is written at most this often (seconds), and always at the start and the end.
PROGRESS_EVERY = 0.5


def may_build_returns(worker: Worker | None) -> bool:
    """Performance officers and administrators build returns and download them."""
    return bool(
        worker is not None
        and worker.is_authenticated
        and worker.is_active
        and (worker.role in RETURNS_ROLES or worker.is_superuser)
    )


def _require_returns_role(worker: Worker | None) -> None:
    if not may_build_returns(worker):
        raise PermissionDenied("Only performance officers and administrators build returns")


def fail_stalled_builds() -> int:
    """Mark failed the builds whose process stopped while they ran (they will never finish)."""
    cutoff = timezone.now() - STALLED_AFTER
    stalled = ReturnBuild.objects.filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, requested_at__lt=cutoff),
        status__in=[BuildStatus.QUEUED, BuildStatus.RUNNING],
    )
    return stalled.update(
        status=BuildStatus.FAILED,
        finished_at=timezone.now(),
        error="The build stopped before it finished (the server restarted while it ran).",
    )


def _create(*, kind: str, parameters: dict[str, Any], requested_by: Worker | None) -> ReturnBuild:
    return_kind = kinds.get(kind)
    parsed = return_kind.parse(parameters)
    return ReturnBuild.objects.create(
        kind=return_kind.code,
        parameters=parsed.values,
        as_at=parsed.as_at,
        period_start=parsed.period_start,
        period_end=parsed.period_end,
        requested_by=requested_by,
        requested_at=timezone.now(),
    )


@transaction.atomic
def start_build(*, actor: Worker, kind: str, parameters: dict[str, Any]) -> ReturnBuild:
    """Queue a build of a return and start it in the background once this transaction commits.
    Bad parameters raise ValidationError ({field: message}) and queue nothing."""
    _require_returns_role(actor)
    fail_stalled_builds()
    build = _create(kind=kind, parameters=parameters, requested_by=actor)
    build_id = build.pk
    transaction.on_commit(lambda: runner.launch(build_id))
    return build


class _Progress:
    """Writes (done, total) to the build's row, at most every PROGRESS_EVERY seconds."""

    def __init__(self, build_id: int, also: Callable[[int, int], None] | None) -> None:
        self.build_id = build_id
        self.also = also
        self.written_at = 0.0

    def __call__(self, done: int, total: int) -> None:
        if self.also is not None:
            self.also(done, total)
        now = time.monotonic()
        if done not in (0, total) and now - self.written_at < PROGRESS_EVERY:
            return
        self.written_at = now
        ReturnBuild.objects.filter(pk=self.build_id).update(
            done=min(done, total), total=total, heartbeat_at=timezone.now()
        )


def run_build(
    *, build_id: int, on_progress: Callable[[int, int], None] | None = None
) -> ReturnBuild:
    """Build a queued return: replay the stored facts into its file, keep the file and the
    problems, and say whether it is ready to send (it is not while any child could not be
    expressed). A build that raises is marked failed with the reason, and keeps no file."""
    claimed = ReturnBuild.objects.filter(pk=build_id, status=BuildStatus.QUEUED).update(
        status=BuildStatus.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now()
    )
    build = ReturnBuild.objects.get(pk=build_id)
    if not claimed:
        return build  # another process has it, or it is over
    try:
        result = kinds.get(build.kind).build(build.parameters, _Progress(build_id, on_progress))
    except Exception as error:
        logger.exception("Return build %s failed", build_id)
        ReturnBuild.objects.filter(pk=build_id).update(
            status=BuildStatus.FAILED,
            finished_at=timezone.now(),
            error=f"{type(error).__name__}: {error}"[:2000],
        )
        build.refresh_from_db()
        return build
    build.refresh_from_db(fields=["done", "total"])  # as the progress left them
    _keep(build, result)
    build.refresh_from_db()
    return build


@transaction.atomic
def _keep(build: ReturnBuild, result: kinds.BuildResult) -> None:
    build.file.save("return", ContentFile(result.content), save=False)
    stored = str(build.file.name)
    try:
        ReturnProblem.objects.bulk_create(
            ReturnProblem(
                build=build,
                part=p.part,
                person_id=p.person_id,
                reference=p.reference[:40],
                column=p.column[:100],
                reason=p.reason[:300],
            )
            for p in result.problems
        )
        build.file_name = result.file_name
        build.content_type = result.content_type
        build.size = len(result.content)
        build.sha256 = hashlib.sha256(result.content).hexdigest()
        build.summary = result.summary
        build.status = BuildStatus.FINISHED
        build.finished_at = timezone.now()
        build.heartbeat_at = build.finished_at
        build.total = max(build.total, build.done)
        build.done = build.total
        build.ready_to_send = not result.problems
        build.save()
    except BaseException:
        # The file was written before the rows: without them it must not stay behind.
        build.file.storage.delete(stored)
        raise


def build_from_command_line(
    *,
    kind: str,
    parameters: dict[str, Any],
    on_progress: Callable[[int, int], None] | None = None,
) -> ReturnBuild:
    """Build a return now, in this process, for `manage.py`: recorded like any other build
    (asked for by no worker) and its file audited as exported from the command line."""
    kinds.get(kind).parse(parameters)  # refuse bad input before touching any record
    fail_stalled_builds()
    build = _create(kind=kind, parameters=parameters, requested_by=None)
    build = run_build(build_id=build.pk, on_progress=on_progress)
    if build.has_file:
        audit.record(
            worker=None,
            action=AuditAction.EXPORT,
            obj=build,
            detail={"what": build.kind, "via": "command line", "as_at": str(build.as_at)},
        )
    return build


def download_build(*, actor: Worker, build_id: int) -> tuple[ReturnBuild, bytes]:
    """The finished build's file, for a performance officer or an administrator; audited."""
    _require_returns_role(actor)
    build = ReturnBuild.objects.get(pk=build_id)
    if not build.has_file:
        raise ValidationError({"file": "This build has no file to download"})
    with build.file.open("rb") as stored:
        content = stored.read()
    audit.record(
        worker=actor,
        action=AuditAction.EXPORT,
        obj=build,
        detail={
            "what": build.kind,
            "as_at": str(build.as_at),
            "sha256": build.sha256,
            "ready_to_send": build.ready_to_send,
            "problems": build.problems.count(),
        },
    )
    return build, content
