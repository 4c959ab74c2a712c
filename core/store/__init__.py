"""The project file (项目文件): source PDF, document, every edit, last findings.

    from core.store import Project
    with Project.open("dept.bwproj") as project:
        doc = project.document

See :mod:`core.store.project` for the file's guarantees, :mod:`core.store.schema` for its
tables, :mod:`core.store.audit` for the audit log (修改记录).
"""

from core.store.audit import KIND_LABELS, AuditEntry, filter_entries
from core.store.audit_excel import export_audit_log
from core.store.header import is_sqlite_file
from core.store.project import EXTENSION, LastCheck, Project, Step

__all__ = [
    "EXTENSION",
    "KIND_LABELS",
    "AuditEntry",
    "LastCheck",
    "Project",
    "Step",
    "export_audit_log",
    "filter_entries",
    "is_sqlite_file",
]
