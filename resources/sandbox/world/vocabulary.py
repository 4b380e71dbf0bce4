"""The world's fixed vocabularies: defaults, the seller's domain and the enumerations its records use.

What belongs here: public constants the simulators and tests read (firmographic ranges, job levels,
CRM stages, submission kinds, the technology catalogue). No generation logic.
"""

from __future__ import annotations

DEFAULT_SEED = 7
DEFAULT_SIZE = 2000

#: The year `age_range` is measured against.
REFERENCE_YEAR = 2026

#: The simulated seller: owners and form pages live on this domain; no world company uses it.
SELLER_DOMAIN = "relaypoint.io"

SIGNAL_KINDS = ("funding", "expansion", "new_product", "hiring", "regulatory", "partnership", "media")
EMPLOYEE_RANGES = ("1-10", "11-50", "51-200", "201-500", "501-1000", "1001-5000", "5001-10000", "10001+")
REVENUE_RANGES = (
    "0-500K",
    "500K-1M",
    "1M-5M",
    "5M-10M",
    "10M-25M",
    "25M-75M",
    "75M-200M",
    "200M-500M",
    "500M-1B",
    "1B-10B",
    "10B-100B",
)
AGE_RANGES = ("0-3", "3-6", "6-10", "10-20", "20+")
LOCATIONS_RANGES = ("0-1", "2-5", "6-20", "21-50", "51-100", "101-1000", "1001+")
JOB_LEVELS = (
    "founder",
    "owner",
    "partner",
    "c-suite",
    "vice president",
    "director",
    "manager",
    "senior non-managerial",
    "non-managerial",
)
DEPARTMENTS = (
    "sales",
    "marketing",
    "engineering",
    "c-suite",
    "operations",
    "finance",
    "it",
    "customer success",
    "product",
    "human resources",
    "data",
)
EMAIL_STATUSES = ("valid", "invalid", "catch-all", "unknown")
LIFECYCLE_STAGES = (
    "subscriber",
    "lead",
    "marketingqualifiedlead",
    "salesqualifiedlead",
    "opportunity",
    "customer",
)
LEAD_STATUSES = (
    "NEW",
    "OPEN",
    "IN_PROGRESS",
    "ATTEMPTED_TO_CONTACT",
    "CONNECTED",
    "UNQUALIFIED",
    "BAD_TIMING",
)
SUBMISSION_KINDS = (
    "world_new",
    "world_existing",
    "free_mail",
    "role_address",
    "invalid_email",
    "duplicate",
    "missing_required",
    "spam",
)
FREE_MAIL_DOMAINS = (
    "gmail.com",
    "outlook.com",
    "yahoo.com",
    "hotmail.com",
    "icloud.com",
    "gmx.de",
    "web.de",
    "orange.fr",
    "hotmail.fr",
    "proton.me",
)

TECHNOLOGIES: dict[str, str] = {
    "Salesforce": "customer_management",
    "HubSpot": "customer_management",
    "Zendesk": "customer_management",
    "Intercom": "customer_management",
    "Pipedrive": "customer_management",
    "Marketo": "marketing",
    "Mailchimp": "marketing",
    "Google Tag Manager": "marketing",
    "Hotjar": "marketing",
    "6sense": "marketing",
    "Outreach": "sales",
    "Salesloft": "sales",
    "Gong": "sales",
    "LinkedIn Sales Navigator": "sales",
    "GitHub": "devops_and_development",
    "GitLab": "devops_and_development",
    "Jenkins": "devops_and_development",
    "Docker": "devops_and_development",
    "Kubernetes": "devops_and_development",
    "Datadog": "devops_and_development",
    "Terraform": "devops_and_development",
    "Amazon Web Services": "platform_and_storage",
    "Google Cloud": "platform_and_storage",
    "Microsoft Azure": "platform_and_storage",
    "Cloudflare": "platform_and_storage",
    "MongoDB": "platform_and_storage",
    "PostgreSQL": "platform_and_storage",
    "Snowflake": "bi_and_analytics",
    "Tableau": "bi_and_analytics",
    "Looker": "bi_and_analytics",
    "Power BI": "bi_and_analytics",
    "Segment": "bi_and_analytics",
    "Google Analytics": "bi_and_analytics",
    "Okta": "it_security",
    "CrowdStrike": "it_security",
    "1Password": "it_security",
    "Zscaler": "it_security",
    "Slack": "collaboration",
    "Microsoft Teams": "collaboration",
    "Zoom": "collaboration",
    "Notion": "collaboration",
    "Jira": "collaboration",
    "Confluence": "collaboration",
    "Asana": "collaboration",
    "NetSuite": "finance_and_accounting",
    "QuickBooks": "finance_and_accounting",
    "Xero": "finance_and_accounting",
    "SAP S/4HANA": "finance_and_accounting",
    "Workday": "hr",
    "BambooHR": "hr",
    "Greenhouse": "hr",
    "Personio": "hr",
    "Rippling": "hr",
    "Shopify": "ecommerce",
    "Magento": "ecommerce",
    "WooCommerce": "ecommerce",
    "Stripe": "ecommerce",
    "Twilio": "communications",
    "RingCentral": "communications",
    "Aircall": "communications",
    "SendGrid": "communications",
}


#: The choices of the sales forms' company-size dropdown (HubSpot's `numemployees` property).
NUMEMPLOYEES_CHOICES = ("1-5", "5-25", "25-50", "50-100", "100-500", "500-1000", "1000+")
