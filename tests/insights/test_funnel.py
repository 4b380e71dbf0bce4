"""The funnel's figures equal a count by hand over a small, fully known set of leads and deals."""

from __future__ import annotations

import pandas as pd
import pytest

from sales_assets.insights.funnel import STAGES, funnel, lead_stages, rates_by

T0 = pd.Timestamp("2026-11-02 09:00", tz="UTC")


def _t(hours: float | None) -> pd.Timestamp | None:
    return None if hours is None or pd.isna(hours) else T0 + pd.Timedelta(hours=hours)


def _leads() -> pd.DataFrame:
    rows = [
        # lead, icp, source, tier, signal, variant, touch, reply, meeting
        ("l1", "saas", "outbound", None, "funding", "A", 0, 10, 50),
        ("l2", "saas", "outbound", None, "funding", "B", 0, 30, None),
        ("l3", "saas", "outbound", None, "hiring", "A", 0, None, None),
        ("l4", "saas", "outbound", None, None, "B", None, None, None),
        ("l5", "fintech", "outbound", None, "hiring", "A", 0, 20, 100),
        ("l6", "fintech", "inbound", "A", None, None, 0, None, 5),
    ]
    frame = pd.DataFrame(
        rows,
        columns=["lead_id", "icp", "source", "tier", "signal", "variant", "t", "r", "m"],
    )
    for source, target in (("t", "first_touch_at"), ("r", "first_reply_at"), ("m", "meeting_at")):
        frame[target] = pd.to_datetime([_t(h) for h in frame.pop(source)], utc=True)
    return frame


def _deals() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "deal_id": ["d1", "d2", "d3"],
            "lead_id": ["l1", "l5", "l6"],
            "is_won": [True, False, True],
            "created_at": [_t(60), _t(120), _t(8)],
            "closed_at": [_t(200), _t(300), _t(40)],
        }
    )


def test_stages_are_cumulative() -> None:
    stages = lead_stages(_leads(), _deals())
    assert stages["contacted"].tolist() == [True, True, True, False, True, True]
    assert stages["replied"].tolist() == [True, True, False, False, True, True]  # l6: meeting implies reply
    assert stages["meeting"].tolist() == [True, False, False, False, True, True]
    assert stages["deal"].tolist() == [True, False, False, False, True, True]
    assert stages["won"].tolist() == [True, False, False, False, False, True]


def test_funnel_per_icp_equals_the_hand_count() -> None:
    out = funnel(_leads(), lead_stages(_leads(), _deals()), ["icp"]).set_index("icp")
    saas, fintech = out.loc["saas"], out.loc["fintech"]
    assert [saas[s] for s in STAGES] == [4, 3, 2, 1, 1, 1]
    assert [fintech[s] for s in STAGES] == [2, 2, 2, 2, 2, 1]
    assert saas["contacted_rate"] == pytest.approx(3 / 4)
    assert saas["replied_rate"] == pytest.approx(2 / 3)
    assert saas["meeting_rate"] == pytest.approx(1 / 2)
    assert saas["won_rate"] == pytest.approx(1.0)
    assert fintech["won_rate"] == pytest.approx(0.5)
    # saas replies after 10 h and 30 h: median 20, p90 by linear interpolation 28.
    assert saas["reply_hours_median"] == pytest.approx(20)
    assert saas["reply_hours_p90"] == pytest.approx(28)
    assert saas["meeting_hours_median"] == pytest.approx(50)
    # fintech: one reply at 20 h; meetings at 100 h and 5 h.
    assert fintech["reply_hours_median"] == pytest.approx(20)
    assert fintech["meeting_hours_median"] == pytest.approx(52.5)


def test_funnel_by_source_and_tier_names_missing_values() -> None:
    out = funnel(_leads(), lead_stages(_leads(), _deals()), ["source", "tier"])
    keys = set(zip(out["source"], out["tier"], strict=True))
    assert keys == {("outbound", "(none)"), ("inbound", "A")}
    inbound = out[out["source"] == "inbound"].iloc[0]
    assert inbound["leads"] == 1 and inbound["won"] == 1


def test_a_stage_nobody_reached_has_no_rate() -> None:
    leads = _leads().iloc[[3]]  # l4: never contacted
    out = funnel(leads, lead_stages(leads, _deals()), ["icp"]).iloc[0]
    assert out["contacted"] == 0
    assert pd.isna(out["replied_rate"])


def test_rates_by_signal_and_variant_count_contacted_leads_only() -> None:
    by_signal = rates_by(_leads(), lead_stages(_leads(), _deals()), "signal").set_index("signal")
    assert by_signal.loc["funding", ["contacted", "replied", "meeting"]].tolist() == [2, 2, 1]
    assert by_signal.loc["hiring", "reply_rate"] == pytest.approx(0.5)
    assert by_signal.loc["(none)", "contacted"] == 1  # l6 (l4 was never contacted)
    by_variant = rates_by(_leads(), lead_stages(_leads(), _deals()), "variant").set_index("variant")
    assert by_variant.loc["A", "meeting_rate"] == pytest.approx(2 / 3)
    assert by_variant.loc["B", "contacted"] == 1


def test_a_reply_before_the_first_touch_is_not_a_negative_wait() -> None:
    leads = _leads()
    leads.loc[0, "first_reply_at"] = T0 - pd.Timedelta(hours=5)
    out = funnel(leads, lead_stages(leads, _deals()), ["icp"]).set_index("icp")
    assert out.loc["saas", "reply_hours_median"] == pytest.approx(30)
