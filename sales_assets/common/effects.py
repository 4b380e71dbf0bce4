"""Side effects in HubSpot that happen once per key, whatever crashes or lost answers come in between.

What belongs here: creating HubSpot tasks and notes "at most once and at least once" per key. HubSpot has no
idempotency key for creates, so a create whose answer was lost, or a run killed right after HubSpot committed
it, would create the same task again on the next attempt. The rule, for every key:

1. A key the action ledger records as created is done: nothing is sent.
2. The intent is recorded in the ledger *before* the create is sent (`intended`, with the contacts it is for).
3. The record carries its key in a product property (`sp_effect_key`), so it can be found later.
4. A key left `intended` by an earlier attempt is looked for in HubSpot before anything is re-created: through
   the records associated to its contacts (an association read, consistent at once), else through search on
   the key (HubSpot's search is eventually consistent: an intent younger than `settle_seconds` that search
   does not find is left pending for a later run rather than created twice).
5. What HubSpot created is recorded `created` with its id; what it refused is recorded `failed` with the
   reason, and is tried again by the next run.

Which keys a stage uses, and what a task says, belong to the stage.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from resources.hubspot.client import HubSpotClient
from resources.hubspot.models import NoteInput, PropertyDefinition, TaskInput
from resources.pipeline_store import PipelineStoreResource
from resources.pipeline_store.database import utc_now

#: The product property that carries an effect's key on the HubSpot records it creates.
EFFECT_KEY_PROPERTY = "sp_effect_key"
PROPERTY_GROUP = "sales_pipeline"
PROPERTY_GROUP_LABEL = "Sales pipeline"
#: HubSpot's search is eventually consistent (seconds): a younger intent it cannot find waits for a later run.
DEFAULT_SETTLE_SECONDS = 60.0


@dataclass
class EffectOutcome:
    """Per key: the record id (`created` now, `already` by an earlier run, `adopted` after a crash), the
    reason HubSpot refused it (`failed`), or `pending` (an earlier attempt may have created it; unseen)."""

    created: dict[str, str] = field(default_factory=dict)
    already: dict[str, str] = field(default_factory=dict)
    adopted: dict[str, str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    pending: set[str] = field(default_factory=set)
    calls: int = 0

    def record_id(self, key: str) -> str | None:
        return self.created.get(key) or self.already.get(key) or self.adopted.get(key)


def ensure_effect_key_property(crm: HubSpotClient, store: PipelineStoreResource, object_type: str) -> int:
    """Create `sp_effect_key` on `object_type` when missing (calls only the first time; remembered in the
    store). Returns the calls made."""
    marker = f"effect_key:{object_type}:{crm.crm_version}"
    if store.crm_sync.get_many("schema", [marker]):
        return 0
    before = crm.stats.total_calls
    crm.ensure_property_group(object_type, name=PROPERTY_GROUP, label=PROPERTY_GROUP_LABEL)
    definition = PropertyDefinition(
        name=EFFECT_KEY_PROPERTY,
        label="Sales pipeline key",
        group_name=PROPERTY_GROUP,
        description="Set by the sales pipeline: the key of the action that created this record, so a "
        "retried or crashed run finds it instead of creating it twice.",
    )
    ensured = crm.ensure_properties(object_type, [definition])
    if ensured.errors:
        raise RuntimeError(
            f"HubSpot refused the property {EFFECT_KEY_PROPERTY} on {object_type}: "
            + "; ".join(e.message for e in ensured.errors)
        )
    store.crm_sync.put_many("schema", {marker: ("ok", marker)})
    return crm.stats.total_calls - before


def create_once(
    crm: HubSpotClient,
    store: PipelineStoreResource,
    *,
    kind: str,
    object_type: str,
    inputs: Mapping[str, TaskInput | NoteInput],
    partition: str | None = None,
    detail: Mapping[str, Mapping[str, Any]] | None = None,
    settle_seconds: float = DEFAULT_SETTLE_SECONDS,
) -> EffectOutcome:
    """Create each input (tasks or notes, all of one `object_type`) at most once per key; see the module
    docstring for the rule. `detail` adds fields to each key's ledger row (owner, ...). Vendor errors other
    than per-record refusals propagate: the intents stay, and the next attempt finds what was created."""
    out = EffectOutcome()
    if not inputs:
        return out
    extra = detail or {}
    done = store.actions.get_many(kind, list(inputs))
    for key, action in done.items():
        # `task_id`: what ledgers written before this module called the id.
        record_id = action.detail.get("id") or action.detail.get("task_id")
        if action.status == "created" and record_id:
            out.already[key] = str(record_id)
    unsure = {k: a for k, a in done.items() if a.status == "intended" and k not in out.already}
    out.calls += ensure_effect_key_property(crm, store, object_type)
    if unsure:
        found, calls = find_by_key(crm, object_type, {k: inputs[k].contact_ids for k in unsure})
        out.calls += calls
        adopted = {k: found[k] for k in unsure if k in found}
        out.adopted.update(adopted)
        store.actions.record_many(
            kind,
            {k: ("created", {**extra.get(k, {}), "id": v, "adopted": True}) for k, v in adopted.items()},
            partition=partition,
        )
        young = utc_now() - timedelta(seconds=settle_seconds)
        for key, action in unsure.items():
            if key in adopted:
                continue
            searched_only = not inputs[key].contact_ids
            if searched_only and action.at is not None and action.at > young:
                out.pending.add(key)
    todo = [k for k in inputs if k not in out.already and k not in out.adopted and k not in out.pending]
    if not todo:
        return out
    stamp = utc_now()
    store.actions.record_many(
        kind,
        {k: ("intended", {**extra.get(k, {}), "contact_ids": list(inputs[k].contact_ids)}) for k in todo},
        partition=partition,
        at=stamp,
    )
    marked = [_with_key(inputs[k], k) for k in todo]
    result = crm.create_tasks(marked) if object_type == "tasks" else crm.create_notes(marked)  # type: ignore[arg-type]
    out.calls += result.calls
    for record in result.results:
        position = int(record.input_key) if record.input_key and record.input_key.isdigit() else None
        created_key = todo[position] if position is not None else record.get(EFFECT_KEY_PROPERTY)
        if created_key is not None and created_key in inputs:
            out.created[created_key] = record.id
    for error in result.errors:
        if error.index is not None and error.index < len(todo) and todo[error.index] not in out.created:
            out.failed[todo[error.index]] = error.message or error.category
    for key in todo:
        if key not in out.created and key not in out.failed:
            out.failed[key] = "HubSpot returned neither a record nor an error"
    store.actions.record_many(
        kind,
        {
            **{k: ("created", {**extra.get(k, {}), "id": v}) for k, v in out.created.items()},
            **{k: ("failed", {**extra.get(k, {}), "reason": r[:500]}) for k, r in out.failed.items()},
        },
        partition=partition,
    )
    return out


def find_by_key(
    crm: HubSpotClient, object_type: str, keys: Mapping[str, Sequence[str]]
) -> tuple[dict[str, str], int]:
    """The records of `object_type` that carry each key, as `{key: record id}`, and the calls it took. Keys
    with contacts are looked for among the records associated to those contacts (consistent reads); the
    rest through search on `sp_effect_key` (eventually consistent)."""
    found: dict[str, str] = {}
    calls = 0
    contacts = sorted({c for ids in keys.values() for c in ids})
    if contacts:
        links = crm.read_associations("contacts", contacts, object_type)
        calls += links.calls
        candidates = sorted({a.to_id for a in links.results})
        if candidates:
            read = crm.read_objects(object_type, candidates, properties=[EFFECT_KEY_PROPERTY])
            calls += read.calls
            for record in read.results:
                key = record.get(EFFECT_KEY_PROPERTY)
                if key in keys:
                    found[str(key)] = record.id
    rest = sorted(k for k, ids in keys.items() if not ids and k not in found)
    for start in range(0, len(rest), 100):
        chunk = rest[start : start + 100]
        wanted = {"propertyName": EFFECT_KEY_PROPERTY, "operator": "IN", "values": chunk}
        hits = crm.search_objects(
            object_type, filter_groups=[{"filters": [wanted]}], properties=[EFFECT_KEY_PROPERTY]
        )
        calls += hits.calls
        for record in hits.results:
            key = record.get(EFFECT_KEY_PROPERTY)
            if key in keys:
                found[str(key)] = record.id
    return found, calls


def _with_key(item: TaskInput | NoteInput, key: str) -> TaskInput | NoteInput:
    return item.model_copy(update={"extra_properties": {**item.extra_properties, EFFECT_KEY_PROPERTY: key}})
