"""Hand-written spam signals: vocabulary, links, bait and mentions.

All patterns are compiled once at import. Matching runs on the text folded by
:func:`bot.core.spam.normalize.normalize_for_matching` except where the raw text is needed (URLs, mentions).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

log = logging.getLogger(__name__)


def _split_alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a regular expression."""
    parts: list[str] = []
    depth, start, i, in_class = 0, 0, 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts


def _compile_words(pattern: str, flags: int = 0) -> re.Pattern[str]:
    r"""Compile ``pattern`` with the ``\b`` that starts its alternatives tested once: ``\ba|\bb|c`` becomes
    ``\b(?:a|b)|c``, the same language, but the engine no longer tries every alternative's boundary at every
    position (about five times faster on long messages)."""
    alts = _split_alternatives(pattern)
    bounded = [a[2:] for a in alts if a.startswith(r"\b")]
    other = [a for a in alts if not a.startswith(r"\b")]
    if not bounded:
        return re.compile(pattern, flags)
    return re.compile("|".join([r"\b(?:" + "|".join(bounded) + ")", *other]), flags)


# --- online gambling (judi online) --------------------------------------------------------------------------
# Terms that on their own almost always mean gambling promotion.
GAMBLING_STRONG_RE = re.compile(
    r"\b(?:slot\s*(?:gacor|online|88|777|thailand|server|demo|maxwin)|gac[oi]r+|gachor|maxwin|max\s*win|togel"
    r"|link\s*(?:alternatif|altenatif|alt)|situs\s*(?:slot|judi|gacor|togel|terpercaya|resmi|toto)"
    r"|judi\s*(?:online|slot|bola)|judol|bonus\s*new\s*member|anti\s*rungkad|pola\s*(?:gacor|slot|main)"
    r"|scatter\s*hitam|mahjong\s*ways|starlight\s*princess|sweet\s*bonanza|gates\s*of\s*olympus|rtp\s*(?:live|slot)"
    r"|depo\s*\d+\s*(?:k|rb|ribu)?|wd\s*\d+\s*(?:k|jt|juta|rb)|pragmatic\s*play|bandar\s*(?:togel|slot|judi)"
    r"|zeus\s*+\d*\s*(?:slot|gacor|x\s*\d+)|x\s*500|x\s*1000)\b"
)
# Terms that support a gambling reading but also occur in ordinary talk.
GAMBLING_WEAK_RE = re.compile(
    r"\b(?:slot|situs|depo|deposit|wd|withdraw|jp|jepe|jeipe|jackpot|cuan|hoki|zeus|olympus|rungkad|toto"
    r"|scatter|rtp|bandar|jekpot|maxwinn?|menang\s*(?:terus|gede|besar|banyak)|modal\s*(?:receh|kecil)|rezeki"
    r"|petir|pragmatic|4d)\b"
)
# Site-name shapes: WORD+two or three digits (PULAU777, AERO88), WORD4D, and typical site suffixes. Four or
# more digits are a year, a model or an id (fan2003, rtx4090), never a gambling site in the labelled data.
SITE_RE = re.compile(
    r"(?<![^\W_])(?:[a-z]{2,}(?:\d{2,3}|4d)|[a-z]{3,}(?:toto|win|slot|bet|jp|gacor|hoki|cuan|88|99|77|4d)"
    r"|(?:toto|slot|hoki|cuan)[a-z]{2,}\d*)(?![^\W_])"
)
# Common non-site words matching SITE_RE shapes that must not count ("covid19", "2024" is digits only).
NOT_SITES = frozenset(
    {"covid19", "mp3", "mp4", "h264", "ps4", "ps5", "win", "darwin", "erwin", "edwin", "kevin"}
)

# --- self promotion and engagement bait (YouTube-style comment spam) ----------------------------------------
# Promoting one's own channel, music or pages, in the first person: "check out my channel", "subscribe to
# me", "follow me on instagram", "if i get 100 subscribers". A fan recommending the creator ("go subscribe to
# Nara", "subscribe to her channel, she's amazing"), a pointer to something ("check out the pinned post") or a
# member talking about their own things ("check out my new keyboard", "add me on steam") is not.
_SUB = (
    r"(?:sub|subs|su\w{0,3}cri\w*)"  # sub, subscribe(rs), and the usual misspellings ("suscribe", "subcribe")
)
_MEDIA = (
    r"(?:channel|chanel|canal|vids?|videos?|vidios?|music|page|profile|playlist|covers?|songs?|tracks?"
    r"|mixtape|album|single|beats?|raps?|blog|website|site|youtube|twitch|tiktok|insta\w*|twitter|facebook|fb"
    r"|soundcloud|remix\w*|music\s*video|streams?|twitch\s*channel)"
)
_ARTIST = r"(?:rapper|singer|producer|musician|youtuber|songwriter|dj|vlogger|mc)"
_NOT_ME = r"(?!\s*to\s*(?!me\b|us\b|my\b|our\b)\w)"  # "go subscribe to Nara" recommends someone else
SELF_PROMO_RE = _compile_words(
    rf"\b(?:sub|follow|like)\s*(?:4|for|2)\s*(?:sub|follow|like)\b|\bsub4sub\b|\b{_SUB}\s*(?:to\s*)?(?:me|us|my|our)\b"
    rf"|\b{_SUB}\s*(?:back|and\s*(?:like|comment|share)|pls|plz|please|thanks?|if\s*you|for\s*me)\b"
    r"|^\W*su\w{0,3}cri(?:be|b)\W*(?:$|and\b|&|pls\b|plz\b|please\b|now\b)|\bmy\s*(?:first\s*|\d++\w*\s*)?su\w{0,3}cri\w*"
    r"|\bcheck\s*out\s+(?!(?:her|his|their|the|this|that|a|an|my|our)\b)[\"']?\w+[\"']?\s*(?:channel|on\s*youtube)\b"
    rf"|\b(?:please|pls|plz|come)\s*{_SUB}\b{_NOT_ME}|^\W*su\w{{0,3}}cri(?:be|b)?\W*$|\bi\s*(?:will|ll)\s*{_SUB}\s*back\b"
    rf"|\bcheck\s*(?:out\s*)?(?:my|our)\s*(?:new\s*|own\s*|latest\s*|first\s*|youtube\s*|yt\s*)?{_MEDIA}\b"
    r"|\bcheck\s*(?:me|us)\s*out\b|\b(?:my|our|mi|meu)\s*(?:new\s*|own\s*|youtube\s*|yt\s*)?(?:channel|chanel|canal)\b"
    r"(?!\s*points)|\b(?:visit|support|follow)\s*(?:me|us|my|our)\b"
    rf"|\b(?:listen\s*to|watch|see|hear)\s*(?:my|our)\s*(?:new\s*)?{_MEDIA}\b"
    rf"|\bif\s*(?:i|we)\s*(?:get|reach|hit)\s*\d[\d,.]*k?\s*(?:{_SUB}|likes|views)\b"
    r"|\b(?:help\s*(?:me|us|my\s*channel)|i\s*(?:need|want|wanna))\s*+(?:to\s*+)?(?:get|reach|hit)?\s*+"
    r"(?:some\s*+|more\s*+)?[\d,.]*+k?\s*(?:subs|subscribers)\b"
    r"|\bgive\s*(?:me|us|(?:my|our)(?:\s*\w+){1,2}?)\s*a\s*(?:chance|try|listen|look|shot)\b"
    rf"|\b(?:my|our)\s*(?:new\s*|own\s*)?{_MEDIA}\b[^.!?]{{0,40}}?[.!?]?\s*check\s*(?:them|it)\s*out\b"
)
# Weaker hints of self-promotion, a model feature only: true of spam comments ("i'm a 16 year old rapper",
# "my new video", "check out my stuff", "new youtuber here") and of members talking about themselves alike.
PROMO_HINT_RE = _compile_words(
    r"\bi\s*(?:rap|make\s*(?:music|beats|covers))\b|\bcheck\s*(?:out\s*)?(?:my|our)\b"
    r"|\bi\s*(?:made|did|started|created)\s*(?:a|an|my)\s*(?:new\s*)?(?:\w+\s*)?(?:channel|cover|remix|mixtape)\b"
    rf"|\b(?:my|our)\s*(?:new|newest|latest|first)\s*(?:youtube\s*)?{_MEDIA}\b|\b(?:please|pls|plz|go)\s*{_SUB}\b"
    r"|\bi(?:\s*'\s*m|m|\s+am)\s+(?:a\s+|an\s+)?(?:\d+\s*(?:years?|yrs?|y/?o)?\s*(?:old\s*)?)?(?:\w+\s+)?"
    rf"{_ARTIST}\b|\b(?:new|small|upcoming|aspiring)\s*(?:youtuber|rapper|channel)\b"
    r"|\b(?:get|got|reach|hit|need)\s*+(?:some\s*+|more\s*+)?[\d,.]*+k?\s*+(?:views\s*(?:and|&)\s*)?(?:subs|subscribers)\b"
    r"|\badd\s*me\b"
    r"|\bcheck\s*out\s*(?:this\s*|the\s*)?(?:new\s*)?(?:song|single|track|album|mixtape)\b|\bsong\s*called\b"
)
# Words that make SELF_PROMO_RE / PROMO_HINT_RE worth running (checked against the message's words), besides
# "sub", "scri", "cribe", "check" and "channel" anywhere in the text; or one of PROMO_VERBS with PROMO_OWNERS.
PROMO_WORDS = frozenset(
    {"rapper", "singer", "producer", "musician", "youtuber", "songwriter", "dj", "vlogger", "mc", "canal",
     "chanel", "follow", "rap", "beats", "cover", "remix", "mixtape", "likes", "views", "subs", "subscribers"}
)  # fmt: skip
PROMO_VERBS = frozenset(
    {"visit", "add", "support", "listen", "watch", "see", "hear", "give", "new", "newest", "latest", "first",
     "help", "need", "want", "wanna"}
)  # fmt: skip
PROMO_OWNERS = frozenset({"my", "our", "me", "us"})
# Requests to like, share, vote or click for the writer: "like this comment", "give me a like", "click here",
# "please visit my page". Quoting a creator's catchphrase ("like and subscribe") or asking people to vote in a
# poll is not.
ENGAGEMENT_BAIT_RE = _compile_words(
    r"\blike\s*(?:this|my)\s*(?:comment|post|pic\w*|photo|page)\b"
    r"|\b(?:give|leave)\s*(?:it|this|me|us)\s*a\s*(?:like|thumbs)"
    r"|\bthumbs?\s*up\s*(?:this|my)\s*(?:comment|video|post)\b"
    r"|\bhelp\s*me\s*(?:get|reach|win)\b|\b(?:please|pls|plz)\s*(?:like|check|visit|follow|vote\s*for|watch|support"
    r"|view)\s*(?:me|us|my|our|this\s*(?:comment|video|channel))\b"
    r"|\bclick\s*(?:on\s*)?(?:here|(?:this|the|my)\s*link)\b|\bvote\s*for\s*(?:me|my|us)\b"
    r"|\blook\s*(?:me|us)\s*up\b"
    r"|\b(?:share|send|copy|paste|post)\s*this\s*(?:to|with|on|in)\s*\d+\s*(?:other\s*|more\s*)?(?:people|friends"
    r"|videos|comments|servers|channels|chats|groups)\b"
)
# Weaker bait, a model feature only: "like and share", "share if you agree", "if you read this",
# "please vote". A chain letter ("share this to 10 people") is bait above.
BAIT_HINT_RE = _compile_words(
    r"\b(?:like|share)\s*(?:and|&|n)\s*(?:share|subscri\w*|comment|like)\b|\b(?:share|comment)\s*if\s*(?:you|u|ur)\b"
    r"|\bif\s*you\s*read\s*this\b|\bshare\s*(?:this|it)\s*(?:with|on|to)\b|\blike\s*this\s*video\b"
    r"|\b(?:please|pls|plz)\s*(?:like|check|visit|follow|vote|watch|support|add|view)\b"
)
# YouTube's share text. Shared in Discord it comes with the video's link; as a comment with nothing to
# share it is a spam template.
SHARE_TEXT_RE = re.compile(
    r"\b(?:check\s*out|take\s*a\s*look\s*at|look\s*at|watch)\s*this\s*(?:video|playlist|channel)\s*on\s*youtu"
)
# Words that make ENGAGEMENT_BAIT_RE / BAIT_HINT_RE / SHARE_TEXT_RE worth running; "like" and "please" only
# with BAIT_OBJECTS.
BAIT_CONTEXT = frozenset(
    {"thumbs", "share", "click", "vote", "youtube", "youtu", "read", "give", "leave", "look", "pls", "plz"}
)  # fmt: skip
BAIT_OBJECTS = frozenset(
    {"this", "my", "and", "comment", "check", "visit", "follow", "watch", "support", "add", "view", "get",
     "reach"}
)  # fmt: skip

# Something-for-nothing offers and money making: "free gift cards", "earn money online", "get paid".
OFFER_RE = _compile_words(
    r"\bfree\s*(?:\$\s*\d+\s*)?(?:itunes\s*|amazon\s*|psn\s*|xbox\s*|google\s*play\s*)?(?:gift\s*cards?"
    r"|giftcards?|iphones?|ipads?|money|cash|coins|gems|robux|followers|subscribers|likes|views|codes?)"
    r"|\b(?:make|earn|making|earning)\s*(?:real\s*|extra\s*|some\s*|easy\s*|more\s*)?(?:money|cash|\$)"
    r"|\bmoney\s*online\b|\bpay\s*pal\s*money\b"
)
OFFER_CONTEXT = frozenset({"free", "money", "cash", "earn", "make", "making", "earning"})
# Links (matched one URL_RE match at a time) to a page to promote rather than to content: referral and share
# codes, bare profiles on social and streaming sites, app stores, crowdfunding and petitions, surveys and
# paid-to-click.
# A profile means the site's own host (twitch.tv/name, not clips.twitch.tv/Slug); Reddit's "/r/" is no
# referral.
PROMO_LINK_RE = re.compile(
    r"[?&](?:ref|refer|referral|r|aff|affiliate|invite|fref)=|/(?:ref|refer|referral|aff|affiliate|invite|fref)/"
    r"|/share/|(?:^|[/.])(?:change\.org|avaaz\.org|ipetitions\.com|thepetitionsite\.com|petitions\.\w+\.gov)(?=[/?#]|$)"
    r"|(?:^|//)(?:www\.|m\.|mobile\.)?"
    r"(?:facebook|fb|instagram|twitter|soundcloud|tsu|plus\.google|ask|reverbnation|bandcamp|twitch)"
    r"\.(?:com|co|fm|tv)/(?:pages/|profile\.php|[\w.+-]+/?(?:[?#\s]|$))|play\.google\.com/store/apps"
    r"|(?:gofundme|indiegogo|kickstarter|surveymonkey|swagbucks|prizerebel|teespring|sunfrogshirts)\.com",
    re.IGNORECASE,
)

# --- Discord / Steam scams ----------------------------------------------------------------------------------
_TLDS = (
    "com|net|org|gg|xyz|io|ru|ly|me|co|site|online|shop|top|click|link|gift|store|info|biz|club|fun|live|app"
    "|tk|ml|ga|cf|gq|pw|cc|su|icu|vip|win|bet|id|gifts|work|art|pro|today|life|world|space|website|tech"
    "|host|cloud|digital|tv|asia|fans|games"
)
URL_RE = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'|\ufeff\u200b]+"
    rf"|(?<![\w@.-])(?:[a-z0-9-]+\.)+(?:{_TLDS})\b(?:/[^\s<>\"'|]*)?",
    re.IGNORECASE,
)
_DOMAIN_HINT_RE = re.compile(rf"\.(?:{_TLDS})\b", re.IGNORECASE)
_HOST_RE = re.compile(r"^(?:https?://)?(?:[^@/\s]*@)?([^/:?#\s]+)", re.IGNORECASE)

SHORTENERS = frozenset(
    {
        "bit.ly", "bitly.com", "tinyurl.com", "s.id", "goo.gl", "ow.ly", "is.gd", "cutt.ly", "rb.gy",
        "shorturl.at", "t.ly", "tiny.cc", "bit.do", "v.gd", "rebrand.ly", "adf.ly", "shorte.st", "ouo.io",
        "lnkd.in", "qr.ae", "buff.ly", "bl.ink", "shorturl.asia", "linkr.it", "u.to", "clck.ru", "gg.gg",
        "short.gy", "tr.ee", "heylink.me", "linktr.ee", "lynk.id", "s.shopee.co.id", "urlz.fr", "t.co",
    }
)  # fmt: skip
OFFICIAL = frozenset(
    {
        "discord.com", "discord.gg", "discordapp.com", "discordapp.net", "discord.media", "discord.new",
        "discord.gift", "discordstatus.com", "discord.dev", "discord.co", "steamcommunity.com",
        "steampowered.com", "steamstatic.com", "steamgames.com", "steamdeck.com", "steam.tv",
    }
)  # fmt: skip
# Well-known sites whose links are everyday sharing, not promotion by themselves.
COMMON_SITES = frozenset(
    {
        "youtube.com", "youtu.be", "twitter.com", "x.com", "twitch.tv", "reddit.com", "redd.it",
        "wikipedia.org", "github.com", "imgur.com", "tenor.com", "giphy.com", "google.com", "spotify.com",
        "instagram.com", "tiktok.com", "discord.com", "discord.gg", "discordapp.com", "discordapp.net",
        "steampowered.com", "steamcommunity.com", "fxtwitter.com", "vxtwitter.com", "bsky.app", "medium.com",
        "stackoverflow.com", "pastebin.com", "gyazo.com", "streamable.com", "kick.com", "apple.com",
    }
)  # fmt: skip
# Documentation and project hosts whose sub-domains are projects (discordpy.readthedocs.io), not imitations.
PROJECT_HOSTS = frozenset(
    {
        "readthedocs.io",
        "readthedocs.org",
        "github.io",
        "gitlab.io",
        "npmjs.com",
        "pypi.org",
        "sourceforge.net",
    }
)
BRANDS = ("discord", "discordapp", "steamcommunity", "steampowered", "discordnitro")
_BRAND_WORDS_RE = re.compile(r"discord|steam|nitro")
_BRAND_SWAPS = str.maketrans({"1": "i", "l": "i", "0": "o", "3": "e", "4": "a", "5": "s", "7": "t"})
_VISUAL_SWAPS = (("cl", "d"), ("rn", "m"), ("vv", "w"))  # letter pairs that render like one letter
_MULTI_TLDS = frozenset({"co.id", "co.uk", "com.br", "com.au", "or.id", "ac.id", "go.id", "web.id", "my.id"})

GIFT_BAIT_RE = _compile_words(
    r"\bfree\s*(?:discord\s*)?nitro\b|\bnitro\s*(?:for\s*)?free\b|\b(?:nitro|steam)\s*(?:gift|giveaway|gifts)\b"
    r"|\bfree\s*(?:steam|skins?|robux|v\s*bucks|vbucks|gift\s*cards?|cs2?\s*skins?|knife)\b"
    r"|\bclaim\s*(?:your|it|now|here|the)\b|\bairdrop\b|\bi\s*(?:am|m)\s*leaving\s*(?:cs|steam)"
    r"|\bwho\s*(?:is|s)\s*first\b|\bgift\s*(?:for\s*)?(?:you|u)\b|\b3\s*months?\s*(?:of\s*)?nitro\b"
)
MONEY_RE = re.compile(
    r"\b(?:crypto\w*|bitcoin|btc|usdt|eth(?:ereum)?|forex|invest(?:ment|ments|ing|or|ors)?|trading|trader"
    r"|profits?|passive\s*income|income|earn(?:ed|ing)?|nft|binary\s*options?|mining|cashapp|paypal|dollars?"
    r"|\$\s*\d[\d,.]*k?|\d[\d,.]{0,40}\s*+(?:usd|dollars?)|rich|financial\s*freedom|side\s*hustle)\b"
)
# Words that make MONEY_RE worth running (checked as a set against the message's words).
MONEY_TRIGGERS = frozenset(
    {
        "crypto", "cryptocurrency", "bitcoin", "btc", "usdt", "eth", "ethereum", "forex", "invest",
        "investment", "investments", "investing", "investor", "investors", "trading", "trader", "profit",
        "profits", "passive", "income", "earn", "earned", "earning", "nft", "binary", "mining", "cashapp",
        "paypal", "dollar", "dollars", "usd", "rich", "financial", "hustle",
    }
)  # fmt: skip
CONTACT_RE = _compile_words(
    r"\b(?:dm|pm|inbox|message|text|msg)\s*(?:me|us|him|her)\b|\bdm\s*(?:for|to)\b|\bwhats\s*app\b|\bwa\.me\b"
    r"|\btelegram\b|\bt\.me\b|\bcontact\s*(?:me|us|him|her|mr|mrs|ms)\b|\bhit\s*me\s*up\b|\bsend\s*me\s*a\s*dm\b"
    r"|\breach\s*(?:out|me)\b|\+\d[\d \-]{8,}\d"
)
USER_MENTION_RE = re.compile(r"<@!?(\d+)>")
EVERYONE_RE = re.compile(r"@everyone|@here")


@dataclass(frozen=True, slots=True)
class Signal:
    kind: str  # "lookalike" | "shortener" | "punycode" | "gift" | "money" | "mentions"
    detail: str  # human-readable evidence for the reason
    confidence: float  # stand-alone confidence when it decides the verdict (0 = only a model feature)
    strong: bool = False  # safe for an automatic delete


def may_have_link(raw: str) -> bool:
    """Cheap test for whether URL_RE could match (most messages have no link)."""
    return "://" in raw or "www." in raw or ("." in raw and _DOMAIN_HINT_RE.search(raw) is not None)


def _edit_distance(a: str, b: str, limit: int) -> int:
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


def hosts(raw: str, urls: list[str] | None = None) -> list[str]:
    """Host names of the links in ``raw`` (lower-case, without ``www.``); ``urls``: URL_RE.findall(raw)."""
    out: list[str] = []
    for url in URL_RE.findall(raw) if urls is None else urls:
        match = _HOST_RE.match(url)
        if match:
            host = match.group(1).lower().rstrip(".")
            out.append(host.removeprefix("www."))
    return out


def registrable(host: str) -> str:
    parts = host.split(".")
    if len(parts) >= 3 and ".".join(parts[-2:]) in _MULTI_TLDS:
        return ".".join(parts[-3:])
    return ".".join(parts[-2:])


def lookalike_of(host: str) -> str | None:
    """Return the official domain ``host`` imitates, or None."""
    reg = registrable(host)
    if reg in OFFICIAL or host in OFFICIAL or reg in PROJECT_HOSTS:
        return None
    label = reg.split(".")[0]
    plain = label.replace("-", "")
    for glyphs, letter in _VISUAL_SWAPS:
        plain = plain.replace(glyphs, letter)
    plain = plain.translate(_BRAND_SWAPS)
    if _BRAND_WORDS_RE.search(host.replace("-", "")):
        # discord-gift.xyz, steamcommunity-trade.ru, discordnitro.fun, nitro-gift.com
        if "steam" in host:
            return "steamcommunity.com"
        return "discord.com"
    letters = set(plain)
    for brand in BRANDS:
        limit = 2 if len(brand) >= 10 else 1  # "discogs.com" is a real site two edits from "discord"
        target = brand.replace("l", "i")
        # each edit loses at most one of the brand's letters: more missing ones cannot be within the limit
        if len(set(target) - letters) > limit or abs(len(plain) - len(target)) > limit:
            continue
        if label != brand and _edit_distance(plain, target, limit) <= limit:
            return "steamcommunity.com" if brand.startswith("steam") else "discord.com"
    return None


def link_signals(raw: str, urls: list[str] | None = None) -> tuple[list[Signal], int, int]:
    """Signals from the links in ``raw``, the number of links and how many go to well-known sites.

    A "host" without a dot (``http://url_removed``, ``http://localhost``) is not a public link and is ignored.
    """
    found = [h for h in hosts(raw, urls) if "." in h]
    signals: list[Signal] = []
    common = 0
    for host in found:
        if registrable(host) in COMMON_SITES:
            common += 1
            continue
        if host.startswith("xn--") or ".xn--" in host:
            signals.append(Signal("punycode", f"punycode domain {host}", 0.9, strong=False))
        fake = lookalike_of(host)
        if fake is not None:
            signals.append(Signal("lookalike", f"look-alike of {fake}: {host}", 0.99, strong=True))
        elif host in SHORTENERS or registrable(host) in SHORTENERS:
            signals.append(Signal("shortener", f"link shortener {host}", 0.0))
    return signals, len(found), common


def uncommon_host_labels(urls: list[str]) -> list[str]:
    """The first label of each link's registrable domain outside COMMON_SITES (pulau777.com: "pulau777")."""
    return [registrable(h).split(".")[0] for h in hosts("", urls) if registrable(h) not in COMMON_SITES]


def promo_link_kind(urls: list[str]) -> str | None:
    """``#url_promo`` for a promotional link (PROMO_LINK_RE) to a site outside COMMON_SITES (a referral code,
    a crowdfunding page, a Facebook page), ``#url_profile`` for a bare profile on a well-known site
    (twitch.tv/name, which members share all the time), else None."""
    kind: str | None = None
    for url in urls:
        if PROMO_LINK_RE.search(url) is None:
            continue
        match = _HOST_RE.match(url)
        host = match.group(1).lower().removeprefix("www.") if match else ""
        if registrable(host) not in COMMON_SITES:
            return "#url_promo"
        kind = "#url_profile"
    return kind


def quote_terms(terms: list[str], limit: int = 3) -> str:
    seen: list[str] = []
    for term in terms:
        term = " ".join(term.split())
        if term and term not in seen:
            seen.append(term)
    return ", ".join(f"'{t}'" for t in seen[:limit])


# --- the shape of a link (model features; only for messages with a link) -----------------------------------
# Shops and marketplaces, and free hosts, paste/file sites, pay-per-click and "earn" sites: where YouTube
# comment spam points, far more often than ordinary chat does.
STOREFRONTS = frozenset(
    {"ebay", "amazon", "etsy", "aliexpress", "alibaba", "shopee", "tokopedia", "lazada", "bukalapak",
     "gumroad", "teespring", "redbubble", "zazzle", "cafepress", "wish", "youniqueproducts", "avon",
     "marketglory"}
)  # fmt: skip
FREE_HOSTS = frozenset(
    {"blogspot", "wordpress", "weebly", "wix", "tumblr", "bubblews", "wattpad", "4shared", "mediafire",
     "binbox", "linkbucks", "adf", "flipagram", "ubuntuone", "minhateca", "viralangels", "woobox", "webs",
     "jimdo", "yolasite", "000webhostapp", "freewebs", "angelfire", "tripod", "site123", "easypromosapp",
     "thepiratebay", "image2you", "uploaded", "zippyshare", "megaupload", "rapidshare", "sharecash"}
)  # fmt: skip
_IP_HOST_RE = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
_TRACKING_RE = re.compile(
    r"[?&;](?:ref|ref_id|refid|aff\w*|affiliate\w*|tag|campid|pub|partner\w*|utm_\w+|src|from|hlr|sid|uid"
    r"|userid|user_id|invite\w*|promo\w*|coupon|code|task|icep_\w+)=",
    re.IGNORECASE,
)
_RANDOM_ID_RE = re.compile(r"(?=[A-Za-z_-]*\d)(?=[\d_-]*[A-Za-z])[A-Za-z0-9_-]{6,}")
# Requests around a link: "visit", "click", "vote", "download", "join", "buy", "follow", "please".
LINK_ASKS = frozenset(
    {"visit", "click", "vote", "download", "join", "sign", "register", "buy", "sell", "earn", "follow",
     "subscribe", "please", "pls", "plz", "free", "support", "help", "share", "like", "open", "go"}
)  # fmt: skip
LINK_SELF = frozenset({"my", "our", "me", "us", "i", "im", "mine"})


def link_shape_markers(urls: list[str], tokens: list[str], raw: str) -> list[str]:
    """Markers for the links in a message outside COMMON_SITES: the site (``#host=ebay``), its top-level
    domain, free hosts and storefronts, IP addresses, digits in the host name, sub-domains, tracking and
    referral parameters, long random ids, deep paths, several links, a link at the end after some text and
    requests or first-person words around it. The model learns from them which links are spam."""
    out: list[str] = []
    uncommon = 0
    for url in urls:
        match = _HOST_RE.match(url)
        if not match:
            continue
        host = match.group(1).lower().rstrip(".").removeprefix("www.")
        if "." not in host:
            continue
        reg = registrable(host)
        if reg in COMMON_SITES:
            continue
        uncommon += 1
        if _IP_HOST_RE.match(host):
            out.append("#url_ip")
            continue
        label, _, tld = reg.partition(".")
        out.append("#host=" + label)
        out.append("#tld=" + tld)
        labels = set(host.split("."))
        if label in STOREFRONTS or host.startswith("play.google."):
            out.append("#url_store")
        if not FREE_HOSTS.isdisjoint(labels):
            out.append("#url_freehost")
        if any(c.isdigit() for c in label):
            out.append("#url_hostdigit")
        sub = host[: -len(reg)].rstrip(".")
        if sub and sub not in ("m", "mobile"):
            out.append("#url_sub")
        rest = url[match.end() :]
        if "=" in rest and "?" in rest:
            out.append("#url_query")
        if _TRACKING_RE.search(rest) or PROMO_LINK_RE.search(url):
            out.append("#url_ref")
        path = rest.split("?", 1)[0].split("#", 1)[0]
        segments = [s for s in path.split("/") if s]
        if len(segments) >= 3:
            out.append("#url_deep")
        elif not segments:
            out.append("#url_root")
        if any(_RANDOM_ID_RE.fullmatch(s) for s in segments):
            out.append("#url_id")
    if not uncommon:
        return out
    if uncommon >= 2:
        out.append("#url_multi")
    if tokens:
        if not LINK_ASKS.isdisjoint(tokens):
            out.append("#url_ask")
        if not LINK_SELF.isdisjoint(tokens):
            out.append("#url_self")
        tail = raw.rstrip(" \t\r\n\ufeff\u200b.!)")
        if tail.endswith(urls[-1].rstrip(".!)")):
            out.append("#url_end")
    return out
