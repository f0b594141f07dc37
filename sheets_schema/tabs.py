"""Every tab gapbot reads or writes, declared once.

Stores build headers, dropdowns, formats and protection from these declarations, and the
analysis finds columns through them; nothing else spells a column name.
"""

from __future__ import annotations

from .columns import ColourRule, Column, ColumnType, Owner, RowColour, TabSchema
from .settings_keys import SETTING_KEYS
from .vocabularies import (
    ASSET_TYPES,
    COMPETITOR_GROUPS,
    CORRECT_TYPES,
    HEALTH_VERDICTS,
    LINK_TYPES,
    NEXT_ACTIONS,
    NOISE_REASONS,
    OUTCOMES,
    PAGE_READINGS,
    PROSPECT_STATUSES,
    RULE_EFFECTS,
    RULE_MATCHES,
    YES_NO,
)

T, B = Owner.TEAM, Owner.BOT
TEXT, URL, INT, NUM, PCT, DATE, DT, CHOICE = (
    ColumnType.TEXT,
    ColumnType.URL,
    ColumnType.INTEGER,
    ColumnType.NUMBER,
    ColumnType.PERCENT,
    ColumnType.DATE,
    ColumnType.DATETIME,
    ColumnType.CHOICE,
)

RAW_TAB_PREFIX = "Raw:"
# Excel forbids ":" in sheet names, so a local workbook uses "Raw - …" instead.
RAW_TAB_PREFIXES = ("raw:", "raw -", "raw –", "raw_")
STATE_TAB = "_gapbot_state"

# --- inputs the team owns -------------------------------------------------------------------

SETTINGS = TabSchema(
    name="Settings",
    purpose="How gapbot runs for this team.",
    team_input=True,
    key="Setting",
    columns=(
        Column("Setting", "The setting's name, as listed by `gapbot init`.", T, width=220),
        Column("Value", "Its value; blank takes the default.", T, width=220),
        Column("Notes", "Free text.", T, width=360),
    ),
    example_rows=tuple((k.name, k.example, k.note) for k in SETTING_KEYS),
)

COMPETITORS = TabSchema(
    name="Competitors",
    purpose="Search competitors whose backlinks we compare with ours.",
    team_input=True,
    key="Domain",
    columns=(
        Column("Domain", "Competitor's site, e.g. rival.com.", T, width=200),
        Column("Group", "Direct SERP competitor or aspirational peer.", T, CHOICE, 200, COMPETITOR_GROUPS),
        Column("Topic", "Topic this competitor competes on (blank: all).", T, width=160),
        Column("Active", "No leaves it out of the analysis.", T, CHOICE, 80, YES_NO),
        Column("Notes", "Free text.", T, width=300),
    ),
)

TARGETS = TabSchema(
    name="Targets",
    purpose="Our pages we want links to.",
    team_input=True,
    key="Target URL",
    columns=(
        Column("Target URL", "Our page to pitch.", T, URL, 320),
        Column("Topic", "Its topic.", T, width=160),
        Column("Keywords", "Comma-separated keywords it targets.", T, width=260),
        Column("Asset type", "What kind of asset the page is.", T, CHOICE, 160, ASSET_TYPES),
        Column("Active", "No leaves it out.", T, CHOICE, 80, YES_NO),
    ),
)

RULES = TabSchema(
    name="Rules",
    purpose="The team's own block/allow/classify rules; allow wins over every noise rule.",
    team_input=True,
    columns=(
        Column("Match", "What the pattern is matched against.", T, CHOICE, 140, RULE_MATCHES),
        Column("Pattern", "Domain, suffix, text or regular expression.", T, width=260),
        Column("Effect", "block, allow or classify.", T, CHOICE, 100, RULE_EFFECTS),
        Column("Link type", "With classify: the link type to give.", T, CHOICE, 180, LINK_TYPES),
        Column("Note", "Why this rule exists.", T, width=300),
    ),
)

SERP = TabSchema(
    name="SERP",
    purpose="Optional: ranking URLs for our keywords, used to suggest competitors.",
    team_input=True,
    columns=(
        Column("Keyword", "The search query.", T, width=240),
        Column("Position", "Rank in the results.", T, INT, 80),
        Column("URL", "The ranking URL.", T, URL, 360),
    ),
)

# --- outputs gapbot owns ----------------------------------------------------------------------

TEAM_WORK_COLUMNS = (
    Column(
        "Next action", "Your decision for this prospect (starts as the suggested action).", T, CHOICE, 190, NEXT_ACTIONS
    ),
    Column("Outcome", "Where outreach stands; blank means not started.", T, CHOICE, 150, OUTCOMES),
    Column("Owner", "Who works this prospect.", T, width=110),
    Column("Contacted on", "Date of first contact.", T, DATE, 110),
    Column("Notes", "Free text; a won link URL pasted here is verified.", T, width=260),
    Column("Won link URL", "The page that now links to us; gapbot verifies the link is live.", T, URL, 280),
)

PROSPECTS = TabSchema(
    name="Prospects",
    purpose="One row per referring domain (or linking page) that links to competitors but not to us.",
    key="Domain",
    columns=(
        Column("Domain", "The prospect: registrable domain (or linking page in page-level review).", B, width=200),
        Column("Priority", "0-100: relevance, feasibility and value combined with the Settings weights.", B, NUM, 75),
        # The team's columns come next, so a new sheet shows a person's work beside the prospect
        # (an existing sheet keeps its own order: columns are found by header).
        *TEAM_WORK_COLUMNS,
        Column(
            "Correct type",
            "Your correction of Link type (or Noise); gapbot follows it at once and learns from it.",
            T,
            CHOICE,
            170,
            CORRECT_TYPES,
        ),
        Column("Link type", "What kind of link the competitors got here.", B, CHOICE, 150, LINK_TYPES),
        Column("Why", "What drove the priority, in one line.", B, width=320, wrap=True),
        Column("Competitors linked", "Which active competitors it links to.", B, width=220),
        Column("Overlap", "How many active competitors it links to.", B, INT, 75),
        Column("Best linking page", "The strongest page of this domain linking to a competitor.", B, URL, 320),
        Column("Page title", "Title of that page.", B, width=240),
        Column("Anchor", "Anchor text of that link.", B, width=180),
        Column("Competitor page", "The competitor page it links to.", B, URL, 280),
        Column("Follow", "Whether the best link is followed.", B, width=70),
        Column("Authority", "0-100 authority, comparable across tools.", B, NUM, 85),
        Column("Relevance", "0-100 topic, audience and market fit.", B, NUM, 85),
        Column("Feasibility", "0-100 how likely a link is.", B, NUM, 85),
        Column(
            "Base feasibility",
            "Feasibility before the conversion rates learned from your outcomes (see Model).",
            B,
            NUM,
            85,
        ),
        Column("Value", "0-100 how much the link is worth.", B, NUM, 75),
        Column(
            "Win chance",
            "Chance one pitch wins the link, learned from the team's outcomes (see Model); Priority follows it.",
            B,
            PCT,
            85,
        ),
        Column("Suggested action", "gapbot's suggestion for Next action.", B, CHOICE, 190, NEXT_ACTIONS),
        Column("Batch", "Outreach batch this prospect belongs to.", B, width=200),
        Column("Status", "New this run, Active, or Gone from the exports.", B, CHOICE, 80, PROSPECT_STATUSES),
        Column("First seen", "When gapbot first listed it.", B, DATE, 100),
        Column("Last seen", "When an export last showed it.", B, DATE, 100),
        Column("Topic", "Topic(s) of the competitors it links to.", B, width=140),
        Column("Target page", "Our page to pitch here.", B, URL, 280),
        Column(
            "Competitor asset",
            "What kind of asset won the competitor its link, and how many gap domains it won.",
            B,
            width=240,
        ),
        Column("Type evidence", "What the link type is based on.", B, width=280),
        Column("Type confidence", "How sure gapbot is of the link type.", B, PCT, 90),
        Column("Link verified", "For won links: whether the link to us is live (see Won links).", B, width=220),
    ),
    colour_rules=(
        ColourRule("Priority", "at_least", 70, "B7E1CD"),
        ColourRule("Priority", "at_least", 40, "FCE8B2"),
        ColourRule("Outcome", "equals", "Published / linked", "57BB8A"),
        ColourRule("Outcome", "equals", "Interested", "B7E1CD"),
        ColourRule("Outcome", "equals", "Replied", "C9DAF8"),
        ColourRule("Outcome", "equals", "Sent", "FFF2CC"),
        ColourRule("Outcome", "equals", "Needs asset first", "F9CB9C"),
        ColourRule("Outcome", "equals", "No fit", "D9D9D9"),
    ),
    row_colours=(RowColour("Status", "Gone", "EFEFEF", "999999"),),
    freeze_key=True,
    header_filter=True,
)

LINKS = TabSchema(
    name="Links",
    purpose="The cleaned page-level evidence behind each prospect.",
    columns=(
        Column("Domain", "Prospect key this link belongs to.", B, width=200),
        Column("Linking page", "Page that links to a competitor.", B, URL, 340),
        Column("Page title", "Its title.", B, width=240),
        Column("Anchor", "Anchor text.", B, width=180),
        Column("Competitor", "Competitor linked.", B, width=160),
        Column("Competitor page", "Page linked.", B, URL, 300),
        Column("Follow", "Followed link?", B, width=70),
        Column("Authority", "0-100 authority.", B, NUM, 85),
        Column("Sources", "Exports that report this link.", B, width=240),
        Column("First seen", "First seen by the tools.", B, DATE, 100),
        Column("Last seen", "Last seen by the tools.", B, DATE, 100),
        Column("Link type", "What kind of link this is.", B, CHOICE, 150, LINK_TYPES),
        Column("Topic", "Topic of the competitor linked.", B, width=140),
    ),
)

NOISE = TabSchema(
    name="Noise",
    purpose="Links removed as noise, with the reason; add an allow rule to bring one back.",
    columns=(
        Column("Domain", "Referring domain.", B, width=200),
        Column("Reason", "Why it was removed.", B, CHOICE, 170, NOISE_REASONS),
        Column("Evidence", "What showed it.", B, width=320),
        Column("Linking page", "An example page.", B, URL, 340),
        Column("Competitors linked", "Competitors it links to.", B, width=200),
        Column("Links", "How many links were removed.", B, INT, 70),
        Column("Topic", "Topic of the competitors linked.", B, width=140),
    ),
)

ASSET_GAPS = TabSchema(
    name="Asset gaps",
    purpose="Competitor assets that win links and that none of our targets matches: the fix is content.",
    columns=(
        Column("Competitor page", "The asset that earns links.", B, URL, 320),
        Column("Competitor", "Whose it is.", B, width=160),
        Column("Asset type", "What kind of asset it is.", B, CHOICE, 160, ASSET_TYPES),
        Column("Gap domains", "Gap domains linking to it.", B, INT, 90),
        Column("Examples", "Some of those domains.", B, width=320),
        Column("Evidence", "Why we think it is that asset type.", B, width=300),
        Column("Topic", "The competitor's topic.", B, width=140),
    ),
)

BATCHES = TabSchema(
    name="Batches",
    purpose="Outreach batches: prospects grouped by link type, pitch angle and target page.",
    key="Batch",
    columns=(
        Column("Batch", "Batch name (referred to from Prospects).", B, width=220),
        Column("Link type", "Link type of its prospects.", B, CHOICE, 150, LINK_TYPES),
        Column("Pitch angle", "What to pitch.", B, width=220),
        Column("Target page", "Our page to pitch.", B, URL, 300),
        Column("Prospects", "How many prospects.", B, INT, 85),
        Column("Domains", "The prospects.", B, width=360),
    ),
)

TARGET_HEALTH = TabSchema(
    name="Target health",
    purpose="Our target pages must be healthy before we pitch them.",
    key="Target URL",
    columns=(
        Column("Target URL", "Our page.", B, URL, 300),
        Column("Verdict", "OK, Check or Fix first.", B, CHOICE, 90, HEALTH_VERDICTS),
        Column("Reasons", "What is wrong.", B, width=300),
        Column("Status", "HTTP status of the final response.", B, INT, 70),
        Column("Final URL", "Where redirects end.", B, URL, 300),
        Column("Redirect hops", "Number of redirects.", B, INT, 80),
        Column("Canonical", "Canonical URL (tag or Link header).", B, URL, 300),
        Column("Self-canonical", "Canonical points at the page itself.", B, width=90),
        Column("Indexable", "No noindex and not blocked by robots.txt.", B, width=90),
        Column("Response ms", "Response time.", B, INT, 90),
        Column("Title", "Page title.", B, width=240),
        Column("Checked at", "When checked.", B, DT, 140),
    ),
    colour_rules=(
        ColourRule("Verdict", "equals", "OK", "B7E1CD"),
        ColourRule("Verdict", "equals", "Check", "FCE8B2"),
        ColourRule("Verdict", "equals", "Fix first", "F4C7C3"),
    ),
)

COMPETITOR_PAGES = TabSchema(
    name="Competitor pages",
    purpose="Competitor pages that gap domains link to, checked for dead ones (broken link replacement).",
    key="Competitor page",
    columns=(
        Column("Competitor page", "A competitor page that gap domains link to.", B, URL, 320),
        Column("Dead", "Yes: 404/410 or redirected to the homepage; blank: not checked yet.", B, CHOICE, 70, YES_NO),
        Column("Dead because", "What showed it is dead, or why it could not be checked.", B, width=260),
        Column("Status", "HTTP status of the final response.", B, INT, 70),
        Column("Final URL", "Where redirects end.", B, URL, 300),
        Column("Gap domains", "Gap domains linking to it.", B, INT, 90),
        Column("Checked at", "When checked.", B, DT, 140),
    ),
    colour_rules=(ColourRule("Dead", "equals", "Yes", "F4C7C3"),),
)

WON_LINKS = TabSchema(
    name="Won links",
    purpose="Links the team won (Outcome Published / linked), verified live on the linking page.",
    key="Domain",
    columns=(
        Column("Domain", "The prospect (as in Prospects).", B, width=200),
        Column("Result", "Verified, Missing, Lost (missing twice in a row) or Could not check.", B, width=120),
        Column("Linking page", "The page checked.", B, URL, 320),
        Column("Link to", "Our URL it links to.", B, URL, 300),
        Column("Anchor", "Anchor text of the link.", B, width=180),
        Column("Rel", "followed, or nofollow / ugc / sponsored.", B, width=120),
        Column("Page status", "HTTP status of the linking page.", B, INT, 85),
        Column("Indexable", "The linking page can be indexed (no noindex, not blocked by robots.txt).", B, width=90),
        Column("Missing checks", "Consecutive checks that did not find the link.", B, INT, 95),
        Column("Detail", "What was seen.", B, width=300),
        Column("Checked at", "When checked.", B, DT, 140),
    ),
    colour_rules=(
        ColourRule("Result", "equals", "Verified", "B7E1CD"),
        ColourRule("Result", "equals", "Missing", "FCE8B2"),
        ColourRule("Result", "equals", "Lost", "F4C7C3"),
    ),
)

PAGE_CONTEXT = TabSchema(
    name="Page context",
    purpose="What the top prospects' linking pages look like: link type evidence and upkeep.",
    key="Domain",
    columns=(
        Column("Domain", "The prospect (as in Prospects).", B, width=200),
        Column("Linking page", "The page read.", B, URL, 320),
        Column(
            "Result",
            "Read; Not readable (the page answered 4xx, is not HTML or robots.txt keeps gapbot out); or Could not "
            "check (no network, DNS, timeout, 5xx: unknown, tried again next run, the last reading kept).",
            B,
            CHOICE,
            120,
            PAGE_READINGS,
        ),
        Column("Detail", "Why the page was not read, and when it could not be checked.", B, width=280),
        Column("Status", "HTTP status of the page.", B, INT, 70),
        Column("Link type signal", "The link type the page's structure points to.", B, CHOICE, 160, LINK_TYPES),
        Column("Signals", "What was seen on the page.", B, width=360),
        Column("Outbound links", "Links to other sites.", B, INT, 90),
        Column("Outbound domains", "Distinct sites linked.", B, INT, 95),
        Column("Last updated", "Latest date the page shows.", B, DATE, 100),
        Column("Maintained", "Yes when that date is within two years.", B, CHOICE, 90, YES_NO),
        Column("Checked at", "When the page last answered; the other cells are from then.", B, DT, 140),
    ),
)

IMPORTS = TabSchema(
    name="Imports",
    purpose="What each export gave: format detected, rows read, rows skipped and why.",
    columns=(
        Column("Export", "Tab or file name.", B, width=300),
        Column("Tool", "Tool that wrote it.", B, width=100),
        Column("Report", "Kind of report.", B, width=160),
        Column("Site", "Site the export describes.", B, width=160),
        Column("Rows read", "Rows turned into links.", B, INT, 85),
        Column("Rows skipped", "Rows left out.", B, INT, 85),
        Column("Skipped because", "Reasons with counts.", B, width=320),
        Column("Problem", "What stopped the export from being read, and what to do.", B, width=360),
        Column("Notes", "How it was read: encoding, skipped preamble lines, duplicate columns.", B, width=300),
        Column("Read at", "When it was read.", B, DT, 140),
    ),
)

MODEL = TabSchema(
    name="Model",
    purpose="What converts: outcome rates learned from the team's edits.",
    columns=(
        Column("Dimension", "Link type, competitor, target page, authority band or batch.", B, width=140),
        Column("Value", "Which one.", B, width=220),
        Column("Prospects", "Prospects in it.", B, INT, 85),
        Column("Sent", "Contacted.", B, INT, 60),
        Column("Replied", "Replied.", B, INT, 70),
        Column("Interested", "Interested.", B, INT, 80),
        Column("Won", "Published / linked.", B, INT, 60),
        Column("No fit", "No fit.", B, INT, 60),
        Column("Needs asset", "Needs asset first.", B, INT, 85),
        Column("Reply rate", "Chance an average prospect of this group replies, learned from all results.", B, PCT, 85),
        Column("Reply range", "90% credible interval.", B, width=110),
        Column(
            "Win rate", "Chance an average prospect of this group gives a link, learned from all results.", B, PCT, 80
        ),
        Column("Win range", "90% credible interval.", B, width=110),
        Column("Win chance ×", "This group's win rate against the team's own (All prospects).", B, NUM, 110),
    ),
)

HISTORY = TabSchema(
    name="History",
    purpose="Append-only log of the team's edits and gapbot's runs.",
    columns=(
        Column("When", "When gapbot saw it.", B, DT, 140),
        Column("Key", "Prospect key (blank for runs).", B, width=200),
        Column("Column", "Column changed, or the job.", B, width=130),
        Column("Old value", "Before.", B, width=180),
        Column("New value", "After.", B, width=180),
        Column("Run", "Run id.", B, width=150),
    ),
)

DASHBOARD = TabSchema(
    name="Dashboard",
    purpose="Counts and charts at a glance.",
    columns=(
        Column("Section", "What is counted.", B, width=160),
        Column("Item", "Which.", B, width=240),
        Column("Count", "How many.", B, INT, 80),
        Column("Rate", "The learned rate, where the section has one (see Model).", B, PCT, 70),
        Column("Range", "Its 90% credible interval.", B, width=90),
    ),
)

COMPETITOR_SUGGESTIONS = TabSchema(
    name="Competitor suggestions",
    purpose="Domains that rank repeatedly for our keywords; copy good ones into Competitors.",
    columns=(
        Column("Domain", "Ranking domain.", B, width=200),
        Column("Keywords", "How many of our keywords it ranks for.", B, INT, 85),
        Column("Best position", "Its best rank.", B, INT, 90),
        Column("Examples", "Keywords and URLs.", B, width=360),
        Column("Giant publisher", "Likely a giant publisher rather than a true competitor.", B, width=110),
    ),
)

STATE = TabSchema(
    name=STATE_TAB,
    purpose="gapbot's own memory (snapshots, lease, schema version). Do not edit.",
    hidden=True,
    key="Key",
    columns=(
        Column("Key", "State entry.", B, width=200),
        Column("Value", "Its value (JSON).", B, width=400),
    ),
)

INPUT_TABS: tuple[TabSchema, ...] = (SETTINGS, COMPETITORS, TARGETS, RULES, SERP)
OUTPUT_TABS: tuple[TabSchema, ...] = (
    PROSPECTS,
    LINKS,
    NOISE,
    ASSET_GAPS,
    BATCHES,
    TARGET_HEALTH,
    COMPETITOR_PAGES,
    WON_LINKS,
    PAGE_CONTEXT,
    IMPORTS,
    MODEL,
    HISTORY,
    DASHBOARD,
    COMPETITOR_SUGGESTIONS,
)
ALL_TABS: tuple[TabSchema, ...] = (*INPUT_TABS, *OUTPUT_TABS, STATE)
TABS_BY_NAME = {t.name: t for t in ALL_TABS}


def is_raw_tab(name: str) -> bool:
    return name.strip().casefold().startswith(RAW_TAB_PREFIXES)
