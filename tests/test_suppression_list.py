"""The suppression list: CSV import (bad lines named, nothing lost), export, GDPR erasure from the command
line, and the asset that folds lemlist's unsubscribe list and HubSpot's opt-outs into it."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import dagster as dg
import pytest

from resources.pipeline_store.database import open_database
from resources.pipeline_store.suppression import SuppressionList
from sales_assets.cli import main
from sales_assets.engagement.suppression import parse_entry, read_suppression_csv, suppression_list


def test_entries_are_emails_or_domains() -> None:
    assert parse_entry(" Jane.Doe@Example.COM ") == ("email", "jane.doe@example.com")
    assert parse_entry("@example.com") == ("domain", "example.com")
    assert parse_entry("Example.com") == ("domain", "example.com")
    for bad in ("", "jane@", "jane@@example.com", "no spaces@example.com", "localhost", "a@b..com"):
        with pytest.raises(ValueError):
            parse_entry(bad)


def test_csv_import_keeps_good_rows_and_names_each_bad_line() -> None:
    text = "Email,Reason\njane@example.com,asked by phone\n\nnot-an-address,\n@competitor.io,\nbob@x.io\n"
    entries, rejected = read_suppression_csv(
        io.StringIO(text), source="csv_import", default_reason="imported"
    )
    assert [(e["kind"], e["value"], e["reason"]) for e in entries] == [
        ("email", "jane@example.com", "asked by phone"),
        ("domain", "competitor.io", "imported"),
        ("email", "bob@x.io", "imported"),
    ]
    assert [(r.line, r.value) for r in rejected] == [(4, "not-an-address")]
    # No header: one value per line, numbered from 1.
    entries, rejected = read_suppression_csv(io.StringIO("a@b.io\nnope\n"), source="s", default_reason="r")
    assert len(entries) == 1 and rejected[0].line == 2


def test_command_line_import_export_and_erase(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "store.sqlite"
    source = tmp_path / "blocked.csv"
    source.write_text("email,reason\njane@example.com,complaint\nbroken@\n@rival.io,competitor\n")
    assert (
        main(["--home", str(tmp_path / "home"), "suppression", "--store", str(store), "import", str(source)])
        == 1
    )
    err = capsys.readouterr().err
    assert f"{source}:3: rejected 'broken@'" in err and "imported 2 entries" in err

    out = tmp_path / "export.csv"
    assert main(["suppression", "--store", str(store), "export", str(out)]) == 0
    rows = list(csv.DictReader(out.open()))
    assert {(r["kind"], r["value"], r["reason"], r["source"]) for r in rows} == {
        ("email", "jane@example.com", "complaint", "csv_import"),
        ("domain", "rival.io", "competitor", "csv_import"),
    }

    assert main(["suppression", "--store", str(store), "erase", "Jane@Example.com"]) == 0
    assert main(["suppression", "--store", str(store), "erase", "never.seen@example.org"]) == 0
    listing = SuppressionList(open_database(store))
    assert "jane@example.com" not in listing.entries()["value"].dropna().tolist()
    # Both are blocked by their hashes alone: the one that was listed, and the one that was not.
    assert set(listing.lookup(["jane@example.com", "never.seen@example.org"])) == {
        "jane@example.com",
        "never.seen@example.org",
    }


def test_the_asset_folds_in_lemlist_unsubscribes_and_hubspot_opt_outs(make_env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    env = make_env(tmp_path / "env")
    lemlist = env.resources["lemlist"].get_client()
    lemlist.add_unsubscribe("left@example.com")
    lemlist.add_unsubscribe("@blocked-domain.io")
    env.store.suppression.add(
        "email", "replied-stop@example.com", reason="unsubscribe", source="lemlist_reply"
    )
    opted_out = {c.email for c in env.sandbox.world.crm_contacts if c.email_optout and c.email}

    result = dg.materialize(
        [suppression_list],
        resources={k: env.resources[k] for k in ("lemlist", "hubspot", "pipeline_store")},
        instance=env.instance,
    )
    assert result.success
    frame = result.output_for_node("suppression_list")
    values = set(frame["value"])
    assert {"left@example.com", "blocked-domain.io", "replied-stop@example.com"} <= values
    assert opted_out and opted_out <= values
    meta = result.asset_materializations_for_node("suppression_list")[0].metadata
    assert meta["pulled_from_hubspot"].value == len(opted_out)
    assert meta["domains"].value >= 1

    # Nothing new the second time: the table is keyed by hash.
    again = dg.materialize(
        [suppression_list],
        resources={k: env.resources[k] for k in ("lemlist", "hubspot", "pipeline_store")},
        instance=env.instance,
    )
    assert again.asset_materializations_for_node("suppression_list")[0].metadata["new_entries"].value == 0
