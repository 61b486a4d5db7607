"""One Cypher guard for every engine: which statements write, and splitting a script.

Used by the Neo4j backend, the embedded engine and ``graphkit cypher``. The keyword list is the
union of what changes a database, reads or writes files, configures an engine or runs
procedures (``CALL``, which on Neo4j may write: a read-only query that needs a procedure runs
with ``--write``). Matching ignores string literals, quoted names, comments, property keys
(``n.set``), labels (``:Create``) and parameters (``$delete``).
"""

from __future__ import annotations

import re

#: Clauses refused in a read-only query (multi-word clauses as regular expressions).
WRITE_CLAUSES = (
    "CREATE INSERT MERGE DELETE DETACH NODETACH SET REMOVE DROP ALTER RENAME GRANT DENY REVOKE "
    "FOREACH LOAD COPY INSTALL ATTACH IMPORT EXPORT CHECKPOINT BEGIN COMMIT ROLLBACK CALL "
    r"USE TERMINATE DEALLOCATE REALLOCATE IN\s+TRANSACTIONS (?:START|STOP)\s+DATABASE "
    r"ENABLE\s+SERVER"
).split()
_WRITE = re.compile(
    r"(?<![\w.:$])(" + "|".join(dict.fromkeys(WRITE_CLAUSES)) + r")(?![\w])", re.IGNORECASE
)


def code_only(query: str) -> str:
    """``query`` with string literals, quoted names and comments blanked (same length)."""
    out = list(query)
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c in "'\"`":
            j = i + 1
            while j < n and query[j] != c:
                j += 2 if query[j] == "\\" and c != "`" else 1
            for k in range(i, min(j + 1, n)):
                out[k] = " "
            i = j + 1
        elif query.startswith("//", i) or query.startswith("/*", i):
            end = "\n" if query[i + 1] == "/" else "*/"
            j = query.find(end, i + 2)
            j = n if j < 0 else j + len(end)
            for k in range(i, j):
                out[k] = " "
            i = j
        else:
            i += 1
    return "".join(out)


def write_clause(query: str) -> str | None:
    """The first clause in ``query`` that writes (``CREATE``, ``SET`` …), or ``None``.

    >>> write_clause("MATCH (n {name: 'CREATE'}) RETURN n.set // DELETE")
    >>> write_clause("match (n) detach delete n")
    'DETACH'
    """
    m = _WRITE.search(code_only(query))
    return m.group(1).upper().split()[0] if m else None


def split_statements(script: str) -> list[str]:
    """Statements of a script separated by ``;`` (outside strings, names and comments).

    >>> split_statements("RETURN ';' AS x;\\n// c;\\nRETURN 2;")
    ["RETURN ';' AS x", '// c;\\nRETURN 2']
    """
    code = code_only(script)
    parts, start = [], 0
    for i, c in enumerate(code):
        if c == ";":
            parts.append(script[start:i])
            start = i + 1
    parts.append(script[start:])
    return [p.strip() for p in parts if code_only(p).strip()]
