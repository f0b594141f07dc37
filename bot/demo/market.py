"""The embedded demo: a small, realistic market for invoicing software.

Our site is ledgerly.io. Four active competitors and one inactive one. The links cover the
cases a real gap analysis meets: `www.` and subdomains, a `.co.uk` registrable domain, an IDN
written in Unicode by one tool and in punycode by another, blogspot's private suffix, sites
that already link to us (one only through a subdomain, one only in another tool's export),
and our own site linking out.

The referring pages read like a real market: resource pages, roundups, a guest post, news
coverage of a competitor's survey, a forum thread, directories, a broken link to a dead
competitor page (from an Ahrefs broken-backlinks export), and the noise a real export carries:
a coupon site, link-selling spam, a scraped copy, a feed reader, a member profile, a CDN host,
a free web directory, a blogroll repeated on every page of one blog, and a competitor's
affiliate the team blocks in `Rules` (while an `allow` rule keeps a trade guild's deals page).
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

# Added to BILLHIVE: realistic prospects and the noise a real export carries.
BILLHIVE_MORE = (
    Link(
        "https://softwareroundup.io/best-free-invoice-templates",
        "15 best free invoice templates for 2026",
        "BillHive invoice template",
        "https://billhive.com/invoice-template",
        55,
        page_type="Article > Listicle",
        external_links=41,
    ),
    Link(
        "https://www.g2.com/products/billhive/reviews",
        "BillHive Reviews 2026: Details, Pricing, & Features | G2",
        "Visit website",
        "https://billhive.com/",
        91,
        nofollow=True,
        page_type="Listing > Product",
    ),
    Link(
        "https://seo-links-hub.xyz/seo-backlinks-bulk-link-posting-12",
        "SEO BACKLINKS, BULK LINK POSTING – TG @linkseller",
        "invoice software",
        "https://billhive.com/",
        3,
        external_links=3900,
    ),
    Link(
        "https://invoicetips-copy.net/how-to-write-an-invoice",
        "How to write an invoice: a UK freelancer's guide",
        "Continue to original source",
        "https://billhive.com/invoice-template",
        6,
    ),
    Link(
        "https://theoldreader.com/profile/5a1b2c3d4e",
        "The Old Reader",
        "BillHive blog",
        "https://billhive.com/blog/invoicing-tips",
        70,
        external_links=410,
    ),
    Link(
        "https://community.designhub.io/members/janeinvoices",
        "janeinvoices - Member profile - DesignHub",
        "my invoicing tool",
        "https://billhive.com/",
        40,
        ugc=True,
    ),
    Link(
        "https://d3k81ch9hvuctc.cloudfront.net/invoices/free-template.html",
        "Free invoice template",
        "BillHive",
        "https://billhive.com/invoice-template",
        0,
    ),
    Link(
        "https://www.best-web-links-directory.com/business/finance",
        "Free Web Directory - Finance - Submit your site",
        "BillHive invoicing",
        "https://billhive.com/",
        8,
        external_links=500,
    ),
    Link(
        "https://www.rival-affiliates.com/billhive-review",
        "BillHive review: is it worth it? (affiliate)",
        "Try BillHive free",
        "https://billhive.com/pricing",
        24,
    ),
    Link(
        "https://deals.freelancersguild.org/member-perks",
        "Member perks & deals for guild members",
        "BillHive (20% off for members)",
        "https://billhive.com/pricing",
        46,
    ),
    *(
        Link(
            f"https://invoicehacks.net/{year}/{month:02d}/post-{n}",
            f"Invoice hack #{n}",
            "BillHive",
            "https://billhive.com/",
            22,
            sitewide=True,
        )
        for n, (year, month) in enumerate(((y, m) for y in (2023, 2024, 2025) for m in range(1, 13)), start=1)
        if n <= 30
    ),
)

PAYPILOT_MORE = (
    Link(
        "https://www.freelancefinance.blog/guest-posts/chasing-late-payments",
        "Guest post: chasing late payments without losing clients",
        "late payment guide",
        "https://paypilot.co.uk/guides/late-payments",
        38,
        author="Guest contributor",
    ),
    Link(
        "https://library.kent-uni.ac.uk/business/resources/freelancing",
        "Freelancing: useful resources | Library",
        "PayPilot late payment guide",
        "https://paypilot.co.uk/guides/late-payments",
        72,
        page_type="Resource list",
        external_links=58,
    ),
    Link(
        "https://www.smallbusinessnews.co.uk/news/late-payment-survey-2025",
        "Late payment survey: one in three invoices paid late",
        "PayPilot's late payment survey",
        "https://paypilot.co.uk/research/late-payments-2025",
        63,
        page_type="Article > News",
    ),
    Link(
        "https://www.reddit.com/r/freelance/comments/1abc23/best_invoicing_app_for_uk/",
        "Best invoicing app for UK freelancers? : r/freelance",
        "PayPilot",
        "https://paypilot.co.uk/",
        91,
        ugc=True,
        nofollow=True,
        page_type="User content > Forum",
    ),
    Link(
        "https://softwareroundup.io/best-free-invoice-templates",
        "15 best free invoice templates for 2026",
        "PayPilot",
        "https://paypilot.co.uk/",
        55,
        page_type="Article > Listicle",
        external_links=41,
    ),
)

TALLYBOOK_MORE = (
    Link(
        "https://www.startupfinance101.com/what-is-net-30",
        "What is Net 30? Payment terms explained",
        "net 30 definition",
        "https://tallybook.io/glossary/net-30",
        41,
    ),
)

FREELANCERBANK_MORE = (
    Link(
        "https://www.accountingcoach-uk.com/vat/resources",
        "VAT resources for sole traders",
        "FreelancerBank VAT calculator",
        "https://freelancerbank.com/vat-calculator",
        50,
        external_links=35,
    ),
)

# An old Ahrefs "Broken backlinks" export of billhive.com: pages still linking to dead pages.
BILLHIVE_BROKEN = (
    (
        "1", "48", "21", "30", "https://www.bizfinanceblog.com/2024/05/getting-paid-faster",
        "Getting paid faster: lessons from 200 invoices", "35", "14",
        "https://billhive.com/tools/late-fee-calculator", "work out what to charge with",
        "BillHive's late-fee calculator", "before you send a reminder", "Dofollow", "404",
        "2026-10-02 08:14:11", "2026-11-15 10:22:40", "310", "42", "12",
    ),
    (
        "2", "33", "12", "9", "https://old-resources-page.org/links", "Useful links", "20", "88",
        "https://billhive.com/invoice-checklist-2019", "", "invoice checklist", "", "Dofollow", "404",
        "2026-09-12 11:02:09", "2026-11-12 06:41:55", "12", "3", "80",
    ),
)  # fmt: skip

RULES = (
    # Match, Pattern, Effect, Link type, Note
    ("domain", "rival-affiliates.com", "block", "", "Affiliate site of a competitor"),
    ("domain", "freelancersguild.org", "allow", "", "Our trade guild: a real partner, not a coupon site"),
    ("URL contains", "/guest-posts/", "classify", "Guest contribution", "Their guest-post section"),
)

SERP = (
    # Keyword, Position, URL
    ("invoice template", "1", "https://billhive.com/invoice-template"),
    ("invoice template", "2", "https://www.invoicesimple.com/invoice-template"),
    ("invoice template", "3", "https://ledgerly.io/invoice-template"),
    ("invoice template", "4", "https://www.wikihow.com/Make-an-Invoice"),
    ("free invoice", "1", "https://www.invoicesimple.com/"),
    ("free invoice", "2", "https://billhive.com/"),
    ("free invoice", "5", "https://www.reddit.com/r/smallbusiness/comments/x1/free_invoice/"),
    ("late payment interest", "1", "https://www.gov.uk/late-commercial-payments-interest-debt-recovery"),
    ("late payment interest", "2", "https://paypilot.co.uk/guides/late-payments"),
    ("late payment interest", "4", "https://www.invoicesimple.com/blog/late-fees"),
    ("vat calculator", "1", "https://www.gov.uk/vat-rates"),
    ("vat calculator", "2", "https://freelancerbank.com/vat-calculator"),
    ("vat calculator", "3", "https://www.reddit.com/r/UKPersonalFinance/comments/x2/vat/"),
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
