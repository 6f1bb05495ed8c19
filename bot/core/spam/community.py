"""Community spam as a Discord server sees it, in English and Indonesian: scams and phishing, unsolicited
promotion (servers, channels, commissions, selling, services, jobs, loans, follow-for-follow) and gambling
promotion written in chat style. Each rule pairs what is offered with how to act on it (a contact, a link,
an invite, "cek bio"): the words alone are everyday talk ("dm me if you want to play", "jualan cilok aja").

:func:`community_hits` runs on every message behind a cheap word gate; its kinds map to the verdict's
category through :data:`KIND_CATEGORY`. Matching is on the folded text of
:func:`bot.core.spam.normalize.normalize` (links removed; they are looked at through ``Analysis.urls``).
"""

from __future__ import annotations

import re

from bot.core.spam import normalize as _n
from bot.core.spam.rules import _compile_words

GAMBLING, SCAM, PROMOTION, BAIT = "gambling", "scam", "promotion", "bait"
CATEGORIES = (GAMBLING, SCAM, PROMOTION, BAIT)

# --- how to act on an offer: a contact, a handle, "link in bio" ---------------------------------------------
CONTACT_RE = _compile_words(
    r"\b(?:dm|pm|inbox|message|msg|text|chat|hubungi|kontak|contact|hit)\s*(?:me|us|aku|gue|gw|saya|kami|admin"
    r"|aja|ya|kak|for|to|now|up)\b|\bminat\s*(?:dm|pc|chat|wa|hubungi|langsung|\?)|\bwhats\s*app\s*(?:me|us|aku|admin|ke|di|\+|\d)|\bwa\s*\.\s*me\b"
    r"|\bwa\s*(?:di\s*bio|admin|aja|ya|\d)|\b(?:telegram|tele|tg)\s*(?:@|t\s*\.\s*me|\w+_)|\bt\s*\.\s*me\b"
    r"|\border\s*(?:via|di|lewat|chat|now|sekarang)\b|\b(?:cek|check|lihat|liat|klik)\s*(?:my\s*|di\s*)?"
    r"(?:bio|profil|profile)\b|\b(?:link|info|wa|prices?)\s*(?:di|in|on|ada\s*di)\s*(?:my\s*)?(?:bio|profil|profile)"
    r"|\bapply\s*(?:at|here|now)\b|\bpc\s*(?:aja|ya|kak)\b|\bfast\s*respon|\badmin\s*(?:ramah|24|fast)"
    r"|\bcontact\s*(?:this|our|the)\s*(?:admin|staff|mod|support)|\b(?:\+62|08)\d[\d \-]{7,}\d"
    r"|\b(?:aja|langsung|just|tanya\w*)\s*(?:dm|pc|wa)\b"
)
# --- scams and phishing -------------------------------------------------------------------------------------
REPORT_SCAM_RE = _compile_words(
    r"\b(?:accident(?:al)?ly|mistakenly|wrongly|falsely)\s*(?:reported|report(?:ed)?\s*(?:you|ur|your))"
    r"|\b(?:reported|flagged)\s*(?:your|ur)\s*(?:account|acc|profile)\b|\b(?:ga|gak|nggak|ngga|tidak|tdk|gk|g)\s*sengaja\s*"
    r"(?:ke\s*)?(?:report|lapor\w*|melaporkan)|\b(?:your|ur)\s*account\s*(?:will|is\s*going\s*to|gets?|might)"
    r"\s*(?:be\s*|get\s*)?(?:banned|disabled|suspended|terminated)\b|\bakun\s*(?:kamu|mu|lu|lo|anda)\s*"
    r"(?:bakal|akan|bisa)\s*(?:di\s*)?(?:banned|ban|blokir|nonaktif)"
)
PHISH_RE = _compile_words(
    r"\b(?:enter|type|input|masukkan|masukin|isi)\s*(?:your\s*|ur\s*)?(?:id\s*(?:and|&|dan)\s*)?(?:password|pw"
    r"|login|email|data\s*(?:kamu|diri|akun)?|akun)|\blog\s*in\s*(?:to|with)\s*(?:claim|your)|\blogin\s*(?:akun"
    r"|with|pakai|pake)|\bverify\s*(?:your\s*)?(?:account|school|email|akun|identity)"
    r"|\b(?:free|gratis)\s*+(?:\d[\d.,]*\s*+k?\s*)?(?:uc|robux|v\s*bucks|vbucks|diamonds?|dm|gems|skins?|nitro"
    r"|primogems?|coins|tokens?|gift\s*cards?)\b|\b(?:diamonds?|dm|uc|robux|skin|nitro)\s*(?:ml\s*)?gratis\b"
    r"|\byou\s*+(?:ve|have)?\s*+(?:been\s*)?(?:selected|chosen)\b|\b(?:claim|klaim)\s*(?:your|yours|hadiah|prize"
    r"|reward|now|sekarang|di)|\b(?:kamu|anda)\s*(?:terpilih|mendapatkan\s*hadiah)|\bhadiah\s*\d"
    r"|\bleaked?\s*(?:beta|build|version)|\bgiving\s*away\s*\w+\s*for\s*free"
)
INVEST_RE = _compile_words(
    r"\b(?:crypto|kripto|bitcoin|btc|usdt|forex|saham|investasi|invest(?:ment|ing)?|trading|trader|presale"
    r"|pre\s*sale|airdrop|whitelist|nft|signal\s*group|sinyal|peluang\s*bisnis|bisnis\s*online|passive\s*income"
    r"|binary\s*options?|(?:idol|meme)\s*coin|token)\b"
)
# --- unsolicited promotion ----------------------------------------------------------------------------------
SELL_RE = _compile_words(
    r"\b(?:selling|for\s*sale|wts|jual|dijual|jualan\s*(?:akun|jasa)|open\s*(?:po|order|jastip)|ready\s*stock"
    r"|harga\s*nego|price\s*list|pricelist|joki|jasa\s*\w+|plagiarism|packages|grow\s*your"
    r"|(?:essays?|homework|assignments?|tugas|skripsi|makalah)\s*(?:done|help|murah|&|dan)"
    r"|\d[\d.,]{0,40}\s*+k?\s*+(?:real\s*)?(?:followers|subs|subscribers|listeners|viewers|views|likes|members)\s*"
    r"(?:in|within|dalam|per)\s*\d*|real\s*(?:viewers|followers|streams|listeners|subs|views)"
    r"|commissions?\s*(?:are\s*|is\s*)?(?:now\s*)?open|open\s*(?:commissions?|comms?)|(?:komisi|commission)\s*"
    r"(?:dibuka|buka)|buka\s*komisi"
    r"|hiring|lowongan|loker|dicari\s*(?:admin|karyawan|pegawai|staff|reseller)|part\s*time|work\s*from\s*home"
    r"|kerja\s*dari\s*(?:rumah|hp|hape)|get\s*paid|dibayar|gaji\s*\d|penghasilan\s*(?:tambahan|\d)"
    r"|pinjaman|pinjol|instant\s*loans?|tanpa\s*(?:bi\s*checking|jaminan|agunan)|bunga\s*\d|cair\s*\d)"
)
FOLLOW_TRADE_RE = _compile_words(
    r"\b(?:sub|follow|like)\s*(?:4|for|2)\s*(?:sub|follow|like)\b|\b(?:f4f|l4l|s4s|sub4sub)\b"
    r"|\bsaling\s*(?:sub\w*|follow\w*)|\b(?:sub|follow)\s*each\s*other\b|\bi\s*(?:follow|sub)\s*back\b"
    r"|\bdrop\s*(?:your|ur)\s*(?:@|channel|link|ig|tiktok|handle)"
)
# "follback ya kak" on its own is a thank-you; with a request to follow or subscribe it is the trade
FOLLOW_BACK_RE = _compile_words(r"\b(?:sub\w*|follow)\s*balik\b|\b(?:foll?back|folbek|followback)\b")
FOLLOW_ASK_RE = _compile_words(
    r"\b(?:follow|sub\w*)\s*(?:(?:ig|insta\w*|tiktok|twitter|akun|channel|yt)\s*)?(?:aku|gue|gw|saya|me|my|kita|dong"
    r"|yuk|pls|plz|please)\b|\b(?:pls|plz|please)\s*(?:follow|sub\w*)\b"
)
JOIN_WORDS = frozenset({"join", "gabung", "masuk", "come", "joinnya"})
OWN_WORDS = frozenset({"my", "our", "kita", "kami", "aku", "gue", "gw", "ku", "members", "member"})
SELF_MADE_RE = _compile_words(
    r"\bi\s*(?:host|run|make|started|created|own|just\s*started)\s*(?:a|an|my|our)\s+(?:\w+\s+){0,3}?"
    r"(?:channel|podcast|server|youtube|tiktok|blog|shop|store|league|clan|community|newsletter|brand|stream)"
    r"|\baku\s*(?:bikin|buat|punya)\s+(?:\w+\s+){0,2}?(?:channel|podcast|server|akun|konten)"
)
CALL_RE = _compile_words(
    r"\b(?:check\s*+(?:it|me|us|them)?\s*out|give\s*it\s*a|listen|follow|sub|subs|subbed|subscribe|support"
    r"|join|gabung|mampir|visit|would\s*(?:love|mean))\b"
)
# --- gambling promotion in chat style: two different cues (a slang "pola gacor bang" is one) ----------------
_GAMBLING_CUES = re.compile(
    "|".join(
        f"(?P<c{i}>{cue})"
        for i, cue in enumerate(
            (
                r"\b(?:s1ot|5lot|sl0t)\b|\bslot\s*(?:gacor|online|pulsa|88|777|demo|thailand|server|terbaru)",
                r"\bmax\s*win|\bx\s*(?:500|1000)\b|\bjp\s*(?:jutaan|besar|terus|\d)|\bpasti\s*jp\b",
                r"\bdepo(?:sit)?\s*(?:\d|via|pake|pakai|pulsa|dana|ovo|gopay|qris)|\bmin\s*depo|\btanpa\s*potongan",
                r"\bwd\s*(?:\d|cepat|berapa|brp)|\bbukti\s*wd|\bwithdraw",
                r"\brtp\b",
                r"\b(?:scatter|mahjong|olympus|zeus|starlight|bonanza|gatotkaca)\b",
                r"\btogel\s*(?:\d|sgp|hk|prediksi|diskon|malam|hari)|\bjudi\s*bola|\b(?:parlay|casino|pasaran|odds)\b",
                r"\blink\s*(?:alternatif|alt)\b|\bsitus\s*(?:resmi|terpercaya|gacor|\w+\s*\d)|\bbocoran\b"
                r"|\bpola\s*(?:main|slot|hoki|\w+\s*pasti)",
                r"\bbonus\s*(?:new\s*member|member\s*baru|depo|cashback|\d)|\bcashback\b",
                r"\b(?:cek|link\s*di|di)\s*(?:bio|profil)\b|\bdaftar\s*(?:sekarang|di)\b|\b(?:ketik|copas)\b"
                r"|\badmin\s*fast",
            )
        )
    )
)
_NAMES_GAMBLING = frozenset({f"c{i}" for i in range(8)})  # the cues above but bonuses and calls to action
# Run together when spelled apart ("b.o.c.o.r.a.n r.t.p h.a.r.i i.n.i"): looked for inside words.
_SPACED_CUES = re.compile(r"maxwin|gacor|togel|rtp|scatter|olympus|bocoran|slot|depo|parlay|situs|judi")
# The words of the cues above but the call to action ("cek bio" alone is no gambling, and two cues are needed)
_GAMBLING_GATE = frozenset(
    {"slot", "s1ot", "5lot", "sl0t", "maxwin", "max", "x500", "x1000", "jp", "depo", "deposit", "potongan",
     "wd", "withdraw", "rtp", "scatter", "mahjong", "olympus", "zeus", "starlight", "bonanza", "gatotkaca",
     "togel", "judi", "parlay", "casino", "pasaran", "odds", "alternatif", "alt", "situs", "bocoran", "pola",
     "bonus", "cashback"}
)  # fmt: skip
# Words that make each rule worth running (checked against the message's words).
_CONTACT_GATE = frozenset(
    {"dm", "pm", "inbox", "message", "msg", "text", "chat", "hubungi", "kontak", "contact", "hit", "minat",
     "whatsapp", "wa", "telegram", "tele", "tg", "t", "order", "bio", "profil", "profile", "apply", "pc",
     "fast", "admin", "62"}
)  # fmt: skip
_SELL_GATE = frozenset(
    {"selling", "sale", "wts", "jual", "dijual", "jualan", "po", "jastip", "stock", "harga", "price",
     "pricelist", "joki", "jasa", "plagiarism", "packages", "grow", "essays", "essay", "homework",
     "assignments", "tugas", "skripsi", "makalah", "followers", "subs", "subscribers", "listeners", "viewers",
     "views", "likes", "members", "commissions", "commission", "comms", "komisi", "hiring", "lowongan",
     "loker", "dicari", "part", "home", "rumah", "hp", "hape", "paid", "dibayar", "gaji", "penghasilan",
     "pinjaman", "pinjol", "loan", "loans", "checking", "jaminan", "agunan", "bunga", "cair"}
)  # fmt: skip
_INVEST_GATE = frozenset(
    {"crypto", "kripto", "bitcoin", "btc", "usdt", "forex", "saham", "investasi", "invest", "investment",
     "investing", "trading", "trader", "presale", "pre", "airdrop", "whitelist", "nft", "signal", "sinyal",
     "peluang", "bisnis", "passive", "binary", "coin", "token"}
)  # fmt: skip
_REPORT_GATE = frozenset(
    {"reported", "report", "sengaja", "banned", "ban", "blokir", "disabled", "suspended", "terminated",
     "nonaktif"}
)  # fmt: skip
_FOLLOW_GATE = frozenset(
    {"sub", "follow", "like", "f4f", "l4l", "s4s", "sub4sub", "like4like", "follow4follow", "saling", "each",
     "drop", "balik", "follback", "folback", "folbek", "followback"}
)  # fmt: skip
_SELF_GATE = frozenset({"host", "run", "make", "started", "created", "own", "bikin", "buat", "punya"})
_ALL_GATE = (
    _CONTACT_GATE | _SELL_GATE | _INVEST_GATE | _REPORT_GATE | _FOLLOW_GATE | _SELF_GATE | _GAMBLING_GATE
)
_INVITE_RE = re.compile(
    r"(?:^|[/.])(?:discord\.gg|dsc\.gg|discord\.io)/|discord(?:app)?\.com/invite/", re.IGNORECASE
)
_EXECUTABLE_RE = re.compile(r"\.(?:exe|apk|scr|msi|bat|jar|dmg)(?:[?#]|$)", re.IGNORECASE)

# rule kind -> (category, confidence); the confidence is the verdict's when the rule decides it
KIND_RULES: dict[str, tuple[str, float]] = {
    "report_scam": (SCAM, 0.95),
    "phish": (SCAM, 0.93),
    "malware": (SCAM, 0.93),
    "invest": (SCAM, 0.9),
    "sell": (PROMOTION, 0.88),
    "follow_trade": (PROMOTION, 0.85),
    "invite": (PROMOTION, 0.85),
    "self_made": (PROMOTION, 0.8),
    "gambling": (GAMBLING, 0.9),
}
# Every rule kind of the detector (its own and the ones above) -> its category.
KIND_CATEGORY: dict[str, str] = {
    "lookalike": SCAM,
    "punycode": SCAM,
    "gift": SCAM,
    "money": SCAM,
    "offer": SCAM,
    "everyone": SCAM,
    "promo": PROMOTION,
    "promo_link": PROMOTION,
    "bait": BAIT,
    "mentions": BAIT,
    **{kind: category for kind, (category, _) in KIND_RULES.items()},
}
# When several rules fire, the category of the most telling one: a phishing link beats anything; selling
# beats the payment words that come with it ("paypal or crypto, dm me").
_PRIORITY = ("lookalike", "punycode", "gift", "report_scam", "phish", "malware", "gambling", "sell", "invest",
             "money", "offer", "everyone", "follow_trade", "invite", "self_made", "promo", "promo_link",
             "bait", "mentions")  # fmt: skip
_RANK = {kind: i for i, kind in enumerate(_PRIORITY)}


def category_of(kinds: list[str]) -> str:
    """The category of a verdict decided by the rules ``kinds``."""
    best = min(kinds, key=lambda kind: _RANK.get(kind, len(_RANK)))
    return KIND_CATEGORY.get(best, PROMOTION)


def community_hits(
    text: str,
    tokens: list[str],
    flags: int,
    urls: list[str],
    sites: list[str],
    has_mention: bool,
    gambling: bool = True,
) -> list[str]:
    """The kinds of :data:`KIND_RULES` that fire on one message (folded ``text`` and its words);
    ``gambling=False`` skips the gambling rule (the model already called the message spam)."""
    vocab = _ALL_GATE.intersection(tokens)
    if not vocab and not urls and not sites and not flags and "08" not in text and "+6" not in text:
        return []  # no cue word, link, site name, contact or obfuscation: nothing below can fire
    found: list[str] = []
    if (
        gambling
        and (sites or flags & _n.SPACED or not vocab.isdisjoint(_GAMBLING_GATE))
        and _gambling_cues(text, flags, bool(sites)) >= 2
    ):
        found.append("gambling")
    link = bool(urls)
    invite = link and any(_INVITE_RE.search(url) for url in urls)
    contact = None
    if not vocab.isdisjoint(_REPORT_GATE) and REPORT_SCAM_RE.search(text):
        contact = _has_contact(text, vocab, urls)
        if has_mention or contact or "admin" in text or "staff" in text:
            found.append("report_scam")
    if link and not invite and PHISH_RE.search(text):
        found.append("phish")
    if link and "download" in text and any(_EXECUTABLE_RE.search(u) for u in urls):
        found.append("malware")
    offer = None
    if not vocab.isdisjoint(_SELL_GATE) and SELL_RE.search(text):
        offer = "sell"
    elif not vocab.isdisjoint(_INVEST_GATE) and INVEST_RE.search(text):
        offer = "invest"
    if offer is not None:
        if contact is None:
            contact = _has_contact(text, vocab, urls)
        if contact or (link and offer == "sell"):
            found.append(offer)
    if not vocab.isdisjoint(_FOLLOW_GATE) and (
        FOLLOW_TRADE_RE.search(text) or (FOLLOW_BACK_RE.search(text) and FOLLOW_ASK_RE.search(text))
    ):
        found.append("follow_trade")
    if invite and not JOIN_WORDS.isdisjoint(tokens) and not OWN_WORDS.isdisjoint(tokens):
        found.append("invite")
    elif (
        (link or "@" in text)
        and not vocab.isdisjoint(_SELF_GATE)
        and SELF_MADE_RE.search(text)
        and CALL_RE.search(text)
    ):
        found.append("self_made")
    return found


def _has_contact(text: str, vocab: frozenset[str], urls: list[str]) -> bool:
    if (not vocab.isdisjoint(_CONTACT_GATE) or "08" in text or "+6" in text) and CONTACT_RE.search(text):
        return True
    return bool(urls) and CONTACT_RE.search(" ".join(urls).lower()) is not None


def _gambling_cues(text: str, flags: int, has_site: bool) -> int:
    """How many different gambling cues ``text`` has (0 unless one of them names gambling itself: a bonus,
    a site-like name and "ketik" are no gambling on their own)."""
    cues = {m.lastgroup for m in _GAMBLING_CUES.finditer(text)}
    count = len(cues) + has_site if not cues.isdisjoint(_NAMES_GAMBLING) else 0
    if count < 2 and flags & _n.SPACED:
        count = max(count, len(set(_SPACED_CUES.findall(text))))
    return count


_WORD_END = re.compile(r"[^\W_]*")
_DESCRIPTIONS = {
    "report_scam": ("'I reported your account' scam", (REPORT_SCAM_RE, CONTACT_RE)),
    "phish": ("phishing: something free for a login or your details", (PHISH_RE,)),
    "malware": ("a program to download from an unknown site", (PHISH_RE,)),
    "invest": ("crypto or investment bait with a contact", (INVEST_RE, CONTACT_RE)),
    "sell": ("unsolicited selling, services, jobs or loans", (SELL_RE, CONTACT_RE)),
    "follow_trade": ("follow-for-follow / sub-for-sub", (FOLLOW_TRADE_RE,)),
    "invite": ("invite to their own server", ()),
    "self_made": ("promoting their own channel or server", (SELF_MADE_RE, CALL_RE)),
    "gambling": ("online-gambling promotion", (_GAMBLING_CUES,)),
}


def describe(kind: str, text: str, urls: list[str], sites: list[str]) -> str:
    """The moderator-facing evidence of rule ``kind`` (spam only, so it may be slower)."""
    what, patterns = _DESCRIPTIONS[kind]
    # each match to the end of its last word ("depo 1" of "depo 10rb" reads "depo 10rb")
    terms = [
        text[m.start() : _WORD_END.match(text, m.end()).end()].strip()  # type: ignore[union-attr]
        for pattern in patterns
        for m in pattern.finditer(text)
    ]
    terms = [t for t in terms if t]
    if kind == "gambling":
        terms += [s.upper() for s in sites]
    if kind in ("invite", "phish", "malware", "sell", "invest") and urls:
        terms.append(urls[0])
    quoted = ", ".join(f"'{t}'" for t in dict.fromkeys(" ".join(t.split()) for t in terms) if t)
    return f"{what} ({quoted})" if quoted else what
