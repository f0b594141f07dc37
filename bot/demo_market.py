"""The embedded demo: a small, realistic market for invoicing software.

Our site is ledgerly.io. Four active competitors and one inactive one. The links cover the
cases a real gap analysis meets: `www.` and subdomains, a `.co.uk` registrable domain, an IDN
written in Unicode by one tool and in punycode by another, blogspot's private suffix, sites
that already link to us (one only through a subdomain, one only in another tool's export),
and our own site linking out.
"""

from __future__ import annotations

from .export_writers import Link

OUR_DOMAIN = "ledgerly.io"

COMPETITORS = (
    # Domain, Group, Topic, Active, Notes
    ("billhive.com", "Direct SERP competitor", "invoicing", "Yes", "Ranks top 3 for 'invoice template'"),
    ("paypilot.co.uk", "Direct SERP competitor", "late payments", "Yes", "UK competitor"),
    ("www.tallybook.io", "Direct SERP competitor", "invoicing", "Yes", ""),
    ("freelancerbank.com", "Aspirational peer", "tax", "Yes", "Bigger brand, similar audience"),
    ("oldrival.net", "Direct SERP competitor", "invoicing", "No", "Shut down in 2025"),
)

TARGETS = (
    # Target URL, Topic, Keywords, Asset type, Active
    ("https://ledgerly.io/invoice-template", "invoicing", "invoice template, free invoice", "Template", "Yes"),
    (
        "https://ledgerly.io/guides/late-payment-interest",
        "late payments",
        "late payment, interest",
        "Guide / tutorial",
        "Yes",
    ),
    ("https://ledgerly.io/tools/vat-calculator", "tax", "vat calculator, vat", "Tool / calculator", "Yes"),
    ("https://ledgerly.io/", "invoicing", "invoicing software", "Homepage", "Yes"),
)

BILLHIVE = (
    Link(
        "https://www.smallbizhub.org/resources/invoicing-tools",
        "Invoicing tools for small business | Resources",
        "BillHive invoice template",
        "https://billhive.com/invoice-template",
        58,
        page_type="Resource list",
        external_links=64,
    ),
    Link(
        "https://freelancejournal.com/best-invoicing-software-2026",
        "12 best invoicing software for freelancers (2026)",
        "BillHive",
        "https://www.billhive.com/",
        61,
        page_type="Article > Listicle",
        author="Maya Ortiz",
    ),
    Link(
        "https://uxdesignweekly.com/guest-post-invoicing-tips",
        "Guest post: 5 invoicing tips for designers",
        "invoicing tips",
        "https://billhive.com/blog/invoicing-tips",
        44,
        author="Guest author",
    ),
    Link(
        "https://otherguy.blogspot.com/2025/02/my-invoicing-stack.html",
        "My invoicing stack",
        "billhive",
        "https://billhive.com/",
        12,
        platform="blogger",
    ),
    Link(
        "https://www.cheapcoupons-deals.com/billhive-promo-code",
        "BillHive promo codes & coupons - 40% off",
        "BillHive coupon",
        "https://billhive.com/pricing",
        9,
        sponsored=True,
        external_links=240,
    ),
    Link(
        "https://thefreelancer.co.uk/invoice-guide",
        "How to write an invoice: a UK freelancer's guide",
        "free invoice template",
        "https://billhive.com/invoice-template",
        47,
    ),
    Link("https://www.smallbusiness-answers.com/tools", "Tools we recommend", "BillHive", "https://billhive.com/", 39),
    Link(
        "https://old-resources-page.org/links",
        "Useful links",
        "invoice checklist",
        "https://billhive.com/invoice-checklist-2019",
        33,
        external_links=88,
    ),
    Link(
        "https://www.münzkasse.com/freelance-resources",
        "Freelance resources",
        "BillHive templates",
        "https://billhive.com/invoice-template",
        27,
    ),
    Link("https://ledgerly.io/blog/alternatives", "BillHive alternatives", "BillHive", "https://billhive.com/", 30),
)

PAYPILOT = (
    Link(
        "https://smallbizhub.org/resources/invoicing-tools",
        "Invoicing tools for small business | Resources",
        "PayPilot",
        "https://paypilot.co.uk/",
        58,
        page_type="Resource list",
        external_links=64,
    ),
    Link(
        "https://freelancejournal.com/best-invoicing-software-2026",
        "12 best invoicing software for freelancers (2026)",
        "PayPilot",
        "https://paypilot.co.uk/",
        61,
        page_type="Article > Listicle",
    ),
    Link(
        "https://news.craftaccounting.co.uk/late-payments-study",
        "Late payments cost UK freelancers £2.1bn, study finds",
        "PayPilot research",
        "https://www.paypilot.co.uk/research/late-payments-2025",
        52,
        page_type="Article > News",
    ),
    Link(
        "https://janedoe.blogspot.com/2025/01/how-i-invoice.html",
        "How I invoice clients",
        "PayPilot",
        "https://paypilot.co.uk/",
        11,
        platform="blogger",
    ),
    Link(
        "https://financeweekly.co.uk/research-late-payments",
        "Research: the state of late payments",
        "data from PayPilot",
        "https://paypilot.co.uk/research/late-payments-2025",
        66,
        page_type="Article > News",
    ),
    Link(
        "https://medium.com/@janedoe/invoicing-lessons-3f9a",
        "Invoicing lessons from 10 years of freelancing",
        "PayPilot",
        "https://paypilot.co.uk/",
        95,
        platform="medium",
        ugc=True,
    ),
)

TALLYBOOK = (
    Link(
        "https://freelancejournal.com/best-invoicing-software-2026",
        "12 best invoicing software for freelancers (2026)",
        "Tallybook",
        "https://tallybook.io/",
        61,
        page_type="Article > Listicle",
    ),
    Link("https://www.craftaccounting.co.uk/links", "Links for freelancers", "Tallybook", "https://tallybook.io/", 52),
    Link(
        "https://forum.freelancers-unite.net/t/which-invoicing-app/1234",
        "Which invoicing app do you use? - Freelancers Unite",
        "tallybook.io",
        "https://tallybook.io/",
        35,
        ugc=True,
        page_type="Forum thread",
    ),
    Link(
        "https://www.startupgrants-directory.com/listing/tallybook",
        "Tallybook - Startup Directory listing",
        "Visit website",
        "https://tallybook.io/?utm_source=directory",
        21,
        page_type="Directory listing",
    ),
    Link(
        "https://www.designerdaily.com/resources", "Resources for designers", "Tallybook", "https://tallybook.io/", 49
    ),
    Link(
        "https://financeweekly.co.uk/research-late-payments",
        "Research: the state of late payments",
        "Tallybook's survey",
        "https://tallybook.io/late-payment-data",
        66,
        page_type="Article > News",
    ),
)

FREELANCERBANK = (
    Link(
        "https://accountants-association.org/partners",
        "Our partners",
        "FreelancerBank",
        "https://freelancerbank.com/",
        71,
        page_type="Partners",
    ),
    Link(
        "https://www.taxtipsforcreatives.com/vat-guide",
        "VAT for creatives: the complete guide",
        "VAT calculator",
        "https://freelancerbank.com/vat-calculator",
        43,
    ),
    Link(
        "https://xn--mnzkasse-65a.com/freelance-resources",
        "Freelance resources",
        "FreelancerBank",
        "https://freelancerbank.com/",
        27,
    ),
)

OLDRIVAL = (Link("https://oldrival-only.com/page", "Old review", "OldRival", "https://oldrival.net/", 20),)

# Who already links to us: one site only through a subdomain of ours, one only in this export.
OURS_AHREFS = (
    Link(
        "https://www.smallbusiness-answers.com/tools",
        "Tools we recommend",
        "Ledgerly",
        "https://blog.ledgerly.io/why-we-built-ledgerly",
        39,
    ),
)
OURS_SEMRUSH = (
    Link("https://designerdaily.com/resources", "Resources for designers", "Ledgerly", "https://ledgerly.io/", 49),
)
