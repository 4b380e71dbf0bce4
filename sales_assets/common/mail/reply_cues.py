"""The cue tables of the offline reply classifier: what a person's reply says, in English, German and French.

What belongs here: `Cue` and `HUMAN_CUES` (one row per wording, with the label it points to, whether it is
strong, and what it means when negated), and the patterns the decision reads next to them: deferrals,
hostile questions, the writer's own new address, scheduling words, requests, negators and question words.
These are data: the decision that reads them is `classify.py`'s; automatic replies' wordings are
`auto_reply_cues.py`'s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sales_assets.common.mail.language import words

#: Internal cue label: something that makes any decision unsure (never returned).
MIXED = "_mixed"


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
DAYS = rf"(?:{_DAY_WORDS})"

HUMAN_CUES: tuple[Cue, ...] = (
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
        rf"\b(?:does|would|will|is|how about|what about)\s+{DAYS}\b[^?\n]{{0,40}}(?:work|suit"
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
DEFERRAL = re.compile(
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
HOSTILE = re.compile(
    r"\bspam(?:ming|med)?\b|\bkeep (?:e-?mailing|sending|writing|contacting)\b|\bhow did you get my\b"
    r"|\bwhere did you (?:get|find) my\b|\bwho gave you my\b|\bwoher haben sie meine\b"
    r"|\bd['\u2019]où (?:tenez|avez)-vous\b|\bqui vous a donné\b",
    re.I,
)
# The writer's own (new) address is not a referral.
OWN_ADDRESS = re.compile(
    r"\b(?:reach|contact|email|e-mail|find) me (?:at|on|via|under)\b|\bmy (?:new |personal "
    r"|private )?(?:e-?mail"
    r"|address)\b|\bmeine (?:neue |private )?(?:e-?mail|adresse)\b|\bma (?:nouvelle )?adresse\b"
    r"|\bmon (?:nouvel )?e-?mail\b",
    re.I,
)
SCHEDULING = re.compile(
    rf"\b{DAYS}\b|\b\d{{1,2}}(?::\d\d)?\s?(?:am|pm|uhr|h)\b|\b\d{{2}}\s?(?:min|mins|minutes|minuten)\b"
    r"|\b(?:morning|afternoon|vormittag|nachmittag|matin|après-midi)\b",
    re.I,
)
REQUEST = re.compile(
    r"^\W*(?:but\s+|and\s+|so\s+)?(?:could|can|would|will) you(?: please| kindly)?\s+(?:send|share|forward"
    r"|put together"
    r"|prepare|provide|email|mail|pass|drop)\b|^\W*(?:könnten|können|würden) sie (?:mir |uns )?(?:bitte )?"
    r"(?:\w+ ){0,4}(?:schicken|senden|zusenden|zukommen|übermitteln)|^\W*(?:pourriez|pouvez)-vous (?:me "
    r"|nous )?"
    r"(?:envoyer|transmettre|faire parvenir|partager)",
    re.I,
)
NEGATORS = words(
    "not no never neither nor without hardly n't dont don't doesn't didn't isn't aren't wasn't won't "
    "wouldn't cannot can't nicht kein keine keinen keiner keinem nie niemals ohne weder aucun aucune sans"
)
NEAR_NEGATORS = words("pas ne n' plus jamais guère")
INTERJECTION = re.compile(r"\b(?:no|nope|nein|non)\s*(?:thanks?|thank you|danke|merci)?\s*[,!.]")
CLAUSE_BREAK = re.compile(r"[.!?;:\n]|\b(?:but|however|aber|jedoch|mais|cependant)\b", re.I)
TOKEN = re.compile(r"[\w']+|n't", re.I)
QUESTION_WORDS = re.compile(
    r"\b(?:how|what|where|which|who|why|when|do|does|did|is|are|can|could|will|would|should|have|has"
    r"|wie|was|wo|welche[rsmn]?|wer|warum|wann|gibt|haben|können|könnten|sind|ist|kann|bieten|unterstützen"
    r"|comment|quel(?:le)?s?|où|qui|pourquoi|quand|est-ce|avez-vous|pouvez-vous|combien|proposez-vous"
    r"|faites-vous"
    r"|y a-t-il|êtes-vous)\b",
    re.I,
)
