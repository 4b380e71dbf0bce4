"""The tables the lead intelligence is built from (`intelligence.py` reads them): which signals and stacks
suggest which pains for which departments, the hooks and why-now sentences per signal kind, and how
departments are read from Explorium's values and from job titles.

What belongs here: data only, typed: each rule's trigger, departments, strength and texts to try in order
(the first whose facts are all known is used). Templates name only facts the vendor returned
(`{round}`, `{city}`, `{roles}`, ...); nothing here may invent one.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Fixed confidences of items that do not come from a dated signal: a stack or an industry says less.
TECH_CONFIDENCE = 0.4
FIRMOGRAPHIC_CONFIDENCE = 0.3

# fmt: off
# Tables: one entry a line reads better than the formatter's one value a line.
CRM = ("Salesforce", "HubSpot", "Pipedrive", "Microsoft Dynamics 365", "Zoho CRM", "Close")
SALES_ENGAGEMENT = (
    "Outreach", "Salesloft", "Apollo.io", "lemlist", "Reply.io", "Mixmax", "Yesware", "Groove",
)
BI_TOOLS = ("Tableau", "Looker", "Power BI", "Metabase", "Qlik", "Sisense", "Domo", "Mode")
REGULATED_INDUSTRIES = frozenset({
    "financial services", "banking", "insurance", "hospitals and health care", "biotechnology research",
    "pharmaceutical manufacturing", "medical equipment manufacturing",
})

#: Stack conditions a rule can name as `stack:<name>`: (technologies, how many of them at least, none of).
STACK_CONDITIONS: dict[str, tuple[tuple[str, ...], int, tuple[str, ...]]] = {
    "crm_without_engagement": (CRM, 1, SALES_ENGAGEMENT),
    "several_bi_tools": (BI_TOOLS, 2, ()),
}

#: Technologies worth naming to each department, most telling first (technographics hooks).
DEPARTMENT_TECH: dict[str, tuple[str, ...]] = {
    "sales": (
        "Salesforce", "HubSpot", "Pipedrive", "Outreach", "Salesloft", "Gong", "LinkedIn Sales Navigator",
    ),
    "marketing": ("HubSpot", "Marketo", "6sense", "Segment", "Mailchimp", "Google Analytics"),
    "finance": ("NetSuite", "SAP S/4HANA", "QuickBooks", "Xero", "Stripe"),
    "data": ("Snowflake", "Looker", "Tableau", "Power BI", "Segment"),
    "engineering": ("Kubernetes", "Datadog", "Terraform", "GitHub", "GitLab", "Amazon Web Services"),
    "it": ("Okta", "CrowdStrike", "Zscaler", "1Password", "Microsoft Azure"),
    "human resources": ("Workday", "Greenhouse", "BambooHR", "Personio", "Rippling"),
    "customer success": ("Zendesk", "Intercom", "Salesforce", "HubSpot"),
    "operations": ("NetSuite", "SAP S/4HANA", "Shopify", "Asana", "Jira"),
    "product": ("Jira", "Segment", "Google Analytics", "Hotjar"),
    "c-suite": ("Salesforce", "HubSpot", "NetSuite", "Snowflake", "Workday"),
}


@dataclass(frozen=True, slots=True)
class PainRule:
    """A pain hypothesis: the trigger (`<signal kind>`, `hiring:<department>` with `*` for any,
    `stack:<condition>` or `industry:regulated`), the lead departments it applies to, its strength, and
    texts to try in order: the first whose facts are all known is used."""

    trigger: str
    departments: tuple[str, ...]
    strength: float
    texts: tuple[str, ...]


_GTM = ("sales", "marketing", "c-suite")
PAIN_RULES: tuple[PainRule, ...] = (
    PainRule("funding", ("sales", "c-suite"), 0.90, (
        "Scaling the sales team after the {round} will stretch pipeline reporting and forecasting",
        "Scaling the sales team after new funding will stretch pipeline reporting and forecasting")),
    PainRule("funding", ("finance",), 0.80, (
        "Investors in the {round} will expect tighter reporting on spend, runway and pipeline",
        "New investors will expect tighter reporting on spend, runway and pipeline")),
    PainRule("funding", ("marketing",), 0.80, (
        "Growth targets after the {round} put pressure on marketing to fill pipeline faster",
        "Growth targets after new funding put pressure on marketing to fill pipeline faster")),
    PainRule("hiring:sales", ("sales", "c-suite"), 0.85, (
        "Filling and ramping {roles} needs onboarding, territories and coaching in place",)),
    PainRule("hiring:marketing", ("marketing",), 0.70, (
        "Growing marketing with {roles} adds campaigns and channels to measure and attribute",)),
    PainRule("hiring:engineering", ("engineering", "it", "data"), 0.60, (
        "Onboarding {roles} adds tooling, access and review load on the team",)),
    PainRule("hiring:customer success", ("customer success",), 0.65, (
        "{roles} point to rising customer volume that support processes must absorb",)),
    PainRule("hiring:*", ("human resources",), 0.70, (
        "Filling {roles} stretches recruiting capacity and time-to-hire",)),
    PainRule("expansion", _GTM, 0.75, (
        "A new office in {city} raises territory and coverage questions for the go-to-market team",
        "A new office raises territory and coverage questions for the go-to-market team")),
    PainRule("expansion", ("operations", "it", "finance"), 0.60, (
        "Standing up the {city} office means new systems, access and processes to roll out",
        "Standing up a new office means new systems, access and processes to roll out")),
    PainRule("regulatory", ("finance", "data", "it", "c-suite", "legal"), 0.70, (
        "A reported legal issue raises the bar for audit trails and compliance reporting",)),
    PainRule("new_product", ("marketing", "sales", "product"), 0.70, (
        "Launching {product} needs positioning, sales enablement and a pipeline of its own",
        "A new product launch needs positioning, sales enablement and a pipeline of its own")),
    PainRule("partnership", _GTM, 0.60, (
        "Co-selling with {partner} needs shared pipeline tracking and partner attribution",
        "A new partnership needs shared pipeline tracking and partner attribution")),
    PainRule("stack:crm_without_engagement", ("sales", "c-suite"), TECH_CONFIDENCE, (
        "With {tech} but no sales-engagement tool in the stack, outbound sequencing is likely manual",)),
    PainRule("stack:several_bi_tools", ("data", "finance", "it"), TECH_CONFIDENCE, (
        "{tech} and {tech2} side by side suggest reporting is split across BI tools",)),
    PainRule("industry:regulated", ("finance", "data", "it", "c-suite"), FIRMOGRAPHIC_CONFIDENCE, (
        "Operating in {industry} keeps audit and compliance reporting on the agenda",)),
)

#: Signal kind -> (strength, texts) for hooks; regulatory news is no opener, so it has none.
HOOKS: dict[str, tuple[float, tuple[str, ...]]] = {
    "funding": (0.90, ("Raised {funding} on {date}",)),
    "expansion": (0.80, ("Opened a new office in {location} on {date}", "Announced a new office on {date}")),
    "new_product": (0.75, ("Launched {product} on {date}", 'Product news on {date}: "{title}"')),
    "partnership": (0.70, ("Announced a partnership with {partner} on {date}",)),
    "hiring": (0.70, ("{roles}, including {job_titles}", "{roles}")),
    "media": (0.55, ('Recognized on {date}: "{title}"',)),
}
#: Signal kind -> (strength, sentences) for the why-now; unknown kinds fall back to the event name.
WHY_NOW: dict[str, tuple[float, tuple[str, ...]]] = {
    "funding": (0.95, ("{company} raised {funding} on {date}.",)),
    "expansion": (0.85, (
        "{company} opened a new office in {location} on {date}.",
        "{company} announced a new office on {date}.")),
    "new_product": (0.80, (
        "{company} launched {product} on {date}.", '{company} announced a new product on {date}: "{title}".',
        "{company} announced a new product on {date}.")),
    "hiring": (0.75, ("{company} listed {roles} as of {date}.",)),
    "partnership": (0.70, (
        "{company} announced a partnership with {partner} on {date}.",
        "{company} announced a new partnership on {date}.")),
    "regulatory": (0.60, (
        '{company} was in legal news on {date}: "{title}".',
        "{company} had a legal issue reported on {date}.")),
    "media": (0.50, (
        '{company} was recognized on {date}: "{title}".', "{company} was in the news on {date}.")),
}
OTHER_WHY_NOW = (0.40, ("{company}: {event} on {date}.",))

DEPARTMENT_ALIASES = {
    "support": "customer success", "customer service": "customer success",
    "customer_success": "customer success",
    "human_resources": "human resources", "hr": "human resources", "people": "human resources",
    "general": "c-suite", "executive": "c-suite", "information technology": "it", "r&d": "engineering",
}
#: Job title words -> department, first match wins (so "revenue operations" is sales, not operations).
TITLE_DEPARTMENTS: tuple[tuple[str, str], ...] = (
    ("revenue", "sales"), ("revops", "sales"), ("sales", "sales"), ("account executive", "sales"),
    ("business development", "sales"), ("marketing", "marketing"), ("growth", "marketing"),
    ("demand", "marketing"), ("customer", "customer success"), ("support", "customer success"),
    ("finance", "finance"), ("financial", "finance"), ("controller", "finance"), ("accounting", "finance"),
    ("cfo", "finance"), ("data", "data"), ("analytics", "data"), ("people", "human resources"),
    ("hr", "human resources"), ("talent", "human resources"), ("recruit", "human resources"),
    ("security", "it"), ("it", "it"), ("information", "it"), ("cio", "it"), ("engineer", "engineering"),
    ("engineering", "engineering"), ("cto", "engineering"), ("technology", "engineering"),
    ("product", "product"), ("operations", "operations"), ("coo", "operations"), ("ceo", "c-suite"),
    ("chief executive", "c-suite"), ("founder", "c-suite"), ("president", "c-suite"), ("owner", "c-suite"),
)
#: Event data keys quoted as they are -> their name in the templates.
DATA_FACTS = {"product_name": "product", "partner_name": "partner", "title": "title", "location": "location"}
# fmt: on
