"""The daily outbound job, partitioned ICP x day: discovery, scoring, contacts, enrichment, gates, and (next)
CRM sync, copy and enrollment. The profiles and the partitions are shared (`sales_assets/common/icp.py`,
`common/partitions.py`); `scoring.py` holds the pure scoring functions."""
