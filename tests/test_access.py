"""Access, from the robustness side (the office's own tests cover roles, crafted sessions and the
lockout): a password typed at sign-in, right or wrong, ends up nowhere in the warehouse, its
archive or the users files, and a forged User object cannot load anything."""

from __future__ import annotations

import dataclasses

import duckdb
import pytest

from app import office, users

from .dispatch_builder import grid, write_xlsx
from .office_fixtures import CLERK, PASSWORD, VIEWER, sign_in, users_file  # noqa: F401


def everything_in(db) -> bytes:
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = []
        for (t,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'"
        ).fetchall():
            for row in con.execute(f'SELECT * FROM "{t}"').fetchall():
                out += [v if isinstance(v, bytes) else str(v).encode() for v in row]
        return b"\n".join(out)
    finally:
        con.close()


def test_passwords_reach_neither_the_warehouse_nor_the_users_files(tmp_path, db_path, users_file):
    wrong = "wrong-password-xyz"
    with pytest.raises(users.UserError):
        users.authenticate(CLERK, wrong)
    clerk = sign_in(CLERK)
    path = write_xlsx(tmp_path / "a.xlsx", grid())
    [r] = office.upload_files(clerk, [(path.name, path.read_bytes())], db_path)
    assert r.outcome == "loaded"
    data = everything_in(db_path)
    assert CLERK.encode() in data  # who loaded it is recorded…
    for secret in (PASSWORD, wrong):  # …but no password, in any encoding
        for enc in ("utf-8", "utf-16-le"):
            assert secret.encode(enc) not in data
        for f in users_file.parent.iterdir():
            if f.is_file() and f.suffix != ".duckdb":
                assert secret.encode() not in f.read_bytes(), f


def test_a_forged_clerk_cannot_upload(tmp_path, db_path, users_file):
    viewer = sign_in(VIEWER)
    path = write_xlsx(tmp_path / "a.xlsx", grid())
    fields = {f.name for f in dataclasses.fields(viewer)} if dataclasses.is_dataclass(viewer) else set()
    forged = dataclasses.replace(viewer, role="clerk") if "role" in fields else viewer
    with pytest.raises(users.PermissionDenied):
        office.upload_files(forged, [(path.name, path.read_bytes())], db_path)
    assert not db_path.exists() or b"a.xlsx" not in everything_in(db_path)
