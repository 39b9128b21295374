"""The audit log is append-only and hash-chained; verify_audit finds altered and missing rows."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from kinfold.access import audit
from kinfold.access.audit import verify_chain
from kinfold.access.models import AuditAction, AuditEvent


@pytest.fixture
def tamperable(db):
    """Someone with the rights to drop the database's append-only trigger (a DBA, an attacker
    with the owner's credentials): verify_audit must still find what they did."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE access_auditevent DISABLE TRIGGER access_auditevent_append_only"
            )
        else:
            cursor.execute("DROP TRIGGER access_auditevent_append_only")


@pytest.fixture
def three_views(personas, child):
    worker = personas["allocated_worker"]
    return [audit.record(worker=worker, action=AuditAction.VIEW, obj=child) for _ in range(3)]


def test_an_untouched_chain_verifies(three_views):
    assert list(verify_chain()) == []
    assert [e.seq for e in three_views] == [1, 2, 3]
    assert three_views[1].prev_hash == three_views[0].hash


def test_an_altered_row_is_reported(tamperable, three_views):
    AuditEvent.objects.filter(seq=2).update(reason="nothing to see here")
    problems = list(verify_chain())
    assert [(p.seq, "altered" in p.problem) for p in problems] == [(2, True)]


def test_a_deleted_row_is_reported_missing(tamperable, three_views):
    AuditEvent.objects.filter(seq=2).delete()
    problems = list(verify_chain())
    assert (2, "missing") in [(p.seq, p.problem) for p in problems]


def test_a_deleted_last_row_is_reported_missing(tamperable, three_views):
    AuditEvent.objects.filter(seq=3).delete()
    assert [(p.seq, p.problem) for p in verify_chain()] == [(3, "missing")]


def test_rows_cannot_be_changed_or_deleted_through_the_model(three_views):
    event = three_views[0]
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


def test_verify_audit_command_exits_1_on_tampering(tamperable, three_views, capsys):
    call_command("verify_audit")
    assert "intact: 3 rows" in capsys.readouterr().out
    AuditEvent.objects.filter(seq=1).update(object_id="999")
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_audit")
    assert exit_info.value.code == 1
    assert "row 1: altered" in capsys.readouterr().out


def test_the_database_refuses_to_change_an_audit_row(three_views):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=1).update(reason="edited")
    assert AuditEvent.objects.get(seq=1).reason == ""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite keeps DELETE for test flush")
def test_postgresql_refuses_to_delete_an_audit_row(three_views):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=1).delete()
    assert AuditEvent.objects.count() == 3
