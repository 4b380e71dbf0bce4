"""Reading the mail that comes back to the product: replies, auto-replies and bounces.

What belongs here: the offline reply classifier (`classify.py`) and what it reads: a person's wordings
(`reply_cues.py`), a machine's (`auto_reply_cues.py`), referrals (`referrals.py`), the language
(`language.py`), text preparation and dates (`reply_text.py`), delivery-status reports (`dsn.py`) and the
bounce decision with its wording table (`bounces.py`, `bounce_texts.py`, `bounce_texts.tsv`); what the
product does on a label it is not sure of (`suppressing.py`); and the project's own hand-written labelled
replies (`hand_written_replies.jsonl`). The engagement stage acts on the labels; the insights stage scores
the classifier on labelled sets. No Dagster, pandas or vendor imports: `sales_assets` re-exports
`classify_reply` and importing it must stay cheap.
"""
