"""A seeded corpus of ordinary and hostile messages for pinning every spam verdict and fingerprint
(tests/spam/test_identity.py, scripts/check_spam_identity.py). Original text, CC0.

Hostile pieces exercise every rule gate: gambling cues and site names, styled, circled, Cyrillic, spaced and
leet lettering, invisible characters, links (common, unknown, shortened, look-alike, punycode, invites,
referrals, executables), mentions, money, contacts, offers, bait, self-promotion, selling and scams. The
word lists are fixed here (not read from the rules) so the corpus stays the same when the rules change.
"""

from __future__ import annotations

import random
from collections.abc import Sequence


def _words(text: str) -> list[str]:
    return text.split()


ORDINARY = _words(
    "the stream was really good today and I loved the new overlay but the audio was a bit quiet "
    "honestly this is the best community ever thanks for the giveaway can't wait for tomorrow lol that "
    "clip is hilarious why is the chat so slow gg wp nice one mods are sleeping again anyone up for "
    "ranked later seru banget streamnya tadi suaranya kecil gak kedengeran bang kapan live lagi wkwk "
    "mantap jiwa keren parah isinya itu-itu aja gue suka banget sama editannya kok lag ya jam berapa "
    "mulai nanti malam we killed the raid died to the boss 6 times missed the stream will watch the VOD "
    "join our discord check the pinned post subscribe button is broken on mobile who else is here from "
    "tiktok"
)
HOSTILE = _words(
    "slot gacor maxwin max win x500 x1000 jp jutaan pasti jp depo 10rb min depo via dana wd 50k bukti "
    "wd withdraw rtp live scatter hitam mahjong ways olympus zeus starlight princess bonanza gatotkaca "
    "togel sgp judi bola parlay casino link alternatif situs resmi bocoran pola gacor bonus new member "
    "cashback cek bio daftar sekarang ketik admin fast respon PULAU777 XUXU4D AGUSTOTO PULAUWIN aero88 "
    "petir hoki cuan judol anti rungkad free nitro claim your gift steam giveaway free robux free "
    "vbucks airdrop who is first crypto bitcoin usdt forex invest passive income $500 1000 usd paypal "
    "cashapp dm me whatsapp telegram wa.me t.me hit me up contact this admin +62 812 3456 7890 "
    "081234567890 free gift cards earn money online make money free iphones check out my channel "
    "subscribe to me sub4sub follow for follow sub 4 sub like this comment click here please like my "
    "video i'm a rapper new youtuber here my new song if i get 100 subscribers help me reach 1k subs "
    "check me out give it a listen selling accounts jual akun open po ready stock harga nego joki rank "
    "jasa edit open commissions commissions are open hiring part time work from home get paid pinjaman "
    "pinjol tanpa jaminan i accidentally reported your account your account will be banned gak sengaja "
    "report akun kamu akan di banned verify your account enter your password login with steam free 1000 "
    "diamonds you have been selected klaim hadiah leaked beta saling follow follback ya kak follow aku "
    "dong drop your channel i run a server join my server i just started a podcast check it out gabung "
    "yuk download the setup now minat dm order via wa link di bio info di profil apply here now"
)
LINKS = (
    "https://youtu.be/dQw4w9WgXcQ", "https://www.youtube.com/watch?v=abc123", "https://twitch.tv/naraplays",
    "https://discord.gg/abcdef", "https://discord.com/invite/xyz", "https://dlscord-gift.com/nitro",
    "https://steamcommunlty.com/tradeoffer/new", "http://xn--dscord-8ya.com/gift", "bit.ly/3xYz9Q",
    "https://pulau777.com/daftar", "www.agustoto.vip", "https://example.shop/item?ref=abc123",
    "https://www.amazon.com/dp/B0?tag=x-20", "http://192.168.1.4/free", "https://cheats.xyz/setup.exe",
    "https://myblog.blogspot.com/2016/01/post.html", "https://www.facebook.com/mypage",
    "https://www.gofundme.com/help-me", "linktr.ee/nara", "https://github.com/user/repo",
    "https://clips.twitch.tv/FunnySlug-abc", "tokopedia.com/toko/produk", "http://url_removed",
)  # fmt: skip
STYLED = (
    "𝐒𝐋𝐎𝐓 𝐆𝐀𝐂𝐎𝐑", "ＳＩＴＵＳ", "ⓅⓊⓁⒶⓊ⑦⑦⑦", "🅟🅤🅛🅐🅤", "AEЯO88", "P͓̽U͓̽L͓̽A͓̽U͓̽",
    "s\u200bl\u200bo\u200bt", "P U L A U 7 7 7",
    "s.l.o.t g.a.c.o.r", "p3t1r", "PuIauwin", "ᴊᴘ ᴛᴇʀᴜs", "𝓶𝓪𝔁𝔀𝓲𝓷", "ＷＤ ５０ｋ", "❶❷❸", "ꜱʟᴏᴛ",
    "b.o.c.o.r.a.n r.t.p h.a.r.i i.n.i", "S̶L̶O̶T̶", "café crème", "naïve résumé", "x² ½ Ⅷ", "\u212a",
)  # fmt: skip
EXTRAS = (
    "<@123456789012345678>", "<@!223456789012345678>", "@everyone", "@here", "<#345678901234567890>",
    "<:KEKW:123456789012345678>", "💀", "😭😭", "🙏", "🔥🔥🔥", "❤️", "!!!", "???", "&amp;", "&lt;3", "...",
    "\ufeff", "\u200b", "#1", "2024", "10k", "3x", "#promo", "~", "`code`", "**bold**", "||spoiler||",
)  # fmt: skip


def identity_corpus(n: int = 6000, seed: int = 12) -> list[str]:
    """``n`` texts: a third ordinary chat, the rest mixing hostile words, links, styled lettering and extras
    into ordinary words in varied case and length (including mass mentions and empty-ish texts)."""
    rng = random.Random(seed)
    out: list[str] = []
    for i in range(n):
        kind = i % 6
        length = rng.choice((1, 2, 3, 4, 6, 9, 14, 25, 70))
        if kind < 2:
            words = [rng.choice(ORDINARY) for _ in range(length)]
        else:
            pools: list[Sequence[str]] = [ORDINARY, HOSTILE]
            if kind >= 3:
                pools.append(LINKS)
            if kind >= 4:
                pools.append(STYLED)
            if kind == 5:
                pools.append(EXTRAS)
            words = [rng.choice(rng.choice(pools)) for _ in range(length)]
        if rng.random() < 0.05:
            words += [f"<@{rng.randrange(10**17, 10**18)}>" for _ in range(rng.randrange(3, 8))]
        text = " ".join(words)
        case = rng.random()
        if case < 0.1:
            text = text.upper()
        elif case < 0.2:
            text = text.title()
        if rng.random() < 0.1:
            text = "\ufeff" + text + "\ufeff"
        out.append(text)
    out += ["", " ", "\ufeff", "\u200b", "🔥", "<@1> <@2>", "gm", "lol", "&amp;amp;", "a" * 3000]
    return out
