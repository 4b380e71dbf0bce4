"""The suppression list: CSV import (bad lines named, nothing lost), export, GDPR erasure from the command
line, and the asset that folds lemlist's unsubscribe list and HubSpot's opt-outs into it. The import is
strict about the file (delimiter sniffed, known headers only, UTF-8 only) and every value is normalised the
same way on import and on look-up (NFKC, invisible characters and Unicode spaces, case, IDNA); the export is
safe to open in a spreadsheet and imports back unchanged."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import dagster as dg
import pytest

from resources.pipeline_store.database import open_database
from resources.pipeline_store.suppression import SuppressionList, value_hash
from sales_assets.cli import main
from sales_assets.engagement.suppression import (
    SuppressionImportError,
    parse_entry,
    read_suppression_csv,
    suppression_list,
)


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


# --- strict input: the file -------------------------------------------------------------------------------


def run_import(tmp_path: Path, content: bytes | str, *extra: str, name: str = "blocked.csv") -> int:
    """`sales-pipeline suppression import` of a file with `content`, into the store under `tmp_path`."""
    source = tmp_path / name
    if isinstance(content, str):
        source.write_text(content, encoding="utf-8")
    else:
        source.write_bytes(content)
    store = tmp_path / "store.sqlite"
    return main(
        [
            "--home",
            str(tmp_path / "home"),
            "suppression",
            "--store",
            str(store),
            "import",
            *extra,
            str(source),
        ]
    )


def stored(tmp_path: Path) -> set[tuple[str, str, str, str]]:
    frame = SuppressionList(open_database(tmp_path / "store.sqlite")).entries()
    return set(zip(frame["kind"], frame["value"], frame["reason"], frame["source"], strict=True))


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_the_delimiter_is_sniffed(delimiter: str) -> None:
    text = "\n".join(
        delimiter.join(row)
        for row in (["email", "reason"], ["jane@example.com", "asked by phone"], ["@rival.io", "competitor"])
    )
    entries, rejected = read_suppression_csv(text, source="csv_import", default_reason="imported")
    assert rejected == []
    # Never one entry made of a whole line, as `jane@example.com;asked by phone` was before.
    assert [(e["kind"], e["value"], e["reason"]) for e in entries] == [
        ("email", "jane@example.com", "asked by phone"),
        ("domain", "rival.io", "competitor"),
    ]


def test_a_one_column_file_is_read_as_comma_separated() -> None:
    entries, rejected = read_suppression_csv(
        "email\njane@example.com\n@rival.io\n", source="s", default_reason="r"
    )
    assert [e["value"] for e in entries] == ["jane@example.com", "rival.io"] and rejected == []


def test_a_semicolon_file_with_bad_lines_imports_its_good_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = "email;reason\njane@example.com;complaint\nnot-an-address;x\n\nbob@example.org;asked\n"
    assert run_import(tmp_path, content) == 1
    err = capsys.readouterr().err
    assert f"{tmp_path / 'blocked.csv'}:3: rejected 'not-an-address': not a domain: 'not-an-address' (" in err
    assert "imported 2 entries" in err and "1 rejected" in err
    assert stored(tmp_path) == {
        ("email", "jane@example.com", "complaint", "csv_import"),
        ("email", "bob@example.org", "asked", "csv_import"),
    }


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        # The tester's case: before, the first column (the domains) was suppressed instead of the emails.
        (
            "company_domain,contact_email",
            "unknown columns 'company_domain', 'contact_email' in the header (read as comma-separated)",
        ),
        ("e-mail;grund", "unknown columns 'e-mail', 'grund' in the header (read as semicolon-separated)"),
        ("email,notes", "unknown column 'notes' in the header (read as comma-separated)"),
    ],
)
def test_an_unknown_header_is_refused_with_the_headers_expected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], header: str, problem: str
) -> None:
    delimiter = "," if "," in header else ";"
    content = f"{header}\nacme.com{delimiter}jane@acme.com\n"
    assert run_import(tmp_path, content) == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        f"{tmp_path / 'blocked.csv'}, line 1: {problem}; the header must name one of the columns email, "
        "domain or value (the address or domain to suppress), optionally reason and source, e.g. "
        "'email,reason'. Known columns: email, domain, value, reason, source, kind, value_hash, created_at. "
        "Nothing was imported."
    )
    assert stored(tmp_path) == set()


def test_a_header_needs_exactly_one_value_column() -> None:
    with pytest.raises(SuppressionImportError) as info:
        read_suppression_csv("email,domain\na@b.io,b.io\n", source="s", default_reason="r", name="x.csv")
    assert str(info.value) == (
        "x.csv, line 1: the header must name exactly one of email, domain or value (it names email and "
        "domain); import addresses and domains as one 'value' column or as two files. Nothing was imported."
    )
    with pytest.raises(
        SuppressionImportError, match=r"x.csv, line 1: the header must name exactly .*it names none"
    ):
        read_suppression_csv("reason,source\nx,y\n", source="s", default_reason="r", name="x.csv")
    with pytest.raises(SuppressionImportError, match=r"x.csv, line 1: column 'email' appears more than once"):
        read_suppression_csv("email,Email\na@b.io,c@d.io\n", source="s", default_reason="r", name="x.csv")


def test_a_headerless_file_is_one_value_per_line_only_if_its_first_line_is_a_value() -> None:
    entries, rejected = read_suppression_csv("jane@example.com\n@rival.io\n", source="s", default_reason="r")
    assert [e["value"] for e in entries] == ["jane@example.com", "rival.io"] and rejected == []
    # Two columns and no header: which one is the value is a guess, and no guess is made.
    with pytest.raises(SuppressionImportError, match=r"unknown columns 'acme\.com', 'jane@acme\.com'"):
        read_suppression_csv("acme.com,jane@acme.com\n", source="s", default_reason="r")


def test_a_row_with_more_cells_than_the_header_is_a_bad_line_not_a_silent_cut() -> None:
    entries, rejected = read_suppression_csv(
        'email,reason\njane@example.com,asked, by phone\nbob@example.org,"asked, by phone"\n',
        source="s",
        default_reason="r",
    )
    assert [(e["value"], e["reason"]) for e in entries] == [("bob@example.org", "asked, by phone")]
    assert [(r.line, r.value, r.why) for r in rejected] == [
        (2, "jane@example.com", "3 cells where the header has 2: quote a cell that contains the delimiter")
    ]


def test_a_latin1_file_is_refused_naming_the_byte_and_line_and_imports_with_its_encoding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = "email,reason\nok@example.com,fine\njosé@example.com,accent\n".encode("latin-1")
    assert run_import(tmp_path, content) == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        f"{tmp_path / 'blocked.csv'}, line 3: not UTF-8 text: byte 0xe9 at offset 36 cannot be decoded. "
        "Save the file as UTF-8 (in Excel: 'CSV UTF-8'), or name its encoding with --encoding "
        "(e.g. --encoding latin-1). Nothing was imported."
    )
    assert "Traceback" not in err and stored(tmp_path) == set()
    # Named explicitly, the encoding is used (never guessed).
    assert run_import(tmp_path, content, "--encoding", "latin-1") == 0
    assert {v for _, v, _, _ in stored(tmp_path)} == {"ok@example.com", "josé@example.com"}
    assert run_import(tmp_path, content, "--encoding", "klingon") == 2
    assert "unknown encoding 'klingon'" in capsys.readouterr().err


def test_a_utf8_file_with_a_byte_order_mark_imports(tmp_path: Path) -> None:
    assert run_import(tmp_path, "\ufeffEmail,Reason\njane@example.com,bom\n".encode()) == 0
    assert stored(tmp_path) == {("email", "jane@example.com", "bom", "csv_import")}


# --- strict input: the values -----------------------------------------------------------------------------


def test_invisible_characters_and_unicode_spaces_are_removed() -> None:
    text = (
        "email,reason\n"
        "\u200bjane@example.com\u00a0,zero-width space and no-break space\n"
        "\ufeffJANE@EXAMPLE.COM\u2060,BOM and word joiner\n"
        "\u3000bob@\uff45xample.com\u202f,ideographic space and a full-width letter\n"
        "ca\u200drl@example.com,joiner inside\n"
    )
    entries, rejected = read_suppression_csv(text, source="s", default_reason="r")
    assert rejected == []
    assert [e["value"] for e in entries] == [
        "jane@example.com",
        "jane@example.com",
        "bob@example.com",
        "carl@example.com",
    ]


def test_unicode_and_punycode_domains_are_one_entry() -> None:
    assert (
        parse_entry("bücher.example")
        == parse_entry("XN--BCHER-KVA.example")
        == ("domain", "xn--bcher-kva.example")
    )
    assert parse_entry("@Bücher.example") == ("domain", "xn--bcher-kva.example")
    assert parse_entry("Jane@Bücher.Example") == parse_entry("jane@xn--bcher-kva.example")
    assert parse_entry("Jane@Bücher.Example") == ("email", "jane@xn--bcher-kva.example")
    # Case-folded, not only lowercased; the domain keeps IDNA's own mapping (straße.de is not strasse.de).
    assert parse_entry("STRASSE@straße.example") == ("email", "strasse@xn--strae-oqa.example")
    for bad, why in (
        ("exa_mple.com", "not a domain: 'exa_mple.com' (The domain contains invalid characters: '_'.)"),
        ("localhost", "not a domain: 'localhost' (The domain is not valid. It should have a period.)"),
        ("jane@example.com;complaint", "not an email address: 'jane@example.com;complaint' (The part after"),
    ):
        with pytest.raises(ValueError) as info:
            parse_entry(bad)
        assert str(info.value).startswith(why)


def test_a_lookup_of_either_form_hits_an_entry_imported_in_the_other(tmp_path: Path) -> None:
    assert (
        run_import(tmp_path, "value\nJane@Bücher.example\n@xn--mller-kva.example\n\u200bbob@example.com\n")
        == 0
    )
    listing = SuppressionList(open_database(tmp_path / "store.sqlite"))
    asked = [
        "jane@xn--bcher-kva.example",
        "JANE@BÜCHER.EXAMPLE",
        "anyone@müller.example",
        "anyone@XN--MLLER-KVA.EXAMPLE",
        "bob@example.com\u00a0",
        "jane@other.example",
    ]
    hits = listing.lookup(asked)
    assert set(hits) == set(asked[:5])
    assert (
        hits["jane@xn--bcher-kva.example"].kind == "email" and hits["anyone@müller.example"].kind == "domain"
    )
    # Erasing either spelling erases the one entry; the tombstone goes on blocking both.
    assert listing.erase("jane@bücher.example")
    assert set(listing.lookup(asked[:2])) == set(asked[:2])
    assert listing.entries()["value"].dropna().tolist() == ["xn--mller-kva.example", "bob@example.com"]


def test_entries_stored_before_the_normalisation_still_block(tmp_path: Path) -> None:
    db = open_database(tmp_path / "store.sqlite")
    # As the previous release wrote them: stripped and lowercased, the Unicode domain as typed.
    insert = (
        "INSERT INTO suppression (kind, value_hash, value, reason, source, created_at) "
        "VALUES (?, ?, ?, ?, 'old', '2026-01-01T00:00:00.000000+00:00')"
    )
    db.execute(insert, ("email", value_hash("old@bücher.example"), "old@bücher.example", "unsubscribed"))
    db.execute(insert, ("domain", value_hash("müller.example"), None, "erased"))
    listing = SuppressionList(db)
    assert set(
        listing.lookup(["old@xn--bcher-kva.example", "x@xn--mller-kva.example", "x@müller.example"])
    ) == {
        "old@xn--bcher-kva.example",
        "x@xn--mller-kva.example",
        "x@müller.example",
    }
    # Re-adding a value erased under its old spelling does not bring its clear text back.
    listing.add("domain", "xn--mller-kva.example", reason="competitor", source="csv_import")
    assert listing.entries()[listing.entries()["kind"] == "domain"]["value"].isna().all()


# --- formulas ---------------------------------------------------------------------------------------------


def test_the_export_escapes_formulas_and_imports_back_unchanged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = (
        "email,reason,source\n"
        'mallory@example.com,"=HYPERLINK(""http://evil.example"",""click"")",@SUM(1+1)\n'
        "-dash@example.com,+plus,tab\n"
        "erased@example.com,gdpr,support\n"
    )
    assert run_import(tmp_path, content) == 0
    store = tmp_path / "store.sqlite"
    assert main(["suppression", "--store", str(store), "erase", "erased@example.com"]) == 0
    out = tmp_path / "export.csv"
    assert main(["suppression", "--store", str(store), "export", str(out)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    by_hash = {r["value_hash"]: r for r in rows}
    mallory = next(r for r in rows if "mallory" in r["value"])
    assert mallory["reason"] == '\'=HYPERLINK("http://evil.example","click")'
    assert mallory["source"] == "'@SUM(1+1)"
    dash = next(r for r in rows if "dash" in r["value"])
    assert (dash["value"], dash["reason"]) == ("'-dash@example.com", "'+plus")
    # No cell of the file starts a formula.
    assert not any(
        cell.startswith(tuple("=+-@\t\r")) for row in csv.reader(out.open(encoding="utf-8")) for cell in row
    )

    # Imported into another store, the export gives back the same entries, the erased one as a tombstone.
    other = tmp_path / "other"
    other.mkdir()
    capsys.readouterr()
    assert run_import(other, out.read_bytes(), name="export.csv") == 0, capsys.readouterr().err
    again = SuppressionList(open_database(other / "store.sqlite")).entries()
    original = SuppressionList(open_database(store)).entries()
    columns = ["kind", "value_hash", "value", "reason", "source", "created_at"]
    assert (
        again[columns]
        .sort_values("value_hash")
        .reset_index(drop=True)
        .equals(original[columns].sort_values("value_hash").reset_index(drop=True))
    )
    assert set(by_hash) == set(again["value_hash"])
    assert set(SuppressionList(open_database(other / "store.sqlite")).lookup(["erased@example.com"])) == {
        "erased@example.com"
    }
