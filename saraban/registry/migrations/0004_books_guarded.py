"""The books become tamper-evident in the database itself (DOMAIN.md §3).

1. Every letter registered before this migration gets its row in the book
   (``RegisterEntry``), with the values it was registered with.
2. Triggers refuse, whatever the client (the service, the admin, a psql session):
   deleting a book row; changing a row's register, year or number; changing an issued
   row's time, ที่, date, from, to, subject or letter; reviving a cancelled number;
   changing a registered letter's register, year, receive number or registration time;
   deleting a registered letter. Errors are integrity errors (SQLSTATE 23000 on
   PostgreSQL, SQLITE_CONSTRAINT on SQLite). Tests roll back instead of flushing, so
   the delete triggers never stand in their way.
"""

from django.db import migrations

ENTRY_MESSAGE = "รายการในทะเบียนแก้ไขหรือลบไม่ได้ ให้บันทึกรายการแก้ไขใหม่ (register entries are immutable)"
LETTER_MESSAGE = "เลขทะเบียนรับและเวลาลงทะเบียนของหนังสือที่ลงทะเบียนแล้วแก้ไขหรือลบไม่ได้"

ISSUED_COLUMNS = ("state", "entered_at", "document_number", "document_date", "sender", "addressee", "subject",
                  "letter_id", "outgoing_id")
NUMBER_COLUMNS = ("register_id", "year", "number")
LETTER_COLUMNS = ("receive_number", "register_id", "year", "registered_at")


def _changed_sqlite(columns) -> str:
    return " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in columns)


def _changed_pg(columns) -> str:
    new = ", ".join(f"NEW.{c}" for c in columns)
    old = ", ".join(f"OLD.{c}" for c in columns)
    return f"ROW({new}) IS DISTINCT FROM ROW({old})"


SQLITE = [
    f"""CREATE TRIGGER registry_entry_no_delete BEFORE DELETE ON registry_registerentry
        BEGIN SELECT RAISE(ABORT, '{ENTRY_MESSAGE}'); END""",
    f"""CREATE TRIGGER registry_entry_immutable BEFORE UPDATE ON registry_registerentry
        WHEN ({_changed_sqlite(NUMBER_COLUMNS)})
          OR (OLD.state = 'issued' AND ({_changed_sqlite(ISSUED_COLUMNS)}))
          OR (OLD.state = 'cancelled' AND NEW.state IS NOT OLD.state)
        BEGIN SELECT RAISE(ABORT, '{ENTRY_MESSAGE}'); END""",
    f"""CREATE TRIGGER registry_letter_number_fixed BEFORE UPDATE ON registry_letter
        WHEN OLD.receive_number IS NOT NULL AND ({_changed_sqlite(LETTER_COLUMNS)})
        BEGIN SELECT RAISE(ABORT, '{LETTER_MESSAGE}'); END""",
    f"""CREATE TRIGGER registry_letter_no_delete BEFORE DELETE ON registry_letter
        WHEN OLD.receive_number IS NOT NULL
        BEGIN SELECT RAISE(ABORT, '{LETTER_MESSAGE}'); END""",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS registry_entry_no_delete", "DROP TRIGGER IF EXISTS registry_entry_immutable",
               "DROP TRIGGER IF EXISTS registry_letter_number_fixed", "DROP TRIGGER IF EXISTS registry_letter_no_delete"]

POSTGRES = [
    f"""CREATE FUNCTION registry_entry_guard() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'DELETE'
             OR {_changed_pg(NUMBER_COLUMNS)}
             OR (OLD.state = 'issued' AND {_changed_pg(ISSUED_COLUMNS)})
             OR (OLD.state = 'cancelled' AND NEW.state IS DISTINCT FROM OLD.state) THEN
            RAISE EXCEPTION '{ENTRY_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
          END IF;
          RETURN NEW;
        END $$""",
    """CREATE TRIGGER registry_entry_guard BEFORE UPDATE OR DELETE ON registry_registerentry
        FOR EACH ROW EXECUTE FUNCTION registry_entry_guard()""",
    f"""CREATE FUNCTION registry_letter_guard() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF OLD.receive_number IS NOT NULL
             AND (TG_OP = 'DELETE' OR {_changed_pg(LETTER_COLUMNS)}) THEN
            RAISE EXCEPTION '{LETTER_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
          END IF;
          IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
          RETURN NEW;
        END $$""",
    """CREATE TRIGGER registry_letter_guard BEFORE UPDATE OR DELETE ON registry_letter
        FOR EACH ROW EXECUTE FUNCTION registry_letter_guard()""",
]
POSTGRES_DROP = ["DROP TRIGGER IF EXISTS registry_entry_guard ON registry_registerentry",
                 "DROP FUNCTION IF EXISTS registry_entry_guard()",
                 "DROP TRIGGER IF EXISTS registry_letter_guard ON registry_letter",
                 "DROP FUNCTION IF EXISTS registry_letter_guard()"]


def book_rows_for_registered_letters(apps, schema_editor):
    Letter = apps.get_model("registry", "Letter")
    RegisterEntry = apps.get_model("registry", "RegisterEntry")
    rows = [
        RegisterEntry(register_id=letter.register_id, year=letter.year, number=letter.receive_number,
                      state="issued", entered_at=letter.registered_at, entered_by_id=letter.registered_by_id,
                      letter_id=letter.pk, document_number=letter.document_number,
                      document_date=letter.document_date, sender=letter.issuing_office or letter.sender,
                      addressee=letter.addressee, subject=letter.subject, remarks=letter.remarks)
        for letter in Letter.objects.filter(receive_number__isnull=False).order_by("register_id", "year",
                                                                                   "receive_number")
    ]
    RegisterEntry.objects.bulk_create(rows, batch_size=500)


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):

    dependencies = [("registry", "0003_books_entries_outgoing_retention")]

    operations = [
        migrations.RunPython(book_rows_for_registered_letters, migrations.RunPython.noop),
        migrations.RunPython(_run({"sqlite": SQLITE, "postgresql": POSTGRES}),
                             _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP})),
    ]
