"""The offline reply classifier: deterministic rules that label a reply to cold outreach (English, German,
French) and say whether they are sure; only the replies they are not sure of go to Claude.

What belongs here: `LABELS`, `ReplyClassification`, `classify_reply` (a reply's text and subject),
`classify_bounce` (a bounce activity's SMTP answer or a whole report: its structure is `dsn.py`'s, the
decision `bounces.py`'s), `automated_by_headers`, the cue tables they use, and `detect_language`.
Text preparation (HTML, quoted originals, signatures) and date parsing are `reply_text.py`'s; telling text
that addresses the system (a prompt injection) is `sales_assets.common.instructions`'s. No Dagster,
pandas or vendor imports: `sales_assets` re-exports `classify_reply` and importing it must stay cheap.

The rules prefer precision to coverage: a wrong sure label suppresses a person or drops a hot lead, so any
mixed signal (a positive and a negative cue, a deferral, a question next to interest, an out-of-office
wording next to a human answer) leaves the decision to Claude.

A reply that addresses the system ("ignore previous instructions", `system:`, "mark me as interested") is
never sure, so a person reads it, with one exception: a removal request. Its positive cues may be the
injected words themselves, so they are set aside, and if what remains is a sure unsubscribe it stands:
failing to honour an opt-out is the costlier error, and a suppression only ever applies to the sender's own
address, so an injection gains nothing by asking for one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date

from sales_assets.common.instructions import InstructionHit, find_instructions
from sales_assets.engagement.bounces import decide_bounce
from sales_assets.engagement.dsn import looks_like_dsn, read_delivery_status
from sales_assets.engagement.reply_text import html_to_text, reply_body, return_date, without_quote

LABELS = (
    "interested",
    "meeting_request",
    "question",
    "not_interested",
    "unsubscribe",
    "out_of_office",
    "referral",
    "wrong_person",
    "auto_reply",
    "bounce_hard",
    "bounce_soft",
    "policy_block",
)
LANGUAGES = ("en", "de", "fr")
#: Internal cue label: something that makes any decision unsure (never returned).
MIXED = "_mixed"

#: Confidence of a sure decision by rule strength, and of the best guess handed to Claude.
SURE_STRONG = 0.97
SURE = 0.92
UNSURE = 0.55
UNSURE_WEAK = 0.3


@dataclass(frozen=True, slots=True)
class ReplyClassification:
    label: str  # one of LABELS
    sure: bool  # True: the offline rules are confident; False: ask Claude
    confidence: float  # 0..1
    reason: str  # which rule or cue decided, human-readable
    language: str | None  # "en" | "de" | "fr" | None
    return_date: date | None = None  # out_of_office, when given
    referral_name: str | None = None  # referral
    referral_email: str | None = None  # referral
    smtp_status: str | None = None  # bounces: e.g. "5.1.1"
    #: Why the reply reads as written to a machine (a prompt injection), when it does; such a reply is never
    #: sure unless it is a removal request, and nothing else it asks for is done without a person.
    addresses_system: str | None = None


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --- language ----------------------------------------------------------------------------------------------

_STOPWORDS = {
    "en": _words(
        "the and you your we our is are this that for not with please thanks thank me my will be have i to "
        "of it in on at would could can us any there what how hi hello best regards"
    ),
    "de": _words(
        "und der die das ich sie wir nicht ist mit für bitte danke ihre ihnen uns auf eine ein zu bin den "
        "dem gerne hallo grüße kein keine wie was wo gibt es haben aber auch noch mir mich sind"
    ),
    "fr": _words(
        "le la les et je vous nous pas est pour avec merci de des une un du votre vos ne bonjour "
        "cordialement à ce cela suis sont mes mon ma il elle en au aux qui que sur"
    ),
}
_WORD = re.compile(r"[a-zà-ÿß']+")


def detect_language(text: str) -> str | None:
    """ "en", "de" or "fr" by stop-word counts, None when the text holds too few of them to tell."""
    words = _WORD.findall(text.lower().replace("\u2019", "'"))
    tokens = [w for word in words for w in word.split("'") if w]
    scores = {lang: sum(1 for t in tokens if t in stop) for lang, stop in _STOPWORDS.items()}
    best = max(scores, key=lambda lang: scores[lang])
    if scores[best] == 0:
        return None
    # French and English share "on", "me", "en"...; a tie says nothing.
    ranked = sorted(scores.values(), reverse=True)
    if ranked[0] == ranked[1]:
        return None
    return best


# --- cue tables --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cue:
    label: str
    pattern: re.Pattern[str]
    reason: str
    #: A cue like "interested" means the opposite after "not"/"kein"/"ne ... pas"; cues that already carry
    #: their negation ("not interested") are not negatable.
    negatable: bool = False
    strong: bool = True
    #: What the cue says when negated ("never been interested" is a no), if anything.
    negated_label: str | None = None


def _cue(
    label: str,
    pattern: str,
    reason: str,
    *,
    negatable: bool = False,
    strong: bool = True,
    negated_label: str | None = None,
) -> Cue:
    return Cue(
        label,
        re.compile(pattern, re.I),
        reason,
        negatable or negated_label is not None,
        strong,
        negated_label,
    )


_DAY_WORDS = (
    r"monday|tuesday|wednesday|thursday|friday|tomorrow|next week|this week|montag|dienstag|mittwoch"
    r"|donnerstag|freitag|morgen|nächste woche|lundi|mardi|mercredi|jeudi|vendredi|demain|la semaine"
    r" prochaine"
)
_DAYS = rf"(?:{_DAY_WORDS})"

_HUMAN_CUES: tuple[Cue, ...] = (
    # --- unsubscribe: an explicit request to stop, be removed or be deleted -------------------------------
    _cue("unsubscribe", r"\bunsubscrib", "asks to unsubscribe", negatable=True),
    _cue(
        "unsubscribe",
        r"\b(?:remove|take|delete|drop|strike)\s+(?:me|us|my (?:e-?mail|address|name))\b"
        r"(?:\s+\w+){0,4}?\s+(?:from|off)\b",
        "asks to be removed from the list",
        negatable=True,
    ),
    _cue("unsubscribe", r"\b(?:remove|take)\s+me\b", "asks to be removed", negatable=True, strong=False),
    _cue("unsubscribe", r"\bopt(?:-|\s)?(?:me\s+)?out\b", "opts out", negatable=True),
    _cue(
        "unsubscribe",
        r"\b(?:stop|quit|cease)\s+(?:e-?mailing|contacting|sending|messaging|writing|spamming"
        r"|reaching out)",
        "asks to stop contacting",
    ),
    _cue(
        "unsubscribe",
        r"\b(?:do not|don't|dont|never)\s+(?:ever\s+)?(?:contact|e-?mail|write to|message"
        r"|reach out to|call)\s+(?:me|us)\b(?!\s+(?:before|until|unless|about))",
        "asks not to be contacted",
    ),
    _cue(
        "unsubscribe",
        r"\bno (?:more|further) (?:e-?mails?|messages|contact|outreach|follow-?ups)\b",
        "asks for no more emails",
    ),
    _cue(
        "unsubscribe",
        r"\b(?:discontinue|cease|stop)\s+(?:all\s+|any\s+(?:further\s+)?)?(?:these|those|your|the|such"
        r"|future|further)?\s*(?:e-?mails|messages|mailings|communications|outreach)\b",
        "asks to discontinue the emails",
    ),
    _cue(
        "unsubscribe",
        r"\b(?:delete|erase|remove|purge)\s+(?:all\s+)?(?:of\s+)?(?:my|our)\s+(?:personal\s+)?"
        r"(?:data|details|information|info|contact details|records?)\b",
        "asks for data deletion",
        negatable=True,
    ),
    _cue(
        "unsubscribe",
        r"\b(?:right to erasure|art(?:icle|\.)?\s*17|gdpr (?:request|deletion|erasure))",
        "GDPR erasure request",
    ),
    _cue(
        "unsubscribe",
        r"\boff (?:your|the) (?:list|mailing list|distribution|database)",
        "asks to be removed",
        negatable=True,
    ),
    _cue(
        "unsubscribe",
        r"\b(?:abmelden|abbestellen|austragen|abmeldung)\b",
        "asks to unsubscribe (de)",
        negatable=True,
    ),
    _cue(
        "unsubscribe",
        r"\baus (?:ihrem|dem|ihrer|der|diesem) (?:e-?mail-?)?(?:verteiler|liste|mailingliste"
        r"|newsletter|datenbank|kartei)",
        "asks to be removed from the list (de)",
        negatable=True,
    ),
    _cue(
        "unsubscribe",
        r"\b(?:schreiben|kontaktieren|anschreiben|mailen|belästigen)\s+sie\s+(?:mich|mir|uns)\s+(?:bitte\s+)?"
        r"(?:nicht mehr|nie wieder|künftig nicht)",
        "asks not to be contacted (de)",
    ),
    _cue(
        "unsubscribe",
        r"\bnicht mehr (?:zu )?(?:kontaktieren|anschreiben|anzuschreiben|schreiben|mailen)",
        "asks not to be contacted (de)",
    ),
    _cue(
        "unsubscribe",
        r"\bkeine (?:weiteren )?(?:e-?mails|mails|nachrichten|werbung|kontaktaufnahmen?)\b",
        "asks for no more emails (de)",
    ),
    _cue(
        "unsubscribe",
        r"\b(?:löschen|entfernen)\s+sie\s+(?:bitte\s+)?(?:meine|unsere|die)\s+(?:daten|kontaktdaten"
        r"|e-?mail|adresse|angaben)",
        "asks for data deletion (de)",
        negatable=True,
    ),
    _cue(
        "unsubscribe",
        r"\b(?:meine|unsere) (?:daten|kontaktdaten|e-?mail-?adresse)\b.{0,40}\b(?:löschen|entfernen)",
        "asks for data deletion (de)",
        negatable=True,
    ),
    _cue(
        "unsubscribe",
        r"\bwiderspreche\b|\bwiderspruch gegen\b|\bdsgvo\b.{0,40}\b(?:löschung|art)",
        "objects under GDPR (de)",
    ),
    _cue(
        "unsubscribe",
        r"\bdésabonn|\bdésinscri|\bdesinscri|\bdesabonn",
        "asks to unsubscribe (fr)",
        negatable=True,
    ),
    _cue(
        "unsubscribe",
        r"\b(?:retirer|supprimer|enlever|effacer|rayer)\b.{0,25}\b(?:de (?:votre|vos|la|cette) "
        r"(?:liste|listes|fichier|base|mailing)|mes (?:données|coordonnées|informations|adresse))",
        "asks to be removed (fr)",
        negatable=True,
    ),
    _cue(
        "unsubscribe",
        r"\bne (?:plus|pas|jamais) me (?:contacter|solliciter|écrire|relancer|recontacter)",
        "asks not to be contacted (fr)",
    ),
    _cue(
        "unsubscribe",
        r"\barrêtez de m['\u2019](?:envoyer|écrire|contacter|solliciter|spammer)"
        r"|\bne m['\u2019](?:écrivez|envoyez|contactez|sollicitez) plus",
        "asks to stop contacting (fr)",
    ),
    _cue(
        "unsubscribe",
        r"\b(?:rgpd|gdpr)\b.{0,40}\b(?:suppression|effacement|droit|deletion|erasure)"
        r"|\bdroit (?:à l['\u2019]effacement|d['\u2019]opposition)",
        "GDPR erasure request",
    ),
    # --- not interested -----------------------------------------------------------------------------------
    _cue(
        "not_interested",
        r"\bnot (?:really |currently |at all )?interested\b|\bno interest\b"
        r"|\buninterested\b",
        "says not interested",
    ),
    _cue("not_interested", r"\bno,? thanks?\b|\bno,? thank you\b|\bthanks,? but no\b|\bnope\b", "declines"),
    _cue(
        "not_interested",
        r"\bnot (?:a|our) (?:priority|fit|focus)\b|\bnot (?:something|anything) we "
        r"(?:need|are looking)|\bnot (?:currently )?(?:looking|in the market)\b",
        "not a priority",
    ),
    _cue(
        "not_interested",
        r"\bout of budget\b|\bbudgets? (?:is |are )?(?:frozen|cut)\b|\bno (?:budget|use)\b"
        r"|\bno need\b(?! to\b)|\b(?:don't|do not|dont) (?:have|see) (?:a |the |any )?"
        r"(?:budget|need|use)\b",
        "no budget or need",
    ),
    _cue(
        "not_interested",
        r"\b(?:already|currently) (?:have|use|using|work with|working with|partner with"
        r"|signed with|got)\b|\bhappy with (?:our|the|what we)\b",
        "already has a provider",
    ),
    _cue(
        "not_interested",
        r"\b(?:we(?:'ll| will)|i(?:'ll| will)) pass\b|\bpass on this\b|\bnot for us\b"
        r"|\bnot (?:the right )?(?:time|timing) for us\b|\bno longer (?:interested|needed|relevant)\b"
        r"|\b(?:don't|do not|dont) follow up\b|\bnot (?:moving|going) forward\b|\bwent with\b"
        r"|\bdecided (?:against|to go with)\b|\b(?:is ?n[o']t|not) relevant (?:for|to) us\b"
        r"|\b(?:signed|chose|picked)\b[^.!?\n]{0,40}\bcompetitor\b|\bwe(?:'re| are) (?:all )?covered\b",
        "declines",
    ),
    _cue(
        "not_interested",
        r"\bkein(?:e|en)? (?:interesse|bedarf|budget|priorität)\b|\bnicht interessiert\b"
        r"|\binteressiert (?:uns|mich) (?:leider |derzeit |aktuell )?nicht\b",
        "says not interested (de)",
    ),
    _cue(
        "not_interested",
        r"\bnein,? danke\b|\bdanke,? (?:aber )?nein\b|\bkein thema für uns\b"
        r"|\bbrauchen wir nicht\b|\bbenötigen (?:wir )?(?:so etwas |das )?(?:nicht|kein)",
        "declines (de)",
    ),
    _cue(
        "not_interested",
        r"\b(?:bereits|schon)\b.{0,30}\b(?:anbieter|dienstleister|partner|lösung|tool"
        r"|software)\b|\b(?:sehr )?zufrieden\b",
        "already has a provider (de)",
    ),
    _cue(
        "not_interested",
        r"\bkeine priorität\b|\bpasst (?:es |das )?(?:aktuell |derzeit |momentan |gerade |leider )*nicht\b"
        r"|\bnicht relevant\b",
        "not a priority (de)",
    ),
    _cue(
        "not_interested",
        r"\bne (?:nous|m['\u2019]) ?intéresse (?:pas|guère)|\bn['\u2019](?:est|sommes) pas intéress"
        r"|\bpas (?:du tout )?intéressée?s?\b|\b(?:pas|aucun) d?['\u2019]?intérêt\b",
        "says not interested (fr)",
    ),
    _cue(
        "not_interested",
        r"\bnon,? merci\b|\bmerci,? mais non\b|\bpas (?:de|d['\u2019]un) besoin\b"
        r"|\bpas besoin\b|\bpas de budget\b|\bne correspond pas\b",
        "declines (fr)",
    ),
    _cue(
        "not_interested",
        r"\bdéjà\b.{0,30}\b(?:prestataire|fournisseur|solution|outil|partenaire)\b"
        r"|\bsatisfaite?s?\b",
        "already has a provider (fr)",
    ),
    _cue("not_interested", r"\bpas (?:une|notre) priorité\b|\bpas le moment\b", "not a priority (fr)"),
    # --- wrong person ---------------------------------------------------------------------------------------
    _cue(
        "wrong_person",
        r"\bwrong (?:person|contact|guy|department|address|team)\b|\bnot the (?:right|correct"
        r"|best) (?:person|contact)\b",
        "says wrong person",
    ),
    _cue(
        "wrong_person",
        r"\bnot (?:my|in my) (?:area|department|remit|role|responsibility|field|wheelhouse)\b"
        r"|\bnot (?:involved|responsible) (?:in|for|with)\b|\bnot (?:the|a) decision[- ]maker\b"
        r"|\b(?:don't|do not) (?:handle|deal with|work on|own)\b",
        "not their area",
    ),
    _cue(
        "wrong_person",
        r"\b(?:no longer|don't|do not|not) work(?:s|ing)? (?:at|for|here|with|on)\b"
        r"|\b(?:left|moved on from|moved to) (?:the company|this company|a different|another)\b"
        r"|\bi(?:'ve| have)? left (?!you\b|a\b|the\b|it\b|my\b|for\b|early\b|home\b)[A-Z]?\w+ "
        r"(?:in|last|back in|earlier|a few|at the end)\b"
        r"|\b(?:different|new|another) (?:role|position|job|department)\b",
        "changed role",
    ),
    _cue(
        "wrong_person",
        r"\b(?:bei mir|an mich) (?:leider )?(?:falsch|an der falschen)|\bnicht (?:der|die) "
        r"richtige (?:ansprechpartner|ansprechpartnerin|person|adresse)|\bnicht (?:mehr )?zuständig\b"
        r"|\bnicht mein (?:bereich|thema|gebiet)\b|\bnicht beteiligt\b|\bnichts zu tun\b"
        r"|\b(?:andere|neue) (?:rolle|position|abteilung|stelle)\b|\b(?:unternehmen|firma) verlassen\b",
        "says wrong person (de)",
    ),
    _cue(
        "wrong_person",
        r"\btrompée? de (?:personne|contact|interlocuteur)|\bpas la bonne (?:personne"
        r"|interlocutrice)|\bpas le bon (?:interlocuteur|contact)\b|\bpas (?:mon|de mon) (?:domaine"
        r"|ressort|périmètre)|\bne (?:suis|travaille) plus\b|\bplus concernée?\b|\bpas concernée?\b"
        r"|\bne participe pas\b|\bchangé de (?:poste|fonction|société|entreprise)|\bne m['\u2019]occupe pas"
        r"|\bne gère pas\b|\bquitté (?:l['\u2019]entreprise|la société)",
        "says wrong person (fr)",
    ),
    # --- meeting request ----------------------------------------------------------------------------------
    _cue(
        "meeting_request",
        r"\b(?:set up|schedule|book|arrange|have|hop on|jump on|do|organi[sz]e)\s+(?:a |an )?"
        r"(?:quick |short |brief |\d+[- ]?min(?:ute)?s? )?(?:call|meeting|chat|demo|zoom|teams call"
        r"|video call)",
        "asks for a call",
        negatable=True,
    ),
    _cue(
        "meeting_request",
        r"\b(?:let'?s|happy to|glad to|would love to|can we|could we|shall we|i'?d like to)"
        r"\s+(?:\w+\s+)?(?:talk|chat|meet|speak|connect|hop on|jump on|set up|schedule|find a time)",
        "proposes to talk",
        negatable=True,
    ),
    _cue(
        "meeting_request",
        r"\b(?:show|give|walk)\s+(?:me|us)\s+(?:a |the |your )?(?:\w+ )?(?:demo|walk-?through"
        r"|tour)\b|\bwalk (?:me|us) through\b",
        "asks for a demo",
        negatable=True,
    ),
    _cue(
        "meeting_request",
        r"calendly\.com|\bcal\.com/|meetings\.hubspot|hubspot\.com/meetings|savvycal"
        r"|\b(?:calendar|booking) link\b|\b(?:grab|pick|book) a (?:time|slot)\b|\bfind a time\b",
        "sends a booking link",
    ),
    _cue(
        "meeting_request",
        r"\b(?:send|shoot)\s+(?:me|us|over)?\s*(?:an?\s+)?(?:calendar\s+|meeting\s+)?invite",
        "asks for an invite",
        negatable=True,
    ),
    _cue(
        "meeting_request",
        rf"\b(?:does|would|will|is|how about|what about)\s+{_DAYS}\b[^?\n]{{0,40}}(?:work|suit"
        r"|ok|okay|good|\?)",
        "proposes a day",
    ),
    _cue(
        "meeting_request",
        r"\b(?:i'?m|i am|we'?re|we are)\s+(?:free|available)\b",
        "offers availability",
        negatable=True,
    ),
    _cue("meeting_request", r"\b\d{1,2}(?::\d\d)?\s?(?:am|pm)\b", "names a time", strong=False),
    _cue(
        "meeting_request",
        r"\b(?:can|could|shall) we (?:do|book|grab|find|set)\b[^.?!\n]{0,30}\b(?:\d+\s?min"
        rf"|{_DAY_WORDS})",
        "proposes a slot",
        negatable=True,
    ),
    _cue(
        "meeting_request",
        r"\btermin\w*\b|\btelefonier|\btelefonat\b|\bvideo-?call\b|\bkurz(?:es)? "
        r"(?:sprechen|gespräch|austauschen)|\beinladung\b|\bpasst (?:ihnen|es ihnen|das)\b"
        r"|\b\d{1,2}(?::\d\d)?\s?uhr\b|\bgespräch\b",
        "asks for a call (de)",
        negatable=True,
    ),
    _cue(
        "meeting_request",
        r"\bappel\b(?! d['\u2019]offres)|\bnous appeler\b|\bs['\u2019]appeler\b|\brendez-vous\b|\brdv\b"
        r"|\bréunion\b"
        r"|\bcréneau\b|\binvitation\b|\bvisio\b|\b\d{1,2}h(?:\d\d)?\b|\ben discuter\b|\bun échange\b",
        "asks for a call (fr)",
        negatable=True,
    ),
    _cue("meeting_request", r"\bdisponible\b", "offers availability (fr)", negatable=True, strong=False),
    _cue(
        "interested",
        r"\bi(?:'d| would) (?:like|love) to (?:understand|learn|know|see|explore|try|discuss)\b",
        "wants to learn more",
        negatable=True,
    ),
    _cue(
        "not_interested",
        r"\bpas pour (?:le moment|l'instant|maintenant)\b|\bnot (?:at the moment|right now|for now)\b"
        r"|\b(?:derzeit|aktuell|momentan) nicht\b",
        "not now",
    ),
    _cue("interested", r"\bcurious\b|\bgerne\b", "sounds open", negatable=True, strong=False),
    _cue(
        "interested",
        r"\byes,? please\b|\bgo ahead\b|\bcount (?:me|us) in\b|\bja,? gerne\b|\boui,? "
        r"(?:volontiers|avec plaisir)\b",
        "says yes",
        negatable=True,
    ),
    # --- interested -----------------------------------------------------------------------------------------
    _cue(
        "interested",
        r"\binterest(?:ed|ing)\b|\bintrigu|\bkeen\b",
        "says interested",
        negated_label="not_interested",
    ),
    _cue(
        "interested",
        r"\bsounds? (?:good|great|relevant|interesting|useful|promising)\b|\brelevant\b"
        r"|\b(?:a|good|great) fit\b|\bon our radar\b|\btiming is (?:good|right|perfect)\b"
        r"|\bcould (?:work|be useful|help)\b|\bworth (?:exploring|a look|looking)\b|\bopen to\b",
        "sees a fit",
        negatable=True,
    ),
    _cue(
        "interested",
        r"\b(?:learn|hear|know|see|understand) more\b|\btell me more\b|\bmore (?:info|information"
        r"|details)\b",
        "wants to learn more",
        negatable=True,
    ),
    _cue(
        "interested",
        r"\b(?:send|share|forward|pass)\s+(?:me\s+|us\s+|over\s+|along\s+)*(?:some\s+|more\s+"
        r"|the\s+|a\s+|your\s+)*(?:info|information|details|deck|overview|case stud|materials?|brochure"
        r"|pricing|price list|one-pager|proposal|quote|demo)",
        "asks for material",
        negatable=True,
    ),
    _cue(
        "interested",
        r"\b(?:send|share|forward)\b[^.?!\n]{0,25}\b(?:overview|case stud|deck|brochure|pricing)"
        r"|\bcase stud(?:y|ies)\b|\bfallbeispiel|\breferenzkunde|\bcas clients?\b",
        "asks for material",
        negatable=True,
    ),
    _cue(
        "interested",
        r"\bnext steps?\b|\bhow (?:do|can|would) we (?:get started|start|proceed|move forward)",
        "asks for next steps",
        negatable=True,
    ),
    _cue(
        "interested",
        r"\b(?:we(?:'re| are)|i(?:'m| am)|been) (?:actively |currently )?(?:looking for|evaluating"
        r"|searching for|reviewing)\b",
        "is looking for a solution",
        negatable=True,
    ),
    _cue(
        "interested",
        r"\binteress(?:ant|iert|iere)\b|\bspannend\b|\bklingt (?:gut|spannend|interessant)"
        r"|\bmehr (?:dazu )?(?:erfahren|wissen)|\b(?:weitere|mehr) (?:infos?|informationen|details"
        r"|unterlagen)"
        r"|\b(?:schicken|senden|zukommen lassen|übermitteln)\b.{0,40}\b(?:infos?|informationen|unterlagen"
        r"|übersicht|präsentation|preis\w*|angebot)|\bnächsten? schritte?\b|\bkönnte passen\b|\bpasst gut\b"
        r"|\bsuchen (?:wir )?(?:schon|gerade|bereits|seit)|\bauf dem radar\b|\btiming passt\b",
        "says interested (de)",
        negatable=True,
    ),
    _cue(
        "interested", r"\binteress(?:ant|iert|iere)\b", "says interested (de)", negated_label="not_interested"
    ),
    _cue("interested", r"\bintéress", "says interested (fr)", negated_label="not_interested"),
    _cue(
        "interested",
        r"\bpertinente?s?\b|\benvoyez[- ](?:moi|nous)\b[^.?!\n]{0,30}\b(?:tarifs?|informations?"
        r"|documentation|présentation|brochure|devis|offre)",
        "asks for material (fr)",
        negatable=True,
    ),
    _cue(
        "interested",
        r"\bintéress|\ben savoir plus\b|\bplus d['\u2019]informations?\b|\b(?:envoyer|partager"
        r"|transmettre|faire parvenir)\b.{0,30}\b(?:informations?|documentation|présentation|tarifs?|brochure"
        r"|cas client|devis|offre)|\bprochaines? étapes?\b|\bpourrait (?:correspondre|convenir"
        r"|nous être utile)"
        r"|\b(?:nous|on) cherch(?:ons|e)\b|\ble timing est bon\b|\bvolontiers\b",
        "says interested (fr)",
        negatable=True,
    ),
)

# Timing deferrals: not a no, not a yes. They make any decision unsure.
_DEFERRAL = re.compile(
    r"\b(?:maybe|perhaps|possibly) (?:later|next|in)\b|\b(?:reach out|check back|circle back|follow up"
    r"|try again"
    r"|get back|ping me|ask me|contact me|come back|touch base|revisit)\b[^.?!\n]{0,25}\b(?:in|next|after"
    r"|later|around|once)\b|\bin q[1-4]\b|\bnext (?:quarter|year|fiscal)\b|\bnot (?:right )?now\b|\bfor now\b"
    r"|\bat the moment\b.{0,20}\bbut\b|\bspäter (?:noch ?mal|nochmal|wieder|gerne)|\bnächste[sn]? (?:jahr"
    r"|quartal)"
    r"|\bim (?:q[1-4]|neuen jahr|herbst|frühjahr|sommer)\b|\bderzeit nicht,? aber\b"
    r"|\bl['\u2019]année prochaine\b"
    r"|\bplus tard\b|\brecontactez|\brevenez vers (?:moi|nous)\b|\bdans (?:quelques|deux|trois|six) mois\b",
    re.I,
)
# Annoyed questions ask nothing about the product; they lean towards a no.
_HOSTILE = re.compile(
    r"\bspam(?:ming|med)?\b|\bkeep (?:e-?mailing|sending|writing|contacting)\b|\bhow did you get my\b"
    r"|\bwhere did you (?:get|find) my\b|\bwho gave you my\b|\bwoher haben sie meine\b"
    r"|\bd['\u2019]où (?:tenez|avez)-vous\b|\bqui vous a donné\b",
    re.I,
)
# The writer's own (new) address is not a referral.
_OWN_ADDRESS = re.compile(
    r"\b(?:reach|contact|email|e-mail|find) me (?:at|on|via|under)\b|\bmy (?:new |personal "
    r"|private )?(?:e-?mail"
    r"|address)\b|\bmeine (?:neue |private )?(?:e-?mail|adresse)\b|\bma (?:nouvelle )?adresse\b"
    r"|\bmon (?:nouvel )?e-?mail\b",
    re.I,
)
_SCHEDULING = re.compile(
    rf"\b{_DAYS}\b|\b\d{{1,2}}(?::\d\d)?\s?(?:am|pm|uhr|h)\b|\b\d{{2}}\s?(?:min|mins|minutes|minuten)\b"
    r"|\b(?:morning|afternoon|vormittag|nachmittag|matin|après-midi)\b",
    re.I,
)
_REQUEST = re.compile(
    r"^\W*(?:but\s+|and\s+|so\s+)?(?:could|can|would|will) you(?: please| kindly)?\s+(?:send|share|forward"
    r"|put together"
    r"|prepare|provide|email|mail|pass|drop)\b|^\W*(?:könnten|können|würden) sie (?:mir |uns )?(?:bitte )?"
    r"(?:\w+ ){0,4}(?:schicken|senden|zusenden|zukommen|übermitteln)|^\W*(?:pourriez|pouvez)-vous (?:me "
    r"|nous )?"
    r"(?:envoyer|transmettre|faire parvenir|partager)",
    re.I,
)
_NEGATORS = _words(
    "not no never neither nor without hardly n't dont don't doesn't didn't isn't aren't wasn't won't "
    "wouldn't cannot can't nicht kein keine keinen keiner keinem nie niemals ohne weder aucun aucune sans"
)
_NEAR_NEGATORS = _words("pas ne n' plus jamais guère")
_INTERJECTION = re.compile(r"\b(?:no|nope|nein|non)\s*(?:thanks?|thank you|danke|merci)?\s*[,!.]")
_CLAUSE_BREAK = re.compile(r"[.!?;:\n]|\b(?:but|however|aber|jedoch|mais|cependant)\b", re.I)
_TOKEN = re.compile(r"[\w']+|n't", re.I)
_QUESTION_WORDS = re.compile(
    r"\b(?:how|what|where|which|who|why|when|do|does|did|is|are|can|could|will|would|should|have|has"
    r"|wie|was|wo|welche[rsmn]?|wer|warum|wann|gibt|haben|können|könnten|sind|ist|kann|bieten|unterstützen"
    r"|comment|quel(?:le)?s?|où|qui|pourquoi|quand|est-ce|avez-vous|pouvez-vous|combien|proposez-vous"
    r"|faites-vous"
    r"|y a-t-il|êtes-vous)\b",
    re.I,
)

# --- automated replies -----------------------------------------------------------------------------------

_OOO_SUBJECT = re.compile(
    r"^\W*(?:re:\s*|aw:\s*)?(?:automatic reply|auto(?:matic)?[- ]?(?:reply|response)|autoreply"
    r"|out of (?:the )?office"
    r"|ooo\b|abwesenheitsnotiz|abwesenheit|automatische antwort|réponse automatique|absence du bureau"
    r"|absent(?:e)?\b|abwesend|away from)",
    re.I,
)
_OOO = re.compile(
    r"\bout of (?:the )?office\b|\booo\b"
    r"|\b(?:i am|i'm|currently|presently|will be)\s+(?:currently\s+)?(?:on|off on)\s+(?:annual |parental "
    r"|maternity |paternity |sick |medical )?(?:leave|vacation|holiday|holidays|pto|sabbatical)\b"
    # "I'm out" / "I'm off" only with what makes them an absence ("I'm out of budget" is not one).
    r"|\b(?:i am|i'm|currently|presently)\s+(?:currently\s+)?(?:away|travell?ing|unavailable|absent"
    r"|(?:out|off)(?= (?:of (?:the )?office|until|till|through|today|this week|on (?:leave|vacation"
    r"|holiday))))\b"
    r"|\baway from (?:my desk|the office|email|e-mail)\b|\b(?:limited|no) access to (?:my )?e-?mails?\b"
    r"|\bwill not be forwarded\b|\bwon't be forwarded\b|\b(?:when|once|after) i (?:return|am back|get back)\b"
    r"|\bi(?:'ll| will) be back (?:in the office )?(?:on|in|from|after)\b"
    r"|\bnicht im büro\b|\baußer haus\b|\bausser haus\b|\babwesend\b|\bim urlaub\b|\burlaubsbedingt"
    r"|\bin elternzeit\b|\b(?:auf|in) (?:geschäfts)?reise\b|\bdienstreise\b|\bwieder im büro\b"
    r"|\bwieder (?:für sie )?erreichbar\b|\bwieder für sie da\b|\beingeschränkt\w*\b.{0,30}\b(?:e-?mails"
    r"|zugriff)\b|\bnicht weitergeleitet\b|\bkeinen zugriff\b"
    r"|\b(?:je suis|actuellement|suis) (?:actuellement )?absente?\b|\b(?:pendant|durant|en raison de) mon "
    r"absence\b|\babsence du bureau\b|\ben congés?\b|\ben vacances\b|\ben déplacement\b"
    r"|\bde retour (?:le|au bureau|lundi|mardi|mercredi|jeudi|vendredi)\b|\bhors du bureau\b|\bpas accès\b"
    r"|\baccès limité\b|\bne sera pas (?:transféré|lu)\b",
    re.I,
)
#: Acknowledgements only machines write: ticket numbers, "this is an automated...", "do not reply".
_AUTO_ACK_STRONG = re.compile(
    r"\bticket\s*(?:#|no\.?|number|id|nummer)?\s*:?\s*#?\d{3,}|\bticketnummer\b|\bcase (?:number|#|id)"
    r"|\bcase\s*#\s*\d{3,}|\b(?:request|reference) (?:number|#|id)|\bnuméro\s+#?\d{3,}"
    r"|\byour (?:message|email|e-mail|request|ticket)(?: \([^)]{0,30}\))? (?:has been|was) (?:received|logged"
    r"|created|opened)"
    r"|\bautomated (?:confirmation|response|message|reply|acknowledg)|\b(?:message|e-?mail|reply|response) "
    r"(?:has been |was |is )?automatically generated\b|\btrouble ticket\b|\bautomatic(?:ally generated)? "
    r"(?:reply|response|confirmation|acknowledg)|\bauto-?response\b|\bthis is an? (?:automatic|automated)"
    r"|\bdo not reply to this\b|\bthis (?:mailbox|inbox|address) is (?:not )?monitored|\bno-?reply@"
    r"|\bdo-?not-?reply\b|\beingangsbestätigung\b"
    r"|\bautomatisch (?:generierte|erstellte|versendete)?\s?(?:antwort|nachricht|e-mail|bestätigung)\b"
    r"|\bist bei uns eingegangen\b|\bantworten sie nicht auf\b|\bdieses postfach wird\b"
    r"|\baccusé de réception\b|\bréponse automatique\b|\bbien été reçue?\b|\bne pas répondre\b"
    r"|\bcette (?:boîte|adresse) (?:n['\u2019]est pas |est )?(?:consultée|surveillée)",
    re.I,
)
#: Acknowledgements a person could also write ("we'll get back to you shortly"): only sure alone.
_AUTO_ACK_WEAK = re.compile(
    r"\b(?:we|i) (?:have )?received your (?:message|email|e-mail|request|inquiry|enquiry)"
    r"|\b(?:we|our team)(?: will|'ll)? (?:usually |typically |normally )?(?:get back|respond|reply|replies"
    r"|responds)\b[^.\n]{0,40}\b(?:within|shortly|as soon as)\b|\busually (?:replies|responds"
    r"|answers) within\b"
    r"|\bwir melden uns\b[^.\n]{0,40}\b(?:innerhalb|so bald|schnellstmöglich|in kürze)"
    r"|\bnotre équipe (?:vous répondra|reviendra)|\bnous reviendrons vers vous\b",
    re.I,
)

# A ticket or case number: a help desk answered, even if it also says someone is away.
_TICKET = re.compile(
    r"\b(?:ticket|case|request|anfrage|demande|dossier)\s*(?:#|no\.?|number|id|nummer|numéro)?\s*:?\s*#?\d{3,}"
    r"|\bticketnummer\b|\[#?[a-z]{0,6}-?\d{3,}\]",
    re.I,
)
# Subjects of ticket systems; "Automatic reply:" is not one (out-of-office notices use it too).
_ACK_SUBJECT = re.compile(
    r"\[?\b(?:ticket|case|request|anfrage|demande)\s*#?\s*\d{3,}|\bwe (?:have )?received your\b"
    r"|\[#?[a-z]{0,6}-?\d{3,}\]"
    r"|\beingangsbestätigung\b|\baccusé de réception\b|\bconfirmation de réception\b",
    re.I,
)

# --- bounces -----------------------------------------------------------------------------------------------


def classify_bounce(
    error_message: str | None, headers: Mapping[str, str] | None = None
) -> ReplyClassification:
    """A bounce (lemlist's SMTP answer, the text of a returned report, or a raw RFC 5322 message) as
    bounce_hard (the mailbox or domain is gone), bounce_soft (temporary, or the mailbox cannot take mail
    now) or policy_block (the message or the sender was refused; the mailbox exists); a challenge-response
    request is an auto_reply.

    The structure speaks first (the DSN's Action and Status, RFC 3463), the server's words second
    (`bounce_texts.py`); see `bounces.decide_bounce`. Only a sure bounce_hard may suppress an address."""
    text = error_message.strip() if isinstance(error_message, str) else ""
    if not text:
        return ReplyClassification("bounce_soft", False, UNSURE_WEAK, "bounce without an SMTP answer", None)
    found = decide_bounce(read_delivery_status(text, headers), text)
    confidence = SURE_STRONG if found.sure else UNSURE
    return ReplyClassification(
        found.label, found.sure, confidence, found.reason, None, smtp_status=found.smtp_status
    )


# --- referrals ---------------------------------------------------------------------------------------------

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.I)
_REFERRAL_CUE = re.compile(
    r"\breach out to\b|\bget in touch with\b|\bcontact\b|\bspeak (?:to|with)\b|\btalk (?:to|with)\b"
    r"|\bcolleague\b|\bhandles?\b|\bhandling\b|\bowns?\b|\bresponsible for\b|\bin charge of\b|\blooping in\b"
    r"|\bloop(?:ed)? in\b|\bcc['\u2019]?(?:e?d|ing)?\b|\bcopied\b|\bcopying\b|\bforward(?:ed|ing)?\b"
    r"|\bbetter fit for\b"
    r"|\bright person\b|\bbest person\b|\bpoint of contact\b|\b(?:ask|email|write to|try)\b"
    r"|\bwenden sie sich\b|\bkontaktieren sie\b|\bansprechpartner(?:in)?\b|\bzuständig (?:ist|wäre|sind)\b"
    r"|\bkolleg(?:e|in|en)\b|\bverantwortet\b|\bkümmert sich\b|\bin kopie\b|\bin cc\b|\bweitergeleitet\b"
    r"|\berreichen sie\b|\bmelden sie sich\b|\bcontacter\b|\bs['\u2019]occupe\b|\binterlocut|\bcollègue\b"
    r"|\ben copie\b|\ben relation\b|\bjoignable\b|\bgère\b|\bresponsable\b|\btransféré\b|\badressez-vous\b"
    r"|\bvoir avec\b|\bdirekt an\b|\bmacht (?:das )?bei uns\b|\bübernimmt\b|\bschreiben sie (?:an|\w+ an)\b",
    re.I,
)
_NAMED_REFERRAL = re.compile(
    r"\b(?:colleague|loop(?:ing|ed)? in|cc['\u2019]?(?:e?d|ing)|reach out to|talk to|speak (?:to|with)"
    r"|get in touch"
    r"|contact|kolleg(?:e|in|en)|wenden sie sich|ansprechpartner|collègue|contacter|voir avec"
    r"|adressez-vous)\b",
    re.I,
)
_NAME_WORD = r"[A-ZÀ-Ý][a-zà-ÿß]*(?:['\u2019-][A-ZÀ-Ý]?[a-zà-ÿß]+)*"
_NAME = re.compile(rf"\b{_NAME_WORD}(?:\s+(?:(?:van|von|de|du|der|le|la|di|da)\s+)?{_NAME_WORD}){{0,2}}")
_NOT_NAMES = _words(
    "i hi hello hey dear thanks thank please the this that looping you your we our my he she they them "
    "it sorry best regards cheers yes no sure team sales marketing ceo cto cfo coo vp head director manager "
    "adding add looping including introducing copying meet welcome ask contact try reach email cc also and "
    "or with via from our revenue operations ops procurement purchasing finance it hr legal support "
    "hallo guten tag bitte danke sie ihnen ihr wir uns team kollege kollegin ansprechpartner kopie thema "
    "bereich unternehmen das der die dafür bei vielen gruß grüße frau herr "
    "bonjour merci je vous nous le la les cordialement équipe collègue madame monsieur mme m "
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday"
)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if ch.isalnum()).replace("ß", "ss")


def _name_candidates(text: str) -> Iterable[tuple[int, int, str]]:
    for match in _NAME.finditer(text):
        words = match.group(0).split()
        while words and words[0].lower().strip("'\u2019") in _NOT_NAMES:
            words = words[1:]
        while words and words[-1].lower().strip("'\u2019") in _NOT_NAMES:
            words = words[:-1]
        if words:
            yield match.start(), match.end(), " ".join(words)


def _matches_address(name: str, email: str) -> bool:
    local = _fold(email.split("@", 1)[0])
    parts = [_fold(p) for p in name.split()]
    # German umlauts become "ue", "oe", "ae" in addresses; NFKD leaves "u"; compare both ways.
    ascii_local = local.replace("ue", "u").replace("oe", "o").replace("ae", "a")
    return any(len(p) >= 2 and (p in local or p in ascii_local) for p in parts)


def referral_contact(body: str) -> tuple[str | None, str | None]:
    """(name, email) of the person a reply refers the sender to, from the reply's own text (quote and
    signature already removed). The name is the written one next to the address, else the address's
    "first.last" part; without an address, the name after a referral cue."""
    emails = [m for m in _EMAIL.finditer(body)]
    if emails:
        match = emails[0]
        email = match.group(0).rstrip(".").lower()
        window_start = max(0, match.start() - 200)
        before = [c for c in _name_candidates(body[window_start : match.start()])]
        after = list(_name_candidates(body[match.end() : match.end() + 60]))
        for _, _, name in [*reversed(before), *after]:
            if _matches_address(name, email):
                return name, email
        local = email.split("@", 1)[0]
        if re.fullmatch(r"[a-z]+[._-][a-z]+", local):
            return " ".join(p.title() for p in re.split(r"[._-]", local)), email
        near = [name for start, _, name in before if match.start() - window_start - start <= 60]
        return (near[-1] if near else None), email
    for cue in _REFERRAL_CUE.finditer(body):
        for _, _, name in _name_candidates(body[cue.end() : cue.end() + 60]):
            # Without an address only a full name is trusted: German capitalises every noun.
            if len(name.split()) >= 2:
                return name, None
    return None, None


# --- classify_reply ----------------------------------------------------------------------------------------


def _normalise(text: str) -> str:
    return re.sub(r"[ \t]+", " ", text.replace("\u2019", "'").replace("`", "'"))


def _negated(text: str, start: int, end: int) -> bool:
    """True when a cue at text[start:end] is negated in its clause ("not interested", "kein Termin",
    "ne nous intéresse pas", "interessiert uns nicht")."""
    clause_start = max((m.end() for m in _CLAUSE_BREAK.finditer(text, 0, start)), default=0)
    # "No thanks, remove me": an interjection, not a negation of what follows.
    clause = _INTERJECTION.sub(" ", text[clause_start:start].lower())
    before = _TOKEN.findall(clause)[-5:]
    if any(t in _NEGATORS or t.endswith("n't") for t in before):
        return True
    # French "ne ... pas/plus" sits right at the verb it negates ("ne plus me solliciter et de supprimer"
    # negates only the first verb).
    if any(t in _NEAR_NEGATORS for t in before[-3:]):
        return True
    # "Interested? No."
    if re.match(r"\W{0,2}\?\s*(?:no|nope|nein|non|not really)\b", text[end : end + 16], re.I):
        return True
    following = _CLAUSE_BREAK.search(text, end)
    after = _TOKEN.findall(text[end : following.start() if following else len(text)].lower())[:4]
    # German and French put the negation after the verb ("interessiert uns nicht", "n'intéresse pas").
    return any(t in ("nicht", "pas", "keine", "kein", "nie", "jamais") for t in after)


@dataclass(frozen=True, slots=True)
class _Hit:
    label: str
    reason: str
    strong: bool
    start: int


def _human_hits(body: str) -> list[_Hit]:
    """Every cue that is not negated where it stands, in cue-table order."""
    hits: list[_Hit] = []
    for cue in _HUMAN_CUES:
        for match in cue.pattern.finditer(body):
            if cue.negatable and _negated(body, match.start(), match.end()):
                reason = f"negated: '{match.group(0)}'"
                if cue.negated_label is not None:
                    hits.append(_Hit(cue.negated_label, reason, cue.strong, match.start()))
                elif cue.label == "unsubscribe":
                    # "No need to remove me" is not a request, but a reply that talks about it is not plain.
                    hits.append(_Hit(MIXED, reason, False, match.start()))
                continue
            hits.append(_Hit(cue.label, cue.reason, cue.strong, match.start()))
    return hits


def _questions(body: str, hits: list[_Hit]) -> list[str]:
    """Sentences asking something that no other cue explains ("Do you integrate with Salesforce?")."""
    questions = []
    for match in re.finditer(r"(?:[^.!?\n,;]|,(?!\s*(?:but|aber|mais)\b))*\?", body, re.I):
        sentence = match.group(0).strip()
        if len(sentence) < 6:
            continue
        start, end = match.start(), match.end()
        if any(start <= h.start < end for h in hits if h.label in ("interested", "meeting_request")):
            continue
        # "Can we do Tuesday at 2pm?" schedules a call; "could you send ...?" is a request. Neither asks
        # anything about the product.
        if _SCHEDULING.search(sentence) or _REQUEST.match(sentence):
            continue
        if _QUESTION_WORDS.search(sentence) or len(sentence.split()) >= 4:
            questions.append(sentence)
    return questions


def classify_reply(
    text: str | None,
    subject: str | None = None,
    *,
    received: date | None = None,
    headers: Mapping[str, str] | None = None,
) -> ReplyClassification:
    """The label of a reply to an outreach email, and whether the offline rules are sure of it.

    `text` is the reply as received (HTML or plain, quoted original and signature included); `subject` its
    subject line; `received` the day it arrived, which dates without a year (and weekdays) in
    out-of-office notices are counted from (today when not given); `headers` the message's headers where
    the source passes them (lemlist does not): a message a machine wrote (RFC 3834 `Auto-Submitted`,
    `X-Autoreply`, `Precedence: auto_reply`, Exchange's loop header) is never read as a person's intent. A
    reply that addresses the system is never sure, except a removal request (see the module's docstring);
    `addresses_system` says why."""
    found = _classify(text, subject, received)
    machine = automated_by_headers(headers)
    if machine is not None and found.label not in _MACHINE_LABELS:
        body = html_to_text(text or "", keep_quotes=False)
        label = "out_of_office" if _OOO.search(body) or _OOO_SUBJECT.search(subject or "") else "auto_reply"
        back = (
            return_date(body, received or date.today(), found.language) if label == "out_of_office" else None
        )
        return ReplyClassification(
            label, True, SURE, f"written by a machine ({machine})", found.language, return_date=back
        )
    hit = addresses_system(text, subject)
    if hit is None:
        return found
    return _addressing_the_system(found, hit, text)


_MACHINE_LABELS = frozenset({"out_of_office", "auto_reply", "bounce_hard", "bounce_soft", "policy_block"})


def automated_by_headers(headers: Mapping[str, str] | None) -> str | None:
    """Which header says a machine wrote the message (RFC 3834 and what mail systems add), or None."""
    if not headers:
        return None
    found = {k.lower(): str(v).strip().lower() for k, v in headers.items()}
    if found.get("auto-submitted", "no") not in ("", "no"):
        return f"Auto-Submitted: {found['auto-submitted']}"
    for name in ("x-autoreply", "x-autorespond", "x-ms-exchange-inbox-rules-loop"):
        if found.get(name):
            return name
    if found.get("x-ms-exchange-generated-message-source", "").startswith("mailbox rules"):
        return "X-MS-Exchange-Generated-Message-Source"
    if found.get("precedence") in ("auto_reply", "bulk", "junk"):
        return f"Precedence: {found['precedence']}"
    return None


def addresses_system(text: str | None, subject: str | None = None) -> InstructionHit | None:
    """The first cue in a reply (raw, as plain text with its quote, and its subject) that addresses the
    system, or None. The raw text counts too: markup and HTML comments vanish from the plain text."""
    raw = text or ""
    for part in dict.fromkeys((raw, html_to_text(raw, keep_quotes=True), subject or "")):
        hits = find_instructions(part)
        if hits:
            return hits[0]
    return None


#: Labels a reply's own words cannot earn when it also addresses the system: they may be the injection's.
_POSITIVE_LABELS = frozenset({"interested", "meeting_request"})


def _addressing_the_system(
    found: ReplyClassification, hit: InstructionHit, text: str | None
) -> ReplyClassification:
    why = hit.describe()
    note = f"the reply also addresses the system ({why}), which is not followed"
    if found.sure and found.label == "unsubscribe":
        return replace(found, reason=f"{found.reason}; {note}", addresses_system=why)
    body = _normalise(reply_body(text))
    if body.strip():
        kept = [h for h in _human_hits(body) if h.label not in _POSITIVE_LABELS]
        removal = _human_decision(body, kept, found.language)
        if removal.sure and removal.label == "unsubscribe":
            reason = f"{removal.reason} (its positive words set aside); {note}"
            return replace(removal, reason=reason, addresses_system=why)
    return replace(
        found,
        sure=False,
        confidence=min(found.confidence, UNSURE_WEAK),
        reason=f"addresses the system ({why}): a person decides; the rules alone read "
        f"{found.label} ({found.reason})",
        addresses_system=why,
    )


def _classify(text: str | None, subject: str | None, received: date | None) -> ReplyClassification:
    """`classify_reply` without the check for text that addresses the system."""
    subject = (subject or "").strip()
    raw = text or ""
    full = html_to_text(raw, keep_quotes=True)
    unquoted = _normalise(without_quote(raw))
    body = _normalise(reply_body(raw))
    language = detect_language(body) or detect_language(unquoted) or detect_language(subject)
    day = received or date.today()

    if not raw.strip() and not subject:
        return ReplyClassification("auto_reply", False, 0.0, "empty reply", None)

    # Non-delivery reports arrive as replies from the mailer daemon.
    if looks_like_dsn(full, subject):
        bounce = classify_bounce(full)
        reason = f"non-delivery report: {bounce.reason}"
        return ReplyClassification(
            bounce.label, bounce.sure, bounce.confidence, reason, language, smtp_status=bounce.smtp_status
        )

    if not body.strip():
        return ReplyClassification("auto_reply", False, UNSURE_WEAK, "empty reply body", language)

    hits = _human_hits(body)
    human_labels = {h.label for h in hits if h.strong}
    auto_subject = bool(_OOO_SUBJECT.search(subject))
    ooo = _OOO.search(unquoted)
    strong_ack = _AUTO_ACK_STRONG.search(unquoted) or _ACK_SUBJECT.search(subject)
    ack = strong_ack or _AUTO_ACK_WEAK.search(unquoted)
    # Ticket systems answer with "Automatic reply:" subjects too; an acknowledgement is not an absence.
    if ack and not ooo:
        # "We'll get back to you shortly" may be a person's; only a machine's wording is sure next to cues.
        # Office hours ("9h à 18h", "9 bis 17 Uhr") look like meeting times; they do not make a machine human.
        if strong_ack:
            sure = not (human_labels & {"interested", "unsubscribe", "not_interested"})
        else:
            sure = not human_labels
        return ReplyClassification(
            "auto_reply",
            sure,
            SURE if sure else UNSURE,
            f"automatic acknowledgement ('{ack.group(0).strip()}')",
            language,
        )
    if ooo or auto_subject:
        back = return_date(unquoted, day, language)
        # A human answer that mentions an absence ("I was on leave, but yes, let's talk") is not a notice.
        conflicting = human_labels & {"interested", "meeting_request", "unsubscribe", "not_interested"}
        if ooo and _TICKET.search(unquoted + "\n" + subject):
            cue = f"out-of-office wording ('{ooo.group(0).strip()}') next to an acknowledgement"
            return ReplyClassification("out_of_office", False, UNSURE, cue, language, return_date=back)
        if ooo:
            sure = not conflicting or auto_subject
            reason = f"out-of-office wording ('{ooo.group(0).strip()}')"
            if auto_subject:
                reason += " and subject"
            return ReplyClassification(
                "out_of_office", sure, SURE_STRONG if sure else UNSURE, reason, language, return_date=back
            )
        return ReplyClassification(
            "out_of_office", False, UNSURE, "automatic-reply subject only", language, return_date=back
        )

    return _human_decision(body, hits, language)


def _human_decision(body: str, hits: list[_Hit], language: str | None) -> ReplyClassification:
    strong = {h.label for h in hits if h.strong}
    weak = {h.label for h in hits if not h.strong and h.label != MIXED}
    reasons: dict[str, str] = {}
    for hit in hits:
        reasons.setdefault(hit.label, hit.reason)
    deferral = _DEFERRAL.search(body)
    questions = _questions(body, hits)
    positive = strong & {"interested", "meeting_request"}
    negative = strong & {"not_interested", "unsubscribe"}

    # A negated removal next to a plain one ("take me off your list, do not contact me") is still a request.
    mixed = None if "unsubscribe" in strong else next((h for h in hits if h.label == MIXED), None)

    def decide(label: str, sure: bool, reason: str, **extra: object) -> ReplyClassification:
        if deferral and sure:
            sure, reason = False, f"{reason}, but defers ('{deferral.group(0).strip()}')"
        if mixed is not None and sure:
            sure, reason = False, f"{reason}, but also {mixed.reason}"
        confidence = SURE if sure else UNSURE
        return ReplyClassification(label, sure, confidence, reason, language, **extra)  # type: ignore[arg-type]

    # Referrals: an address in the reply's own text next to a referral cue.
    name, email = referral_contact(body)
    referral_cue = _REFERRAL_CUE.search(body)
    if email and not referral_cue and name and _matches_address(name, email):
        referral_cue = re.search(re.escape(email), body, re.I)
    if email and referral_cue:
        # A role address (sales@, info@) has nobody's name: which person to write to stays open.
        sure = (
            name is not None
            and not negative
            and not (positive and "wrong_person" not in strong)
            and not _OWN_ADDRESS.search(body)
        )
        return decide(
            "referral",
            sure,
            f"refers to {email} ('{referral_cue.group(0)}')",
            referral_name=name,
            referral_email=email,
        )

    if "unsubscribe" in strong:
        sure = not positive
        return decide("unsubscribe", sure, reasons["unsubscribe"])
    if "unsubscribe" in weak and not positive and "not_interested" in strong:
        return decide("unsubscribe", True, reasons["unsubscribe"])

    # A named colleague without an address is a referral, but which address to use is not known.
    if name and _NAMED_REFERRAL.search(body):
        return decide("referral", False, f"refers to {name} without an address", referral_name=name)

    if "wrong_person" in strong:
        sure = not positive and not (strong & {"not_interested"})
        return decide("wrong_person", sure, reasons["wrong_person"])

    if "not_interested" in strong:
        # Even a weak positive ("but I'd be curious how you compare") makes a no unsure.
        leaning = positive | (weak & {"interested", "meeting_request"})
        sure = not leaning
        if leaning:
            return decide(
                "not_interested",
                False,
                f"mixed: {reasons['not_interested']} and {reasons[sorted(leaning)[0]]}",
            )
        return decide("not_interested", sure, reasons["not_interested"])

    if "meeting_request" in strong or ("meeting_request" in weak and "interested" in strong):
        label = "meeting_request"
        sure = not questions or (
            "meeting_request" in strong
            and all(
                re.search(r"\b(?:work|suit|ok|okay|passt|convient|possible)\b", q, re.I) for q in questions
            )
        )
        return decide(label, sure, reasons["meeting_request"])

    if "interested" in strong:
        if questions:
            return decide("interested", False, f"{reasons['interested']} with a question")
        return decide("interested", True, reasons["interested"])

    if questions:
        hostile = _HOSTILE.search(body)
        if hostile:
            return decide("not_interested", False, f"annoyed question ('{hostile.group(0)}')")
        return decide("question", True, f"asks: '{questions[0][:60]}'")

    if name and referral_cue:
        return decide("referral", False, f"refers to {name} without an address", referral_name=name)
    if weak:
        label = sorted(weak)[0]
        return ReplyClassification(label, False, UNSURE_WEAK, f"weak cue only: {reasons[label]}", language)
    return ReplyClassification(
        "interested" if "?" not in body else "question", False, UNSURE_WEAK, "no known cue", language
    )
