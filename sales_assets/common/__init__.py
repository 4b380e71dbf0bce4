"""Code that two or more stages share (outbound, engagement, inbound, insights).

What belongs here: settings, helpers and models more than one stage needs: the ICP profiles (`icp.py`),
the partitions built from them (`partitions.py`) and company fit against them (`fit.py`), the pandera
models' table schema and schema check (`schemas.py`), paying for vendor data (`spend.py`,
`claude_spend.py`), the vendor step retry (`retry.py`), the product's lemlist
campaigns (`campaigns.py`), the seller (`seller.py`), third-party text fenced for prompts (`fencing.py`) or
made safe for the spreadsheet a person opens it in (`text.py`), Dagster metadata (`metadata.py`), the mail
that comes back and its offline classifier (`mail/`), and outreach copy: its models (`copy_models.py`), its
lint (`copy_lint.py`) and the lead facts it may state (`lead_facts.py`).
Stages import from here and never from each other; code only one stage uses stays in that stage's package.
"""
