"""Asset values in an S3-compatible object store (moto's server mode on loopback, started here): chosen by
`SALES_ASSET_STORE`, written by one process and read by another, the filesystem staying the default."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import boto3
import dagster as dg
import pandas as pd
import pytest
from dagster_aws.s3 import S3PickleIOManager
from moto.server import ThreadedMotoServer

from resources.asset_values import asset_io_manager, parse_store
from sales_assets.definitions import default_resources

BUCKET = "sales-assets"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def s3_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """An S3-compatible server on loopback with an empty bucket, and the variables that point at it."""
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    env = {
        "AWS_ACCESS_KEY_ID": "test-key",
        "AWS_SECRET_ACCESS_KEY": "test-secret",
        "AWS_REGION": "us-east-1",
        "SALES_S3_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "SALES_ASSET_STORE": f"s3://{BUCKET}/runs",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    boto3.client("s3", endpoint_url=env["SALES_S3_ENDPOINT_URL"]).create_bucket(Bucket=BUCKET)
    yield env
    server.stop()


@dg.asset
def leads() -> pd.DataFrame:
    return pd.DataFrame({"email": ["a@x.example", "b@y.example"], "score": [0.9, 0.4]})


# The reading process defines the downstream asset over the same upstream key and loads it from the store.
READER = textwrap.dedent(
    """
    import dagster as dg
    import pandas as pd
    from resources.asset_values import asset_io_manager

    leads = dg.AssetSpec("leads")

    @dg.asset(deps=[leads], ins={"leads": dg.AssetIn("leads")})
    def qualified(leads: pd.DataFrame) -> pd.DataFrame:
        return leads[leads["score"] > 0.5]

    result = dg.materialize([qualified, leads], selection=[qualified], resources=asset_io_manager())
    assert result.success
    print(result.output_for_node("qualified")["email"].tolist())
    """
)


def test_a_value_one_process_materialised_is_read_by_another(s3_env: dict[str, str], tmp_path: Path) -> None:
    resources = asset_io_manager()
    assert isinstance(resources["io_manager"], S3PickleIOManager)
    result = dg.materialize([leads], resources=resources)
    assert result.success
    keys = [
        item["Key"]
        for item in boto3.client("s3", endpoint_url=s3_env["SALES_S3_ENDPOINT_URL"]).list_objects_v2(
            Bucket=BUCKET
        )["Contents"]
    ]
    assert keys == ["runs/leads"]
    # Another process, with a Dagster home of its own: the value can only come from the object store.
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path / "other_home")}
    (tmp_path / "other_home").mkdir()
    out = subprocess.run(
        [sys.executable, "-c", READER], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip().splitlines()[-1] == "['a@x.example']"


def test_the_filesystem_stays_the_default_and_the_store_url_is_checked() -> None:
    assert asset_io_manager({}) == {}
    assert "io_manager" not in default_resources(environ={})
    bound = default_resources(environ={"SALES_ASSET_STORE": "s3://bucket"})["io_manager"]
    assert (bound.s3_bucket, bound.s3_prefix) == ("bucket", "sales-pipeline")
    assert parse_store("s3://b/deep/prefix/") == ("b", "deep/prefix")
    with pytest.raises(ValueError, match="s3://bucket/prefix"):
        parse_store("/var/data")
