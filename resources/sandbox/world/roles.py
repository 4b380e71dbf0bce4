"""Job roles: titles with level and department, industry-specific ones, skills and experience ranges.

What belongs here: the role catalogue and `_roles`, which staffs one company from it.
"""

from __future__ import annotations

import functools
import random

from resources.sandbox.world.draw import _Table
from resources.sandbox.world.records import Company
from resources.sandbox.world.vocabulary import EMPLOYEE_RANGES, REFERENCE_YEAR

_LEVEL_RANK = {
    "founder": 0,
    "owner": 0,
    "partner": 1,
    "c-suite": 1,
    "vice president": 2,
    "director": 3,
    "manager": 4,
    "senior non-managerial": 5,
    "non-managerial": 6,
}

#: (title, job_level, department, weight, unique within a company, smallest size index allowed)
_Role = tuple[str, str, str, float, bool, int]
_ROLES: tuple[_Role, ...] = (
    ("Chief Revenue Officer", "c-suite", "sales", 4, True, 2),
    ("Chief Marketing Officer", "c-suite", "marketing", 4, True, 2),
    ("Chief Technology Officer", "c-suite", "engineering", 4, True, 1),
    ("Chief Financial Officer", "c-suite", "finance", 3, True, 2),
    ("Chief Operating Officer", "c-suite", "c-suite", 3, True, 2),
    ("Chief Information Officer", "c-suite", "it", 2, True, 3),
    ("Chief Data Officer", "c-suite", "data", 1, True, 4),
    ("Chief Product Officer", "c-suite", "product", 1, True, 3),
    ("Chief Customer Officer", "c-suite", "customer success", 1, True, 4),
    ("Chief People Officer", "c-suite", "human resources", 1, True, 4),
    ("VP of Sales", "vice president", "sales", 5, True, 2),
    ("VP of Marketing", "vice president", "marketing", 5, True, 2),
    ("VP of Engineering", "vice president", "engineering", 4, True, 2),
    ("VP of Customer Success", "vice president", "customer success", 2, True, 3),
    ("VP of Product", "vice president", "product", 2, True, 3),
    ("VP of Operations", "vice president", "operations", 2, True, 3),
    ("VP of Finance", "vice president", "finance", 1, True, 4),
    ("VP of People", "vice president", "human resources", 1, True, 4),
    ("VP of Data", "vice president", "data", 1, True, 4),
    ("VP of Business Development", "vice president", "sales", 2, True, 2),
    ("VP of Revenue Operations", "vice president", "sales", 1, True, 3),
    ("Director of Sales", "director", "sales", 4, True, 1),
    ("Head of Sales", "director", "sales", 3, True, 1),
    ("Director of Marketing", "director", "marketing", 4, True, 1),
    ("Head of Marketing Operations", "director", "marketing", 2, True, 2),
    ("Head of Growth", "director", "marketing", 2, True, 1),
    ("Head of Demand Generation", "director", "marketing", 2, True, 2),
    ("Director of Engineering", "director", "engineering", 3, True, 2),
    ("Director of IT", "director", "it", 2, True, 2),
    ("Head of Data", "director", "data", 2, True, 2),
    ("Director of Product Management", "director", "product", 2, True, 2),
    ("Director of Customer Success", "director", "customer success", 2, True, 2),
    ("Director of Finance", "director", "finance", 1, True, 2),
    ("Director of Human Resources", "director", "human resources", 1, True, 3),
    ("Director of Operations", "director", "operations", 2, True, 2),
    ("Director of Revenue Operations", "director", "sales", 2, True, 3),
    ("Sales Manager", "manager", "sales", 5, False, 0),
    ("Marketing Manager", "manager", "marketing", 5, False, 0),
    ("Engineering Manager", "manager", "engineering", 3, False, 1),
    ("IT Manager", "manager", "it", 3, False, 1),
    ("Product Manager", "manager", "product", 3, False, 1),
    ("Operations Manager", "manager", "operations", 3, False, 0),
    ("Customer Success Manager", "manager", "customer success", 3, False, 1),
    ("Finance Manager", "manager", "finance", 2, False, 1),
    ("HR Manager", "manager", "human resources", 2, False, 1),
    ("Sales Development Manager", "manager", "sales", 2, True, 2),
    ("Marketing Operations Manager", "manager", "marketing", 2, False, 2),
    ("Partnerships Manager", "manager", "sales", 1, False, 1),
    ("Senior Account Executive", "senior non-managerial", "sales", 4, False, 1),
    ("Enterprise Account Executive", "senior non-managerial", "sales", 2, False, 3),
    ("Senior Software Engineer", "senior non-managerial", "engineering", 4, False, 0),
    ("Senior Data Scientist", "senior non-managerial", "data", 2, False, 2),
    ("Senior Marketing Specialist", "senior non-managerial", "marketing", 2, False, 1),
    ("Senior Financial Analyst", "senior non-managerial", "finance", 1, False, 2),
    ("Solutions Architect", "senior non-managerial", "engineering", 2, False, 2),
    ("Senior Product Designer", "senior non-managerial", "product", 1, False, 2),
    ("Account Executive", "non-managerial", "sales", 6, False, 0),
    ("Sales Development Representative", "non-managerial", "sales", 5, False, 1),
    ("Business Development Representative", "non-managerial", "sales", 4, False, 1),
    ("Software Engineer", "non-managerial", "engineering", 4, False, 0),
    ("Data Engineer", "non-managerial", "data", 3, False, 1),
    ("Data Analyst", "non-managerial", "data", 3, False, 1),
    ("Marketing Coordinator", "non-managerial", "marketing", 3, False, 0),
    ("Customer Success Associate", "non-managerial", "customer success", 2, False, 1),
    ("Recruiter", "non-managerial", "human resources", 2, False, 2),
    ("Accountant", "non-managerial", "finance", 2, False, 0),
    ("IT Support Specialist", "non-managerial", "it", 2, False, 1),
    ("Operations Analyst", "non-managerial", "operations", 2, False, 1),
    ("Content Marketing Specialist", "non-managerial", "marketing", 2, False, 0),
)
_INDUSTRY_ROLES: dict[str, tuple[_Role, ...]] = {
    "hospitals and health care": (
        ("Chief Medical Officer", "c-suite", "operations", 3, True, 2),
        ("Director of Nursing", "director", "operations", 3, True, 2),
        ("Registered Nurse", "non-managerial", "operations", 4, False, 0),
        ("Practice Manager", "manager", "operations", 3, False, 0),
    ),
    "truck transportation": (
        ("Fleet Manager", "manager", "operations", 4, False, 0),
        ("Dispatcher", "non-managerial", "operations", 4, False, 0),
        ("Logistics Coordinator", "non-managerial", "operations", 3, False, 0),
        ("Director of Logistics", "director", "operations", 3, True, 2),
    ),
    "manufacturing": (
        ("Plant Manager", "manager", "operations", 4, False, 1),
        ("Production Engineer", "non-managerial", "engineering", 3, False, 0),
        ("Quality Assurance Manager", "manager", "operations", 3, False, 1),
        ("Director of Supply Chain", "director", "operations", 2, True, 2),
    ),
    "biotechnology research": (
        ("Head of R&D", "director", "engineering", 3, True, 1),
        ("Research Scientist", "non-managerial", "engineering", 4, False, 0),
        ("Senior Scientist", "senior non-managerial", "engineering", 3, False, 0),
    ),
    "retail": (
        ("Store Manager", "manager", "operations", 4, False, 0),
        ("E-commerce Manager", "manager", "marketing", 3, False, 1),
        ("Merchandising Director", "director", "operations", 2, True, 2),
    ),
    "insurance": (
        ("Underwriter", "non-managerial", "finance", 3, False, 0),
        ("Claims Manager", "manager", "operations", 3, False, 1),
        ("Actuary", "senior non-managerial", "finance", 2, False, 1),
    ),
    "financial services": (
        ("Portfolio Manager", "senior non-managerial", "finance", 3, False, 0),
        ("Compliance Officer", "senior non-managerial", "operations", 2, False, 1),
        ("Head of Partnerships", "director", "sales", 2, True, 2),
    ),
}

_SKILLS: dict[str, tuple[str, ...]] = {
    "sales": (
        "Salesforce",
        "Negotiation",
        "Pipeline Management",
        "B2B Sales",
        "Account Management",
        "Forecasting",
        "Cold Calling",
        "SaaS Sales",
        "Solution Selling",
        "MEDDIC",
    ),
    "marketing": (
        "Demand Generation",
        "SEO",
        "Content Marketing",
        "Marketing Automation",
        "HubSpot",
        "Google Ads",
        "Brand Strategy",
        "Account-Based Marketing",
        "Copywriting",
        "Marketing Analytics",
    ),
    "engineering": (
        "Python",
        "Java",
        "TypeScript",
        "Kubernetes",
        "AWS",
        "System Design",
        "Go",
        "React",
        "CI/CD",
        "PostgreSQL",
    ),
    "data": (
        "SQL",
        "Python",
        "dbt",
        "Snowflake",
        "Machine Learning",
        "Tableau",
        "Airflow",
        "Statistics",
        "Spark",
        "Data Modeling",
    ),
    "c-suite": (
        "Leadership",
        "Strategy",
        "Fundraising",
        "P&L Management",
        "Board Relations",
        "M&A",
        "Go-to-Market Strategy",
        "Team Building",
    ),
    "operations": (
        "Process Improvement",
        "Supply Chain",
        "Lean Six Sigma",
        "Project Management",
        "Vendor Management",
        "Logistics",
        "Budgeting",
    ),
    "finance": (
        "Financial Modeling",
        "FP&A",
        "Budgeting",
        "IFRS",
        "US GAAP",
        "NetSuite",
        "Excel",
        "Treasury",
    ),
    "it": (
        "ITIL",
        "Microsoft 365",
        "Network Security",
        "Active Directory",
        "Okta",
        "Endpoint Management",
        "Cloud Infrastructure",
    ),
    "customer success": (
        "Customer Retention",
        "Onboarding",
        "Gainsight",
        "Account Management",
        "Renewals",
        "Customer Experience",
        "Zendesk",
    ),
    "product": (
        "Product Strategy",
        "Roadmapping",
        "User Research",
        "Agile",
        "Jira",
        "A/B Testing",
        "Product Analytics",
    ),
    "human resources": (
        "Recruiting",
        "Talent Acquisition",
        "Employee Relations",
        "Workday",
        "Compensation",
        "HR Policies",
        "Onboarding",
    ),
}


#: job level rank -> (min, max) total experience in months
_EXPERIENCE_MONTHS = ((120, 420), (120, 400), (120, 360), (96, 300), (60, 240), (48, 180), (6, 96))


@functools.cache
def _role_table(industry: str, size_index: int) -> _Table[_Role]:
    roles = (*_ROLES, *_INDUSTRY_ROLES.get(industry, ()))
    return _Table([(r, r[3]) for r in roles if r[5] <= size_index])


def _roles(rng: random.Random, company: Company, count: int) -> list[_Role]:
    size_index = EMPLOYEE_RANGES.index(company.employees_range)
    young = REFERENCE_YEAR - company.founded_year < 12
    owner_weight = 2 if company.industry == "software development" else 12
    if size_index <= 1:
        top_options: list[tuple[_Role, float]] = [
            (("Founder & CEO", "founder", "c-suite", 0, True, 0), 45),
            (("Co-Founder", "founder", "c-suite", 0, True, 0), 15),
            (("Owner", "owner", "c-suite", 0, True, 0), owner_weight),
            (("Managing Director", "c-suite", "c-suite", 0, True, 0), 12),
            (("Chief Executive Officer", "c-suite", "c-suite", 0, True, 0), 15),
        ]
        if company.industry in ("it services and it consulting", "marketing services", "financial services"):
            top_options.append((("Managing Partner", "partner", "c-suite", 0, True, 0), 15))
    else:
        top_options = [
            (("Chief Executive Officer", "c-suite", "c-suite", 0, True, 0), 65),
            (("President & CEO", "c-suite", "c-suite", 0, True, 0), 12),
            (("Founder & CEO", "founder", "c-suite", 0, True, 0), 25 if young else 3),
        ]
    chosen: list[_Role] = [_Table(top_options).pick(rng)]
    catalogue = _role_table(company.industry, size_index)
    used: set[str] = set()
    while len(chosen) < count:
        role = catalogue.pick(rng)
        if role[4] and role[0] in used:
            continue
        used.add(role[0])
        chosen.append(role)
    order = sorted(range(len(chosen)), key=lambda k: (_LEVEL_RANK[chosen[k][1]], k))
    return [chosen[k] for k in order]
