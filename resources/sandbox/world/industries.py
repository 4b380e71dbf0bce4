"""The industries of the world's companies: NAICS codes, name nouns, offerings, audiences, products and
the technology categories each leans towards. Pure data, with its weighted table.
"""

from __future__ import annotations

from dataclasses import dataclass

from resources.sandbox.world.draw import _Table


@dataclass(frozen=True, slots=True)
class _Industry:
    name: str
    weight: int
    naics: tuple[tuple[str, str], ...]
    nouns: tuple[str, ...]
    offerings: tuple[str, ...]
    audiences: tuple[str, ...]
    products: tuple[str, ...]
    tech_bias: dict[str, float]


_INDUSTRIES: tuple[_Industry, ...] = (
    _Industry(
        "software development",
        26,
        (("513210", "Software Publishers"), ("541511", "Custom Computer Programming Services")),
        (
            "Analytics",
            "Software",
            "Labs",
            "Cloud",
            "Systems",
            "Data",
            "AI",
            "Technologies",
            "Digital",
            "Stack",
            "Works",
            "Platform",
        ),
        (
            "a revenue analytics platform",
            "workflow automation software",
            "an API-first billing platform",
            "a customer data platform",
            "developer tooling for observability",
            "a low-code integration platform",
            "AI-assisted forecasting software",
            "a security posture management tool",
        ),
        (
            "B2B SaaS companies",
            "mid-market finance teams",
            "engineering organizations",
            "e-commerce brands",
            "revenue operations teams",
            "enterprise IT departments",
        ),
        ("Insights", "Pulse", "Studio", "Connect", "Flow", "Copilot", "Sync", "Guard"),
        {"devops_and_development": 3.0, "platform_and_storage": 2.0, "bi_and_analytics": 1.6, "sales": 1.4},
    ),
    _Industry(
        "it services and it consulting",
        13,
        (("541512", "Computer Systems Design Services"), ("541519", "Other Computer Related Services")),
        (
            "Consulting",
            "IT Solutions",
            "Technologies",
            "Systems",
            "Partners",
            "Digital",
            "Tech Group",
            "Solutions",
        ),
        (
            "managed IT services",
            "cloud migration and modernization services",
            "Salesforce implementation",
            "cybersecurity consulting",
            "SAP integration services",
            "data platform consulting",
        ),
        (
            "mid-sized manufacturers",
            "public-sector agencies",
            "healthcare providers",
            "growing SaaS companies",
            "financial institutions",
        ),
        ("Managed Cloud", "Secure Desk", "Migration Factory", "Data Foundation"),
        {"devops_and_development": 1.8, "it_security": 2.0, "platform_and_storage": 1.6},
    ),
    _Industry(
        "financial services",
        11,
        (
            ("523940", "Portfolio Management and Investment Advice"),
            ("522320", "Financial Transactions Processing, Reserve, and Clearinghouse Activities"),
        ),
        ("Capital", "Financial", "Payments", "Wealth", "Finance", "Advisors", "Pay", "Asset Management"),
        (
            "payment processing",
            "wealth management",
            "SME lending",
            "treasury management",
            "cross-border payments",
            "embedded finance infrastructure",
        ),
        (
            "small businesses",
            "high-net-worth families",
            "online merchants",
            "corporate treasurers",
            "fintech startups",
        ),
        ("Pay Pro", "Treasury Hub", "Invoice Advance", "Wealth Portal"),
        {"finance_and_accounting": 2.5, "it_security": 1.8, "bi_and_analytics": 1.3},
    ),
    _Industry(
        "hospitals and health care",
        7,
        (("622110", "General Medical and Surgical Hospitals"), ("621111", "Offices of Physicians")),
        ("Health", "Medical Center", "Clinics", "Care", "Healthcare", "Health Partners"),
        (
            "outpatient and surgical care",
            "telehealth and primary care",
            "specialty orthopedic care",
            "diagnostic imaging services",
            "home health services",
        ),
        ("patients across the region", "employers and their staff", "seniors", "rural communities"),
        ("CarePath", "Patient Connect", "Virtual Clinic", "Health Check"),
        {"it_security": 1.5, "hr": 1.5, "communications": 1.4},
    ),
    _Industry(
        "manufacturing",
        10,
        (
            ("333249", "Other Industrial Machinery Manufacturing"),
            ("332710", "Machine Shops"),
            ("334418", "Printed Circuit Assembly (Electronic Assembly) Manufacturing"),
        ),
        ("Manufacturing", "Industries", "Precision", "Components", "Engineering", "Machining", "Industrial"),
        (
            "precision-machined components",
            "industrial automation equipment",
            "packaging machinery",
            "electronic assemblies",
            "custom metal fabrication",
        ),
        ("automotive suppliers", "aerospace OEMs", "food and beverage producers", "medical device makers"),
        ("Series X Controller", "SmartLine", "Edge Sensor", "ProCut"),
        {"finance_and_accounting": 1.8, "platform_and_storage": 0.8, "ecommerce": 0.6},
    ),
    _Industry(
        "marketing services",
        9,
        (("541810", "Advertising Agencies"), ("541613", "Marketing Consulting Services")),
        ("Marketing", "Media", "Creative", "Agency", "Brand Studio", "Growth", "Digital"),
        (
            "performance marketing",
            "B2B demand generation",
            "brand strategy and design",
            "paid social campaigns",
            "SEO and content marketing",
        ),
        ("consumer brands", "B2B technology companies", "D2C startups", "local businesses"),
        ("Growth Audit", "Content Engine", "Ad Studio", "Brand Lab"),
        {"marketing": 3.0, "bi_and_analytics": 1.4, "collaboration": 1.3},
    ),
    _Industry(
        "retail",
        7,
        (
            ("455219", "All Other General Merchandise Retailers"),
            ("458110", "Clothing and Clothing Accessories Retailers"),
            ("449110", "Furniture Retailers"),
        ),
        ("Retail", "Stores", "Goods", "Outfitters", "Market", "Supply Co.", "Home"),
        (
            "outdoor apparel and gear",
            "home furnishings",
            "specialty groceries",
            "consumer electronics",
            "sustainable fashion",
        ),
        ("shoppers online and in stores", "families", "outdoor enthusiasts", "design-conscious customers"),
        ("Loyalty Club", "Click & Collect", "Store App", "Gift Card"),
        {"ecommerce": 3.5, "marketing": 1.6, "customer_management": 1.2},
    ),
    _Industry(
        "truck transportation",
        6,
        (
            ("484121", "General Freight Trucking, Long-Distance, Truckload"),
            ("484110", "General Freight Trucking, Local"),
        ),
        ("Logistics", "Freight", "Transport", "Trucking", "Carriers", "Haulage"),
        (
            "full-truckload freight",
            "temperature-controlled transport",
            "last-mile delivery",
            "cross-border trucking",
            "dedicated fleet services",
        ),
        ("retailers", "food producers", "manufacturers", "e-commerce shippers"),
        ("Track & Trace", "Route Planner", "Fleet Portal", "Dock Scheduler"),
        {"communications": 1.8, "finance_and_accounting": 1.5, "devops_and_development": 0.5},
    ),
    _Industry(
        "insurance",
        5,
        (
            ("524126", "Direct Property and Casualty Insurance Carriers"),
            ("524210", "Insurance Agencies and Brokerages"),
        ),
        ("Insurance", "Assurance", "Mutual", "Underwriters", "Risk Partners", "Insure"),
        (
            "commercial property insurance",
            "cyber insurance",
            "specialty liability coverage",
            "employee benefits brokerage",
            "embedded insurance",
        ),
        ("small businesses", "logistics companies", "technology firms", "homeowners"),
        ("Quote Engine", "Claims Express", "Cyber Shield", "Policy Hub"),
        {"it_security": 1.6, "customer_management": 1.4, "finance_and_accounting": 1.4},
    ),
    _Industry(
        "biotechnology research",
        6,
        (
            ("541714", "Research and Development in Biotechnology (except Nanobiotechnology)"),
            ("325414", "Biological Product (except Diagnostic) Manufacturing"),
        ),
        ("Bio", "Biosciences", "Therapeutics", "Genomics", "Biologics", "Life Sciences"),
        (
            "antibody therapeutics",
            "gene editing tools",
            "cell therapy manufacturing",
            "single-cell genomics",
            "microbiome diagnostics",
        ),
        ("pharma partners", "research hospitals", "patients with rare diseases", "academic labs"),
        ("Assay Kit", "Discovery Platform", "CellScan", "GenoMap"),
        {"bi_and_analytics": 1.5, "platform_and_storage": 1.3, "ecommerce": 0.4},
    ),
)
_INDUSTRY_TABLE = _Table([(i, i.weight) for i in _INDUSTRIES])


_INDUSTRY_BY_NAME = {i.name: i for i in _INDUSTRIES}
