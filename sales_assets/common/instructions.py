"""Third-party text that addresses the system instead of a person (prompt injection), in English, German
and French.

What belongs here: the cue table `INSTRUCTION_CUES` (one row per way of addressing a machine: telling it to
ignore or override its instructions, role tags such as `system:`, `<|im_start|>` or `[INST]`, "you are
now ...", asking for a label, a status or a list to be changed, prompt-like markup, asking for the
instructions to be revealed) and `find_instructions`, which reads a text against it. The reply classifier
(`sales_assets.common.mail.classify`) and form validation (`sales_assets.inbound.validation`) use it to
decide that a text is never a fact and never the ground for a sure label; what follows from a hit is theirs.

Pure and cheap: no Dagster, pandas or vendor imports (the reply classifier is imported from `sales_assets`
and must stay cheap to import).

The cues prefer precision: a false positive only sends a normal reply to a person, but too many would make
review tasks noise. Verbs and nouns are tied together ("ignore ... instructions", "mark me as interested"),
and a role tag counts only at the start of a line and followed by an instruction. The figures on the reply
corpus, the sandbox's replies and form submissions, and a set of attacks are in
`benchmarks/instruction_detector.py`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

#: What a cue says about the text.
KINDS = ("override", "role_tag", "persona", "addressed_to_ai", "relabel", "markup", "reveal")


@dataclass(frozen=True, slots=True)
class InstructionCue:
    kind: str  # one of KINDS
    language: str  # "en" | "de" | "fr" | "any"
    pattern: re.Pattern[str]
    reason: str


@dataclass(frozen=True, slots=True)
class InstructionHit:
    """One cue found in a text."""

    kind: str
    language: str
    reason: str
    text: str  # the words that matched, as written
    start: int

    def describe(self) -> str:
        """ "asks to ignore its instructions ('Ignore all previous instructions')", shortened."""
        words = " ".join(self.text.split())
        return f"{self.reason} ('{words[:60]}{'…' if len(words) > 60 else ''}')"


# --- vocabulary shared by the cues -------------------------------------------------------------------------

# Determiners and adjectives that may stand between a verb and "instructions" ("ignore all of the above
# instructions"); nothing else may, so "ignore my previous email, the instructions were wrong" is no cue.
_EN_FILLER = (
    r"(?:\s+(?:all|any|of|the|your|my|these|those|previous|prior|earlier|above|preceding|foregoing|system"
    r"|original|initial|existing|current|other|every|given|hidden|internal|old))*"
)
_EN_RULES = (
    r"(?:instructions?|prompts?|rules|directives?|guidelines|guardrails|programming|system prompt"
    r"|system message)"
)
_DE_FILLER = (
    r"(?:\s+(?:sie|du|bitte|alle|alles|die|deine|ihre|eure|vorherigen|bisherigen|obigen|vorigen|früheren"
    r"|ursprünglichen|bestehenden|sämtliche|sämtlichen|system))*"
)
_DE_RULES = r"(?:anweisungen|instruktionen|befehle|regeln|prompts?|systemprompt|systemanweisungen)"
_FR_FILLER = (
    r"(?:\s+(?:toutes|tous|les|vos|tes|ces|de|des|instructions|consignes|précédentes|antérieures|initiales"
    r"|ci-dessus|du|système))*"
)
_FR_RULES = r"(?:instructions|consignes|directives|prompts?)"
# What a label, a status or a tier could be set to: the product's labels and HubSpot's statuses, and the
# words people use for them.
_EN_TARGETS = (
    r"(?:interested|hot|qualified|warm|scorching|positive|vip|meeting[_ ]request|booked|customer|won"
    r"|closed[- ]won|open[_ ]deal|connected|sales[- ]qualified|sql|mql|top lead|high[- ]priority)"
)
_DE_TARGETS = (
    r"(?:interessiert|hei(?:ß|ss)(?:e[nmr]?)?(?:\s+lead)?|hot|qualifiziert|vip|positiv|terminanfrage|kunde"
    r"|priorität)"
)
_FR_TARGETS = (
    r"(?:intéressée?s?|prioritaires?|qualifiée?s?|vip|chaude?s?|positifs?|positives?|rendez-vous|client)"
)
# After a role tag, an instruction: without one, "System: Salesforce" in a form message is just a field.
_IMPERATIVE_AHEAD = (
    r"(?=[^\n]{0,80}\b(?:you (?:must|are|will|should|shall|have to|need to)|your (?:task|job|instructions?"
    r"|new|role)|ignore|disregard|forget|mark|label|classify|set|add|change|update|respond"
    r"|reply|output|answer|follow|must|override|instructions?|du|sie|ihr|ignoriere|markiere|vous|tu"
    r"|ignorez|marquez)\b)"
)
_AI = (
    r"(?:ai|a\.i\.|ai assistant|ai agent|chatbot|bot|language model|llm|gpt|chatgpt|claude|model|classifier"
    r"|ki|ki-assistent|sprachmodell|ia|assistant ia|modèle de langage|robot)"
)


def _cue(kind: str, language: str, pattern: str, reason: str) -> InstructionCue:
    return InstructionCue(kind, language, re.compile(pattern, re.I | re.M), reason)


#: Every way of addressing the system the detector knows. One row per pattern; order does not matter.
INSTRUCTION_CUES: tuple[InstructionCue, ...] = (
    # --- override: ignore, forget, override the instructions ----------------------------------------------
    _cue(
        "override",
        "en",
        rf"\b(?:ignore|disregard|forget|override|overrule|bypass)\b{_EN_FILLER}\s+{_EN_RULES}\b",
        "asks to ignore its instructions",
    ),
    _cue(
        "override",
        "en",
        r"\b(?:ignore|disregard|forget)\s+(?:all\s+|everything\s+)(?:(?:written|said|stated|you were told)"
        r"\s+)?(?:above|before|prior|so far|previously)\b",
        "asks to ignore what came before",
    ),
    _cue(
        "override",
        "en",
        r"\b(?:ignore|disregard|forget)\s+your\s+(?:training|programming|guardrails|safety rules|filters"
        r"|previous (?:task|role))\b|\b(?:ignore|disregard|forget)\s+(?:everything|all|what)\s+(?:that\s+)?"
        r"(?:you(?:'ve| have)? (?:been|were) told|you were given|you know)\b",
        "asks to ignore its instructions",
    ),
    _cue(
        "override",
        "en",
        r"\b(?:i (?:hereby )?(?:instruct|order|command|authori[sz]e) you to|you are (?:hereby )?(?:instructed"
        r"|ordered|authori[sz]ed|required) to)\b|\byou must (?:now )?(?:label|classify|mark|tag|ignore"
        r"|disregard|output)\b|\bas (?:the|your) (?:admin(?:istrator)?|developer|owner|operator|creator)"
        r" of (?:this|the|your) (?:crm|system|ai|bot|model|pipeline|tool|assistant)\b",
        "gives it orders",
    ),
    _cue(
        "override",
        "en",
        rf"\b(?:do not|don't|never)\s+follow{_EN_FILLER}\s+{_EN_RULES}\b",
        "asks not to follow its instructions",
    ),
    _cue(
        "override",
        "en",
        r"\b(?:new|updated|revised|real|actual|additional) (?:system )?(?:instructions?|task)\s*:"
        r"|\bnew (?:task|instructions?|orders?) for you\b|^[ \t]*override\s*:"
        r"|\byour (?:new|real|actual|only) (?:task|instructions?|goal) (?:is|are)\b",
        "gives new instructions",
    ),
    _cue(
        "override",
        "en",
        r"\bfrom now on,? (?:you|your) (?:are|must|will (?:only|always|never|respond|reply|answer|act|label"
        r"|classify|output)|should|shall)\b",
        "tells it how to behave from now on",
    ),
    _cue(
        "override",
        "de",
        rf"\b(?:ignorier(?:e|en|t)?|vergiss|vergessen|missachte(?:n)?|übergehe(?:n)?){_DE_FILLER}\s+{_DE_RULES}\b",
        "asks to ignore its instructions (de)",
    ),
    _cue(
        "override",
        "de",
        r"\b(?:alle\s+|sämtliche\s+)?(?:vorherigen|bisherigen|obigen|vorigen|früheren|ursprünglichen)\s+"
        rf"{_DE_RULES}\s+(?:\w+\s+){{0,2}}(?:ignorieren|vergessen|missachten|außer acht lassen)\b",
        "asks to ignore its instructions (de)",
    ),
    _cue(
        "override",
        "de",
        r"\b(?:vergiss|vergessen sie|ignoriere|ignorieren sie)\s+alles,?\s+was\s+(?:man\s+)?(?:dir|ihnen)\s+"
        r"(?:\w+\s+){0,2}(?:gesagt|aufgetragen|vorgegeben)"
        r"|\bneue (?:system)?anweisungen?\s*:|\bab (?:sofort|jetzt),? (?:bist du|sind sie|antwortest du"
        r"|antworten sie|musst du|müssen sie)\b",
        "gives new instructions (de)",
    ),
    _cue(
        "override",
        "fr",
        rf"\b(?:ignore[rz]?|oublie[rz]?|outrepasse[rz]?){_FR_FILLER}\s+{_FR_RULES}\b",
        "asks to ignore its instructions (fr)",
    ),
    _cue(
        "override",
        "fr",
        rf"\bne (?:tenez|tiens) (?:plus |pas )?compte (?:de |des |d['\u2019])(?:vos |tes |ces |toutes )?"
        rf"(?:les )?{_FR_RULES}\b",
        "asks to ignore its instructions (fr)",
    ),
    _cue(
        "override",
        "fr",
        r"\b(?:oubliez|oublie|ignorez|ignore)\s+(?:tout\s+)?ce qu['\u2019](?:on|il) (?:vous|t['\u2019]|te) a "
        r"(?:été )?(?:dit|demandé|indiqué)"
        r"|\bnouvelles (?:instructions|consignes)\s*:|\b(?:à partir de maintenant|désormais|dorénavant),? "
        r"(?:tu es|vous êtes|tu dois|vous devez|réponds|répondez)\b",
        "gives new instructions (fr)",
    ),
    # --- role tags and chat markup ------------------------------------------------------------------------
    _cue(
        "role_tag",
        "any",
        r"<\|\s*[a-z_]{2,20}\s*\|>|\[/?inst\]|<</?sys>>|\[/?(?:system|assistant)\]",
        "chat-template role tag",
    ),
    _cue(
        "role_tag",
        "any",
        r"(?:^|[.!?;]\s*|<!--)[ \t>*#-]*\b(?:system|assistant|developer|human|sys|system prompt"
        r"|system message)\s*:" + _IMPERATIVE_AHEAD,
        "a line speaking as the system",
    ),
    _cue(
        "role_tag",
        "any",
        r"\bsystem\s+(?:override|prompt|instructions?|command)s?\s*:"
        r"|(?:={3,}|-{3,}|#{3,}|\*{3,})\s*end of (?:the )?(?:e-?mail|message|input|reply|text)\b",
        "a line speaking as the system",
    ),
    _cue(
        "markup",
        "any",
        r"</?\s*(?:system|instructions?|prompt|assistant|user|admin|tool_call|function_call|untrusted_\w+"
        r"|lead_facts)\s*>",
        "prompt markup",
    ),
    _cue(
        "markup",
        "any",
        r"^[ \t]*#{2,}\s*(?:system|instructions?|new instructions|response)\b"
        r"|\b(?:begin|end) (?:of )?(?:the )?(?:system prompt|user input|instructions)\b",
        "prompt markup",
    ),
    # --- persona: "you are now ..." ------------------------------------------------------------------------
    _cue(
        "persona",
        "en",
        r"\byou are now (?:a|an|my|the|acting|dan|no longer|unrestricted)\b"
        r"|\byou are no longer (?:a|an|bound|restricted|limited)\b"
        rf"|\bpretend (?:to be|you are|that you are) (?:a|an|my)\b|\bact as (?:a|an|my) (?:\w+ )?{_AI}\b"
        r"|\b(?:jailbreak|dan mode|developer mode|god mode)\b",
        "tells it who it is now",
    ),
    _cue(
        "persona",
        "de",
        r"\b(?:du bist|sie sind) (?:ab )?(?:jetzt|nun|ab sofort) (?:ein|eine|mein|meine|kein|keine)\b"
        r"|\btu so,? als (?:ob|wärst)\b",
        "tells it who it is now (de)",
    ),
    _cue(
        "persona",
        "fr",
        r"\b(?:tu es|vous êtes) (?:maintenant|désormais|dorénavant) (?:un|une|mon|ma)\b"
        r"|\bfais semblant d['\u2019]être\b|\bfaites semblant d['\u2019]être\b",
        "tells it who it is now (fr)",
    ),
    # --- addressed to a machine, with an order -------------------------------------------------------------
    _cue(
        "addressed_to_ai",
        "any",
        r"(?:\b(?:dear|hey|hello|attention|note to(?: the| any)?|to the|to any|liebe|lieber|hallo|achtung"
        r"|hinweis an(?: die| den)?|an die|chère|cher)\s+|\b(?:attention à|note pour|à) l['\u2019]\s*)"
        rf"{_AI}\b(?=[^\n]{{0,80}}\b(?:ignore|mark|label|classify|set|add|change|respond|reply|output"
        r"|reading|processing|markiere|setze|ignoriere|lesen|marquez|ajoutez|ignorez|lisant|lit)\b)",
        "speaks to a machine",
    ),
    _cue(
        "addressed_to_ai",
        "any",
        r"\b(?:automated|ai|artificial)\s+(?:system|agent|assistant|classifier|tool|pipeline|model)s?\s+"
        r"(?:reading|processing|parsing|handling|analy[sz]ing|classifying|triaging|labell?ing)\s+(?:this"
        r"|these|the (?:e-?mail|message|reply|text|form))\b"
        r"|\bas an? (?:ai|language model|llm|assistant)\s*,?\s+you\b"
        r"|\b(?:note|message|instructions?|notice|p\.?s\.?) (?:to|for) (?:the|any|whichever|whatever) "
        r"(?:ai|model|system|bot|robot|assistant|classifier|llm|agent)s?\b"
        r"|\b(?:hinweis|notiz|nachricht|anweisung) (?:für|an) (?:das|die|den) (?:ki(?:-\w+)?|system|bot"
        r"|sprachmodell|assistenten)\s*:"
        r"|\b(?:note|message|consigne)s? (?:pour|à|au) (?:le |la |l['\u2019])?(?:système|ia|robot|modèle"
        r"|assistant)\s*:|\b(?:à l['\u2019]attention|à destination) d(?:u|e l['\u2019]|e la) (?:robot|système"
        r"|ia|assistant|modèle)\b"
        r"|\ben tant qu['\u2019](?:ia|intelligence artificielle|assistant|modèle)\s*,?\s+(?:vous|tu)\b"
        r"|\bals (?:ki|sprachmodell|assistent)\s*,?\s+(?:musst|sollst|darfst|bist) du\b",
        "speaks to a machine",
    ),
    _cue(
        "addressed_to_ai",
        "en",
        rf"\b(?:if|since) you(?:'re| are) an? {_AI}\b[^.\n]{{0,40}}\b(?:ignore|mark|label|classify|set|add"
        r"|change|respond|reply|output)\b",
        "speaks to a machine",
    ),
    # --- relabel: change a label, a status, a list ---------------------------------------------------------
    _cue(
        "relabel",
        "en",
        r"\b(?:mark|label|tag|classify|flag|categori[sz]e|record|log|score|rate|rank|set|move|put)\s+(?:this"
        r"|me|us|it|my (?:reply|email|response|lead|contact|status)|this (?:reply|email|message|response"
        r"|lead|contact|person)|the (?:lead|contact|reply|email|sender))\s+(?:as|to|into|in)\s+(?:an?\s+"
        rf"|the\s+)?{_EN_TARGETS}\b|\b(?:mark|label|tag|classify|flag)\s+(?:it\s+)?as\s+(?:an?\s+)?{_EN_TARGETS}\b",
        "asks to be labelled",
    ),
    _cue(
        "relabel",
        "en",
        r"\b(?:change|set|update|switch|upgrade|move|bump)\s+(?:(?:my|the|this|our|his|her|their|this lead's"
        r"|the lead's)\s+)?(?:lead[_ ]status|status|label|classification|tier|score|lifecycle[_ ]stage"
        r"|priority|category|stage|intent)\s+(?:to|as|=)",
        "asks for a status to be changed",
    ),
    _cue(
        "relabel",
        "any",
        r"\b(?:lead[_ ]status|label|classification|tier|lifecycle[_ ]?stage|hs_lead_status|intent)\s*[:=]"
        r"\s*[\"']?(?:interested|meeting[_ ]request|hot|scorching|qualified|open[_ ]deal|connected|vip"
        r"|positive)\b"
        r"|\bneeds_review\s*[:=]\s*[\"']?(?:false|true|0|1)\b|\bdecided_by\s*[:=]"
        r"|\bset\s+[a-z_]{3,30}\s*=\s*[\"']?\w|\blifecycle[_ ]?stage\s*[:=]\s*[\"']?(?:customer|lead|sql|mql"
        r"|opportunity)\b|\b(?:classification|label|lead status|tier)\s+(?:must|should|has to|will) be\b"
        r"|\b(?:write|put|use|return|output)\s+\S+\s+as (?:the|your) (?:label|classification|answer)\s*"
        r"(?:[.,;:!]|$)|\b(?:must|should|has to|is to) be (?:labell?ed|classified|marked|tagged|flagged)\b",
        "sets a label as a field",
    ),
    _cue(
        "relabel",
        "en",
        r"\badd (?:me|us|this (?:contact|lead|email|address)|my (?:e-?mail|address))\s+to (?:your|the|our)\s+"
        r"(?:vip|priority|hot[- ]leads?|allow[- ]?list|white[- ]?list|safe[- ]?list|interested|qualified)\b"
        r"|\b(?:remove|take|delete) (?:me|us|this (?:contact|address))\s+(?:from|off) (?:your|the)\s+"
        r"(?:suppression|do[- ]not[- ](?:contact|e-?mail|mail)|block(?:ed)?|unsubscribe|opt[- ]out)\s+list\b",
        "asks for a list to be changed",
    ),
    _cue(
        "relabel",
        "de",
        r"\b(?:markieren|kennzeichnen|stufen|klassifizieren|tragen|setzen|führen|vermerken)\s+sie\s+(?:mich"
        r"|uns|diese (?:antwort|e-?mail|nachricht)|den (?:lead|kontakt))\b[^.\n]{0,30}?\bals\s+"
        rf"{_DE_TARGETS}\b|\bals\s+{_DE_TARGETS}\s+(?:markieren|kennzeichnen|einstufen|klassifizieren"
        r"|eintragen|vermerken|führen|behandeln)\b",
        "asks to be labelled (de)",
    ),
    _cue(
        "relabel",
        "de",
        r"\b(?:setzen|ändern|aktualisieren)\s+sie\s+(?:den|meinen|unseren|diesen)\s+(?:lead-?)?(?:status"
        r"|score|tier|label)\b|\b(?:nehmen|setzen|tragen)\s+sie\s+(?:mich|uns)\s+(?:in|auf)\s+(?:ihre|die)\s+"
        r"(?:vip|prioritäts|whitelist)-?liste\b",
        "asks for a status or a list to be changed (de)",
    ),
    _cue(
        "relabel",
        "fr",
        r"\b(?:marquez|classez|étiquetez|notez|indiquez|considérez|mettez|enregistrez)[- ](?:moi|nous"
        r"|cette (?:réponse|demande|personne|adresse)|ce (?:contact|lead|prospect|message))\s+(?:comme|en)\s+"
        rf"{_FR_TARGETS}|\b(?:considérer|traiter|classer|marquer|noter|enregistrer)\s+(?:ce|cette)\s+"
        rf"(?:message|réponse|contact|lead|e-?mail|demande)\s+comme\s+{_FR_TARGETS}",
        "asks to be labelled (fr)",
    ),
    _cue(
        "relabel",
        "fr",
        r"\b(?:changez|modifiez|mettez à jour|passez)\s+(?:le|mon|son|ce|notre)\s+(?:statut|label|étiquette"
        r"|score|niveau|classement)\b"
        r"|\b(?:passer|changer|modifier|mettre)\s+(?:le|mon|son|ce|notre)\s+(?:statut|label|étiquette|score"
        r"|niveau|classement)\s+(?:à|a|en|au|sur)\b"
        r"|\bajoutez[- ](?:moi|nous)\s+(?:à|a|dans|sur)\s+(?:votre|la)\s+liste\s+(?:vip|prioritaire|blanche"
        r"|des prospects)",
        "asks for a status or a list to be changed (fr)",
    ),
    # --- reveal, or shape the output -----------------------------------------------------------------------
    _cue(
        "reveal",
        "en",
        r"\b(?:reveal|print|repeat|output|display|leak|show me)\s+(?:me\s+)?(?:(?:your|the)\s+(?:full\s+"
        r"|hidden\s+|original\s+|initial\s+)?(?:system prompt|system message|prompt)|your\s+(?:full\s+"
        r"|hidden\s+|original\s+|initial\s+)?instructions)\b"
        r"|\b(?:respond|reply|answer|output)\s+(?:only\s+)?with\s+(?:the\s+)?(?:word|label|json)\b",
        "asks for its instructions or dictates its answer",
    ),
    _cue(
        "reveal",
        "de",
        r"\b(?:zeige|zeigen sie|gib|geben sie|nenne|nennen sie|wiederhole|wiederholen sie)\s+(?:mir\s+)?"
        r"(?:(?:deinen|ihren|den)\s+(?:system-?)?prompt|(?:deine|ihre|die)\s+systemanweisungen"
        r"|deine\s+(?:anweisungen|instruktionen))\b"
        r"|\bantworte (?:nur|ausschließlich) mit (?:dem wort|dem label|json)\b",
        "asks for its instructions or dictates its answer (de)",
    ),
    _cue(
        "reveal",
        "fr",
        r"\b(?:révèle|révélez|affiche|affichez|montre|montrez|répète|répétez|donne|donnez)[- ]?(?:moi\s+)?"
        r"\s*(?:(?:ton|votre)\s+prompt|tes\s+(?:instructions|consignes)|(?:vos|tes)\s+instructions système)\b"
        r"|\brépond(?:s|ez)? (?:uniquement|seulement) (?:par|avec) (?:le mot|l['\u2019]étiquette|le label"
        r"|json)\b",
        "asks for its instructions or dictates its answer (fr)",
    ),
)

# Characters that hide words from a reader or a pattern: zero-width spaces and joiners, the BOM, soft hyphens.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\ufeff"))
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})


def normalise(text: str) -> str:
    """`text` as the cues read it: compatibility forms folded (full-width letters, ligatures), invisible
    characters removed, curly quotes straightened. Line breaks are kept: role tags count at a line's start."""
    folded = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).translate(_QUOTES)
    return re.sub(r"[ \t]+", " ", folded)


def find_instructions(text: str | None) -> list[InstructionHit]:
    """Every cue of `INSTRUCTION_CUES` in `text`, in the order they stand (one per place)."""
    if not text:
        return []
    clean = normalise(text)
    hits: dict[int, InstructionHit] = {}
    for cue in INSTRUCTION_CUES:
        for match in cue.pattern.finditer(clean):
            hit = InstructionHit(cue.kind, cue.language, cue.reason, match.group(0), match.start())
            hits.setdefault(match.start(), hit)
    return [hits[start] for start in sorted(hits)]


def reads_as_instructions(text: str | None) -> InstructionHit | None:
    """The first cue in `text` that addresses the system, or None when it reads as written to a person."""
    hits = find_instructions(text)
    return hits[0] if hits else None
