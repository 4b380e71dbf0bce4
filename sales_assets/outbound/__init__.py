"""The daily outbound job, partitioned ICP x day: discovery, scoring, contacts, enrichment, gates, and (next)
CRM sync, copy and enrollment. `icp.py` holds the profiles, `scoring.py` the pure scoring functions."""
