"""Where asset values live: the local filesystem (the embedded default) or an S3-compatible object store.

What belongs here: choosing the code location's IO manager from the environment. With nothing set, no IO
manager is bound and Dagster keeps its default (values pickled under the instance's storage folder), so the
README's first command needs no set-up. In production every run pod must read what another pod
materialised, so `SALES_ASSET_STORE=s3://bucket/prefix` binds dagster-aws's S3 pickle IO manager instead:
AWS S3, or any S3-compatible store (MinIO, Ceph, R2) named by `SALES_S3_ENDPOINT_URL`. Credentials come the
way boto3 finds them (`AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, a pod's IAM role); the region from
`AWS_REGION` when set. The bucket is provisioned with the deployment, not created here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

#: `s3://bucket[/prefix]`: the object store asset values are kept in; unset, the local filesystem.
STORE_VARIABLE = "SALES_ASSET_STORE"
#: The endpoint of an S3-compatible store other than AWS (e.g. `http://minio.storage:9000`).
ENDPOINT_VARIABLE = "SALES_S3_ENDPOINT_URL"
DEFAULT_PREFIX = "sales-pipeline"


def parse_store(url: str) -> tuple[str, str]:
    """(bucket, prefix) of `s3://bucket/prefix`; the prefix defaults to `sales-pipeline`."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise ValueError(f"{STORE_VARIABLE} must look like s3://bucket/prefix, not {url!r}")
    return parts.netloc, parts.path.strip("/") or DEFAULT_PREFIX


def asset_io_manager(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """`{"io_manager": ...}` for an object store when `SALES_ASSET_STORE` says so, else `{}` (Dagster's
    filesystem default)."""
    env = os.environ if environ is None else environ
    url = env.get(STORE_VARIABLE)
    if not url:
        return {}
    from dagster_aws.s3 import S3PickleIOManager, S3Resource

    bucket, prefix = parse_store(url)
    s3 = S3Resource(
        endpoint_url=env.get(ENDPOINT_VARIABLE) or None, region_name=env.get("AWS_REGION") or None
    )
    return {"io_manager": S3PickleIOManager(s3_resource=s3, s3_bucket=bucket, s3_prefix=prefix)}
