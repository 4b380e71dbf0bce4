"""The production and scale-out configs validate with Dagster's own schemas: dagster.yaml and
deploy/k8s/dagster.yaml as instance configs (and the K8s run launcher's section against the launcher's
schema), deploy/celery/executor.yaml against the Celery executor's schema, and deploy/helm/values.yaml saying
the same as the instance it renders. The Helm chart's own JSON schema is not checked here (no chart offline).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from dagster._config import process_config, validate_config
from dagster._core.instance.config import dagster_instance_config

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text())


def instance_config(path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The instance file validated as Dagster validates it at start-up (env sources resolved)."""
    for name, value in {
        "DAGSTER_PG_USERNAME": "dagster",
        "DAGSTER_PG_PASSWORD": "secret",
        "DAGSTER_PG_HOST": "db",
        "DAGSTER_PG_DB": "dagster",
        "DAGSTER_PG_PORT": "5432",
    }.items():
        monkeypatch.setenv(name, value)
    target = path.parent / "dagster.yaml"
    assert target == path, "dagster_instance_config reads <folder>/dagster.yaml"
    config, _ = dagster_instance_config(str(path.parent))
    return config


def snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def snake_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {snake(k): snake_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [snake_keys(v) for v in value]
    return value


def test_the_production_instance_validates(monkeypatch: pytest.MonkeyPatch) -> None:
    config = instance_config(ROOT / "dagster.yaml", monkeypatch)
    assert config["storage"]["postgres"]["postgres_db"]["scheme"] == "postgresql+psycopg2"
    assert config["run_coordinator"]["class"] == "QueuedRunCoordinator"
    assert config["telemetry"]["enabled"] is False
    limits = {limit["key"]: limit for limit in config["concurrency"]["runs"]["tag_concurrency_limits"]}
    assert "dagster/partition/icp" in limits and not [key for key in limits if key.startswith("sales/")]
    assert config["concurrency"]["pools"] == {
        "default_limit": 1,
        "granularity": "op",
        "op_granularity_run_buffer": 2,
    }


def test_the_pools_script_sizes_the_pools_every_asset_claims() -> None:
    script = (DEPLOY / "pools.sh").read_text()
    sized = set(re.findall(r'^\s+"(\w+)\s+\d+\s', script, flags=re.M))
    claimed = set()
    for module in (ROOT / "sales_assets").rglob("*.py"):
        claimed |= set(re.findall(r'pool="(\w+)"', module.read_text()))
    assert claimed and claimed <= sized, f"pools claimed by assets but not sized: {claimed - sized}"


def test_the_kubernetes_instance_validates_with_the_k8s_run_launcher(monkeypatch: pytest.MonkeyPatch) -> None:
    from dagster_k8s import K8sRunLauncher

    config = instance_config(DEPLOY / "k8s" / "dagster.yaml", monkeypatch)
    launcher = config["run_launcher"]
    assert (launcher["module"], launcher["class"]) == ("dagster_k8s", "K8sRunLauncher")
    result = process_config(K8sRunLauncher.config_type(), launcher["config"])
    assert result.success, [error.message for error in result.errors or []]
    # Everything but the launcher is the production instance.
    production = instance_config(ROOT / "dagster.yaml", monkeypatch)
    assert {k: v for k, v in config.items() if k != "run_launcher"} == production


def test_the_helm_values_render_the_kubernetes_instance(monkeypatch: pytest.MonkeyPatch) -> None:
    from dagster_k8s import K8sRunLauncher

    values = load(DEPLOY / "helm" / "values.yaml")
    k8s = load(DEPLOY / "k8s" / "dagster.yaml")
    launcher = snake_keys(values["runLauncher"]["config"]["k8sRunLauncher"])
    # The chart takes secrets and config maps as [{name: ...}]; the launcher as a list of names.
    for key in ("env_secrets", "env_config_maps"):
        launcher[key] = [item["name"] for item in launcher[key]]
    expected = dict(k8s["run_launcher"]["config"])
    # What the chart fills in itself: its instance ConfigMap, DAGSTER_HOME, the Postgres password secret,
    # and the service account (from global.serviceAccountName).
    rendered = ("instance_config_map", "dagster_home", "postgres_password_secret", "service_account_name")
    result = validate_config(K8sRunLauncher.config_type(), {**launcher, **{k: expected[k] for k in rendered}})
    assert result.success, [error.message for error in result.errors or []]
    for key in rendered:
        expected.pop(key)
    assert launcher == expected
    # Nothing shared on disk: the store is in Postgres and asset values in the object store, for the runs
    # and for the code server (whose sensors read the store) alike.
    (deployment,) = values["dagster-user-deployments"]["deployments"]
    for config in (launcher, deployment):
        assert not {"volumes", "volume_mounts", "volumeMounts"} & set(config)
    assert "sales-pipeline-store" in launcher["env_secrets"]
    assert {"name": "sales-pipeline-store"} in deployment["envSecrets"]
    assert "SALES_ASSET_STORE=s3://sales-pipeline-assets/runs" in launcher["env_vars"]
    assert {"name": "SALES_ASSET_STORE", "value": "s3://sales-pipeline-assets/runs"} in deployment["env"]
    queue = values["dagsterDaemon"]["runCoordinator"]["config"]["queuedRunCoordinator"]
    assert queue["maxConcurrentRuns"] == k8s["concurrency"]["runs"]["max_concurrent_runs"]
    assert queue["tagConcurrencyLimits"] == k8s["concurrency"]["runs"]["tag_concurrency_limits"]
    assert snake_keys(values["concurrency"]["pools"]) == k8s["concurrency"]["pools"]
    assert values["telemetry"]["enabled"] is False and values["postgresql"]["enabled"] is False
    assert deployment["dagsterApiGrpcArgs"] == ["--module-name", "sales_assets.definitions"]


def test_the_celery_executor_config_validates(monkeypatch: pytest.MonkeyPatch) -> None:
    from dagster_celery import celery_executor

    monkeypatch.setenv("DAGSTER_CELERY_BROKER_URL", "pyamqp://guest@broker:5672//")
    executor = load(DEPLOY / "celery" / "executor.yaml")["execution"]["config"]
    result = process_config(celery_executor.config_schema.config_type, executor)
    assert result.success, [error.message for error in result.errors or []]
    assert result.value["broker"] == "pyamqp://guest@broker:5672//"
    assert "sales_assets.definitions" in result.value["include"]
