"""`campaign_enrollments` while the ICP runs a copy experiment: each lead gets the variant its address is
assigned (the same on a re-run), is sent the variant's subject and first line with the variant's name in
`subjectVariant`, and the ledger records the variant; a promoted default is sent once no experiment runs."""

from __future__ import annotations

from datetime import UTC, datetime

from test_enrollment import ICP, PARTITION, Env, copy_for, env, frames, output, people

from resources.sandbox.meetings import VARIANT_FIELD
from sales_assets.common.copy_variants import (
    DEFAULT_KIND,
    EXPERIMENT_KIND,
    PROMOTED,
    RUNNING,
    CopyVariant,
    apply_variant,
    assign_variant,
    record_key,
    running_experiment,
    with_first_line,
)

__all__ = ["env"]

VARIANTS = [
    CopyVariant("A"),
    CopyVariant("B", "Pipeline data your reps trust", "Teams like yours often lose hours to stale CRM data."),
    CopyVariant(
        "C", "A question about your outbound", "Most revenue teams we speak to rebuild lists by hand."
    ),
]


def start(env: Env) -> None:
    env.store.actions.record(
        EXPERIMENT_KIND,
        record_key(ICP, 1),
        RUNNING,
        {
            "icp": ICP,
            "variants": [v.as_detail() for v in VARIANTS],
            "started_at": datetime.now(UTC).isoformat(),
        },
    )


def test_the_first_line_replaces_the_opening_sentence_after_the_greeting() -> None:
    body = "Hi Ana,\n\nSaw the news at Acme. We help teams like yours.\n\nBest,\nSam"
    assert (
        with_first_line(body, "A new opener.")
        == "Hi Ana,\n\nA new opener. We help teams like yours.\n\nBest,\nSam"
    )
    assert with_first_line("One line only", "Opener.") == "Opener."
    assert apply_variant("s", body, None) == ("s", body)
    assert apply_variant("s", body, CopyVariant("A")) == ("s", body)
    subject, changed = apply_variant("s", body, VARIANTS[1])
    assert subject == VARIANTS[1].subject and changed.startswith("Hi Ana,\n\nTeams like yours often")


def test_each_lead_is_sent_its_variant_and_the_ledger_records_it(env: Env) -> None:
    start(env)
    experiment = running_experiment(env.store.actions, ICP)
    assert experiment is not None and experiment.names == ["A", "B", "C"]
    leads = people(env.sandbox, 12)
    result = env.run(frames(env.sandbox, leads))
    assert result.success
    frame = output(result)
    assert set(frame["outcome"]) == {"added"}

    client = env.client
    expected = {p.email: assign_variant(experiment.id, p.email, experiment.names) for p in leads}
    assert len(set(expected.values())) == 3
    for person in leads:
        [stored] = client.get_lead(person.email)
        variant = experiment.variant(expected[person.email])
        written = copy_for(person)
        assert stored.variables[VARIANT_FIELD] == variant.name
        if variant.name == "A":
            assert stored.variables["emailSubject"] == written["subject"]
            assert stored.variables["emailBody"] == written["body"]
        else:
            assert stored.variables["emailSubject"] == variant.subject
            assert stored.variables["emailBody"] == with_first_line(written["body"], str(variant.first_line))

    recorded = env.store.enrollments.variants()
    assert list(recorded.columns)[:5] == ["email", "lead_id", "campaign_id", "variant", "enrolled_at"]
    assert dict(zip(recorded["email"], recorded["variant"], strict=True)) == expected
    assert set(recorded["partition"]) == {PARTITION}
    assert recorded["lead_id"].str.startswith("lea_").all()

    # A re-run adds nobody and keeps every lead's variant.
    again = env.run(frames(env.sandbox, leads))
    assert set(output(again)["outcome"]) == {"already_enrolled"}
    recorded = env.store.enrollments.variants()
    assert dict(zip(recorded["email"], recorded["variant"], strict=True)) == expected


def test_without_an_experiment_a_promoted_default_is_sent_and_no_variant(env: Env) -> None:
    env.store.actions.record(
        DEFAULT_KIND,
        record_key(ICP, 1),
        PROMOTED,
        {"icp": ICP, "copy": VARIANTS[2].as_detail(), "previous": None},
    )
    [lead] = people(env.sandbox, 1)
    assert env.run(frames(env.sandbox, [lead])).success
    [stored] = env.client.get_lead(lead.email)
    assert stored.variables["emailSubject"] == VARIANTS[2].subject
    assert VARIANT_FIELD not in stored.variables
    assert env.store.enrollments.variants()["variant"].isna().all()
