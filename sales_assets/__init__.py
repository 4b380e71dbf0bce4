"""The Dagster definitions of the sales pipeline: assets, checks, jobs, schedules and sensors.

Folders follow the stages of the work (outbound, engagement, inbound, insights) plus `operations`, which
watches the vendors themselves. Vendor clients live in the top-level `resources` package; nothing here
knows whether it talks to the real vendors or to the sandbox.
"""
