"""Action-ledger kinds that more than one stage reads: the key under which a stage records a side effect in
the pipeline store's `actions` table, named once so a reader in another stage spells it the same.

What belongs here: the kind names only. A kind that only its own stage reads stays in that stage's module.
"""

#: The owner's task for an inbound lead (inbound routing writes it; the insights funnel reads when it was
#: created, the product's first response).
INBOUND_TASK_KIND = "inbound_task"
