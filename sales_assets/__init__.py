"""The Dagster definitions of the sales pipeline: assets, checks, jobs, schedules and sensors.

Folders follow the stages of the work (outbound, engagement, inbound) plus `operations`, which
watches the vendors themselves. Vendor clients live in the top-level `resources` package; nothing here
knows whether it talks to the real vendors or to the sandbox.
"""

# The offline reply classifier is pure Python (no Dagster, pandas or vendor imports), so this stays cheap.
from sales_assets.common.mail.classify import ReplyClassification, classify_reply

__all__ = ["ReplyClassification", "classify_reply"]
