"""The seller: one `SellerSettings` resource for every stage, the sandbox world's in sandbox mode, the
environment's in live mode, where a missing variable stops the start together with the missing keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from resources.errors import ConfigurationError
from resources.sandbox import Sandbox
from sales_assets.common.seller import (
    LIVE_REQUIRED_FIELDS,
    VARIABLES,
    SellerSettings,
    live_required_variables,
    sandbox_seller,
    seller_settings_from_env,
)
from sales_assets.definitions import default_resources

KEYS = {
    "EXPLORIUM_API_KEY": "sk-explorium-secret",
    "HUBSPOT_ACCESS_TOKEN": "pat-hubspot-secret",
    "LEMLIST_API_KEY": "lemlist-secret",
    "ANTHROPIC_API_KEY": "sk-ant-secret",
}
SELLER = {
    "SALES_SENDER_NAME": "Dana Whitfield",
    "SALES_SELLER_COMPANY": "Quillstone",
    "SALES_SELLER_DOMAIN": "quillstone.example",
    "SALES_VALUE_PROPOSITION": "Quillstone turns contract data into renewal forecasts.",
    "SALES_SENDER_EMAIL": "dana@quillstone.example",
}
LIVE = {"SALES_MODE": "live", **KEYS, **SELLER}


def resources(tmp_path: Path, environ: dict[str, str]) -> dict[str, object]:
    return default_resources(
        sandbox_state=tmp_path / "state.sqlite", store_path=tmp_path / "store.sqlite", environ=environ
    )


def test_every_field_has_its_variable() -> None:
    assert set(VARIABLES) == set(SellerSettings.model_fields)
    assert live_required_variables() == [
        "SALES_SENDER_NAME",
        "SALES_SELLER_COMPANY",
        "SALES_SELLER_DOMAIN",
        "SALES_VALUE_PROPOSITION",
        "SALES_SENDER_EMAIL",
    ]
    # The default owner has a sound live default (an active owner by a stable rule), so it is optional.
    assert "default_owner_id" not in LIVE_REQUIRED_FIELDS


def test_sandbox_mode_loads_with_the_world_seller(tmp_path: Path) -> None:
    seller = resources(tmp_path, {})["seller"]
    assert isinstance(seller, SellerSettings)
    assert seller.sender_name == "Alex Morgan"
    assert (seller.company, seller.domain) == ("Relaypoint", "relaypoint.io")
    assert seller.value_proposition.startswith("Relaypoint keeps CRM and pipeline data accurate")
    assert seller.default_owner_id is None
    # The address the sandbox's lemlist sends from.
    lemlist = Sandbox.at(tmp_path / "state.sqlite").simulator("lemlist")
    assert seller.sender_email == lemlist.sender_email == "jesse.vos@relaypoint.io"
    assert seller == sandbox_seller()


def test_sandbox_mode_takes_any_seller_variable_that_is_set() -> None:
    seller = seller_settings_from_env({"SALES_SENDER_NAME": "Sam Carter", "SALES_DEFAULT_OWNER_ID": "123"})
    assert seller.sender_name == "Sam Carter" and seller.default_owner_id == "123"
    assert seller.company == "Relaypoint"


def test_live_mode_with_nothing_set_names_every_missing_variable_at_once(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as caught:
        resources(tmp_path, {"SALES_MODE": "live"})
    message = str(caught.value)
    for name in [*KEYS, *SELLER]:
        assert name in message, name
    assert "SALES_DEFAULT_OWNER_ID" not in message
    assert message.startswith("SALES_MODE=live needs these environment variables, which are not set: ")


def test_live_mode_with_the_keys_but_no_seller_names_only_the_seller(tmp_path: Path) -> None:
    environ = {"SALES_MODE": "live", **KEYS, "SALES_SELLER_COMPANY": "Quillstone", "SALES_SENDER_NAME": " "}
    with pytest.raises(ConfigurationError) as caught:
        resources(tmp_path, environ)
    message = str(caught.value)
    for name in ("SALES_SENDER_NAME", "SALES_SELLER_DOMAIN", "SALES_VALUE_PROPOSITION", "SALES_SENDER_EMAIL"):
        assert name in message
    for name in ("SALES_SELLER_COMPANY", *KEYS):
        assert name not in message
    for secret in KEYS.values():
        assert secret not in message
    # Never the sandbox's seller in its place.
    with pytest.raises(ConfigurationError, match="SALES_SENDER_EMAIL"):
        seller_settings_from_env(environ)


def test_live_mode_with_everything_set_binds_those_values(tmp_path: Path) -> None:
    built = resources(tmp_path, {**LIVE, "SALES_DEFAULT_OWNER_ID": "  424242 "})
    seller = built["seller"]
    assert isinstance(seller, SellerSettings)
    assert seller.sender_name == "Dana Whitfield" and seller.company == "Quillstone"
    assert seller.domain == "quillstone.example" and seller.sender_email == "dana@quillstone.example"
    assert seller.value_proposition == SELLER["SALES_VALUE_PROPOSITION"]
    assert seller.default_owner_id == "424242"
    assert built["anthropic"].sandbox_state is None  # live vendors, bound as before
    # Without the default owner: tasks go to an active owner, by the stable rule.
    assert resources(tmp_path, LIVE)["seller"].default_owner_id is None


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SALES_SENDER_EMAIL", "dana at quillstone"),
        ("SALES_SELLER_DOMAIN", "https://quillstone.example/about"),
        ("SALES_DEFAULT_OWNER_ID", "dana"),
    ],
)
def test_a_malformed_value_stops_the_start_naming_its_variable(variable: str, value: str) -> None:
    with pytest.raises(ConfigurationError, match=variable):
        seller_settings_from_env({**LIVE, variable: value})


def test_the_domain_is_normalised() -> None:
    seller = seller_settings_from_env({**LIVE, "SALES_SELLER_DOMAIN": " WWW.Quillstone.Example "})
    assert seller.domain == "quillstone.example"
