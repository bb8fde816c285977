"""County accounts: a `county` user bound to one reporting unit uploads and restores for that unit
only. The loader itself refuses another unit's file (not only the page), and a forged session
state (another unit or role claimed) changes nothing: the unit is read from the users file."""

from __future__ import annotations

import dataclasses

import pytest

from app import office, users
from app.users import PermissionDenied, UserError

from .conftest import run_etl
from .dispatch_builder import grid, write_csv, write_xlsx
from .office_fixtures import CLERK, PASSWORD, rows, sign_in, users_file  # noqa: F401

COUNTY_USER = "青河县报送员"


@pytest.fixture()
def county(users_file):  # noqa: F811
    users.add_user(COUNTY_USER, "county", PASSWORD, users_file, unit="青河县")
    return sign_in(COUNTY_USER)


def dispatch(tmp_path, unit, week="2023-W45", csv=False):
    path = tmp_path / f"{unit}_{week}.{'csv' if csv else 'xlsx'}"
    (write_csv if csv else write_xlsx)(path, grid(unit=unit, week=week))
    return (path.name, path.read_bytes())


def test_cli_creates_and_lists_a_county_account(tmp_path):
    def cli(*args, stdin=PASSWORD + "\n"):
        return run_etl("user", *args, env={"DISPATCH_USERS": str(tmp_path / "u.json")}, stdin=stdin)

    made = cli("add", COUNTY_USER, "--role", "county", "--unit", "青河县", "--password-stdin")
    assert made.returncode == 0, made.stderr
    assert "county（单位报送员，青河县）" in made.stdout
    assert f"{COUNTY_USER}\tcounty（单位报送员，青河县）" in cli("list").stdout
    no_unit = cli("add", "某县报送员", "--role", "county", "--password-stdin")
    assert no_unit.returncode == 1 and "--unit" in no_unit.stderr
    unknown = cli("add", "某县报送员", "--role", "county", "--unit", "红星县", "--password-stdin")
    assert unknown.returncode == 1 and "红星县" in unknown.stderr and "不在" in unknown.stderr
    clerk_unit = cli("add", "某人", "--role", "clerk", "--unit", "青河县", "--password-stdin")
    assert clerk_unit.returncode == 1 and "只有单位报送员" in clerk_unit.stderr
    moved = cli("role", COUNTY_USER, "county", "--unit", "西山区")
    assert moved.returncode == 0, moved.stderr
    assert users.list_users(tmp_path / "u.json")[0]["unit"] == "西山区"
    assert cli("role", COUNTY_USER, "clerk").returncode == 0
    assert users.list_users(tmp_path / "u.json")[0]["unit"] is None


def test_a_signed_in_county_user_carries_its_unit(county):
    assert (county.role, county.unit, county.role_label) == ("county", "青河县", "单位报送员·青河县")
    assert users.can(county, "submit") and not users.can(county, "clerk")


def test_own_file_loads_another_units_file_is_refused(tmp_path, db_path, county):
    own, other = dispatch(tmp_path, "青河县"), dispatch(tmp_path, "西山区")
    [ok, refused] = office.upload_files(county, [own, other], db_path)
    assert (ok.outcome, ok.county, ok.version) == ("loaded", "青河县", 1)
    assert refused.outcome == "rejected" and refused.errors[0].code == "E_OTHER_UNIT"
    assert "填报单位是「西山区」" in refused.errors[0].message
    assert "只能报送「青河县」" in refused.errors[0].message
    assert "整个文件未导入" in refused.summary() or "未导入" in refused.summary()
    assert rows(db_path, "SELECT DISTINCT county FROM submission_versions") == [("青河县",)]
    assert rows(db_path, "SELECT count(*) FROM unit_rows WHERE county = '西山区'") == [(0,)]
    # the office may load it
    [by_clerk] = office.upload_files(sign_in(CLERK), [other], db_path)
    assert (by_clerk.outcome, by_clerk.county) == ("loaded", "西山区")


def test_another_units_file_already_loaded_is_refused_not_unchanged(tmp_path, db_path, county):
    other = dispatch(tmp_path, "西山区")
    office.upload_files(sign_in(CLERK), [other], db_path)
    [again] = office.upload_files(county, [other], db_path)
    assert again.outcome == "rejected" and again.errors[0].code == "E_OTHER_UNIT"


@pytest.mark.parametrize(
    "claim", [{"unit": "西山区"}, {"role": "clerk", "unit": None}, {"role": "admin", "unit": "西山区"}]
)
def test_a_forged_session_cannot_upload_or_restore_for_another_unit(tmp_path, db_path, county, claim):
    forged = dataclasses.replace(county, **claim)
    clerk = sign_in(CLERK)
    office.upload_files(clerk, [dispatch(tmp_path, "西山区")], db_path)
    office.upload_files(clerk, [dispatch(tmp_path, "西山区", csv=True)], db_path)
    [refused] = office.upload_files(forged, [dispatch(tmp_path, "西山区", week="2023-W46")], db_path)
    assert refused.outcome == "rejected" and refused.errors[0].code == "E_OTHER_UNIT"
    with pytest.raises(PermissionDenied, match="只能处理青河县"):
        office.restore_version(forged, "西山区", "2023-W45", 1, db_path)
    assert rows(db_path, "SELECT version FROM current_versions WHERE county = '西山区'") == [(2,)]
    assert rows(db_path, "SELECT count(*) FROM submission_versions WHERE week = '2023-W46'") == [(0,)]


def test_county_restores_its_own_versions_only(tmp_path, db_path, county):
    office.upload_files(county, [dispatch(tmp_path, "青河县")], db_path)
    office.upload_files(county, [dispatch(tmp_path, "青河县", csv=True)], db_path)
    clerk = sign_in(CLERK)
    office.upload_files(clerk, [dispatch(tmp_path, "西山区")], db_path)
    office.upload_files(clerk, [dispatch(tmp_path, "西山区", csv=True)], db_path)

    with pytest.raises(PermissionDenied, match="只能处理青河县"):
        office.restore_version(county, "西山区", "2023-W45", 1, db_path)
    assert rows(db_path, "SELECT version FROM current_versions WHERE county = '西山区'") == [(2,)]
    result = office.restore_version(county, "青河县", "2023-W45", 1, db_path)
    assert result.outcome == "restored"
    # the office restores any unit
    assert office.restore_version(clerk, "西山区", "2023-W45", 1, db_path).outcome == "restored"


def test_a_county_account_whose_unit_left_the_config_may_not_submit(tmp_path, db_path, county, users_file):  # noqa: F811
    store = users._load(users_file)
    store["users"][COUNTY_USER]["unit"] = "红星县"  # hand-edited, or the unit was renamed in config.toml
    users._write_json(users_file, store)
    with pytest.raises(PermissionDenied, match="没有绑定有效的报送单位"):
        office.upload_files(county, [dispatch(tmp_path, "青河县")], db_path)


def test_admin_creates_a_county_account_in_the_app(users_file):  # noqa: F811
    from .office_fixtures import ADMIN

    admin = sign_in(ADMIN)
    made = users.admin_add_user(admin, "白石县报送员", "county", PASSWORD, unit="白石县")
    assert (made.role, made.unit) == ("county", "白石县")
    with pytest.raises(UserError, match="--unit"):
        users.admin_add_user(admin, "无单位", "county", PASSWORD)
    users.admin_set_role(admin, "白石县报送员", "viewer")
    assert [u["unit"] for u in users.list_users() if u["name"] == "白石县报送员"] == [None]
    with pytest.raises(PermissionDenied):
        users.admin_set_role(sign_in(CLERK), "白石县报送员", "admin")
