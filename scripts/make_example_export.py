"""Write the example community export shipped in examples/ (deterministic from --seed).

"Dapur Nara" is the Discord server of Nara, an Indonesian streamer who cooks on Mondays and Thursdays and
plays co-op games the other nights. Six weeks of chat in four channels (#general, #feedback, #clips and the
Indonesian #ngobrol), about 60 members writing English, Indonesian and a mix of both: praise, questions,
complaints about audio and lag, replies, reactions, a few photo-only posts, a welcome bot and system messages
(skipped by the analyzer), gambling spam ("𝐒𝐋𝐎𝐓 𝐆𝐀𝐂𝐎𝐑 PULAU777") and a fake Nitro link.

The files use DiscordChatExporter's JSON layout, one file per channel, as the real tool writes them:

    python scripts/make_example_export.py                 # writes examples/dapur-nara/*.json
    sentimeter analyze examples/dapur-nara/                # the whole server
    sentimeter analyze examples/dapur-nara/feedback.json   # one channel

`write_channel_export` is reused by benchmarks/bench.py to write large exports."""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import IO, Any

DISCORD_EPOCH_MS = 1_420_070_400_000
JAKARTA = timezone(timedelta(hours=7))
GUILD_ID = 1_180_412_345_678_901_248
GUILD_NAME = "Dapur Nara"
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "examples" / "dapur-nara"


def snowflake(at: datetime, sequence: int) -> int:
    ms = int(at.timestamp() * 1000)
    return ((ms - DISCORD_EPOCH_MS) << 22) | (sequence & 0x3FFFFF)


def iso(at: datetime) -> str:
    """DiscordChatExporter writes local time with its offset, milliseconds trimmed of trailing zeros."""
    local = at.astimezone(JAKARTA)
    text = local.isoformat(timespec="milliseconds")
    head, _, tail = text.partition(".")
    millis, offset = tail[:3].rstrip("0"), tail[3:]
    return f"{head}.{millis}{offset}" if millis else f"{head}{offset}"


# ---------------------------------------------------------------------------------------------------------
# The DiscordChatExporter JSON layout
# ---------------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Role:
    id: int
    name: str
    color: str
    position: int


@dataclass(slots=True)
class Member:
    id: int
    name: str
    nickname: str | None
    roles: tuple[Role, ...]
    is_bot: bool = False
    color: str | None = None
    avatar: str = "0"

    def as_json(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "discriminator": "0000",
            "nickname": self.nickname or self.name,
            "color": self.color,
            "isBot": self.is_bot,
            "roles": [
                {"id": str(r.id), "name": r.name, "color": r.color, "position": r.position}
                for r in self.roles
            ],
            "avatarUrl": f"https://cdn.discordapp.com/embed/avatars/{self.avatar}.png",
        }


@dataclass(slots=True)
class Message:
    id: int
    at: datetime
    author: Member
    content: str
    type: str = "Default"
    edited_at: datetime | None = None
    is_pinned: bool = False
    reply_to: int | None = None
    attachments: list[dict[str, Any]] = field(default_factory=list)
    stickers: list[dict[str, Any]] = field(default_factory=list)
    reactions: list[tuple[str, int]] = field(default_factory=list)  # (emoji, count)
    mentions: list[Member] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Channel:
    id: int
    name: str
    topic: str
    category: str = "Community"
    category_id: int = GUILD_ID + 1


_EMOJI_NAMES = {
    "👍": "thumbsup",
    "❤️": "heart",
    "😂": "joy",
    "🔥": "fire",
    "😭": "sob",
    "👀": "eyes",
    "🙏": "pray",
    "💀": "skull",
    "😋": "yum",
    "👎": "thumbsdown",
}


def _message_json(msg: Message, channel: Channel, author_cache: dict[int, str]) -> str:
    author = author_cache.get(msg.author.id)
    if author is None:
        author = json.dumps(msg.author.as_json(), ensure_ascii=False)
        author_cache[msg.author.id] = author
    body: dict[str, Any] = {
        "id": str(msg.id),
        "type": msg.type,
        "timestamp": iso(msg.at),
        "timestampEdited": iso(msg.edited_at) if msg.edited_at else None,
        "callEndedTimestamp": None,
        "isPinned": msg.is_pinned,
        "content": msg.content,
    }
    tail: dict[str, Any] = {
        "attachments": msg.attachments,
        "embeds": [],
        "stickers": msg.stickers,
        "reactions": [
            {
                "emoji": {
                    "id": "",
                    "name": emoji,
                    "code": _EMOJI_NAMES.get(emoji, "emoji"),
                    "isAnimated": False,
                    "imageUrl": "https://cdn.jsdelivr.net/gh/twitter/twemoji@latest/assets/svg/1f44d.svg",
                },
                "count": count,
            }
            for emoji, count in msg.reactions
        ],
        "mentions": [
            {
                "id": str(m.id),
                "name": m.name,
                "discriminator": "0000",
                "nickname": m.nickname or m.name,
                "isBot": m.is_bot,
            }
            for m in msg.mentions
        ],
    }
    if msg.reply_to is not None:
        tail["reference"] = {
            "messageId": str(msg.reply_to),
            "channelId": str(channel.id),
            "guildId": str(GUILD_ID),
        }
    head = json.dumps(body, ensure_ascii=False)[:-1]
    rest = json.dumps(tail, ensure_ascii=False)[1:]
    return f'{head}, "author": {author}, {rest}'


def write_channel_export(
    out: IO[str], *, guild_id: int, guild_name: str, channel: Channel, messages: Iterable[Message]
) -> int:
    """Stream one channel in DiscordChatExporter's JSON layout (one message per line); returns the count."""
    header = {
        "guild": {
            "id": str(guild_id),
            "name": guild_name,
            "iconUrl": "https://cdn.discordapp.com/embed/avatars/1.png",
        },
        "channel": {
            "id": str(channel.id),
            "type": "GuildTextChat",
            "categoryId": str(channel.category_id),
            "category": channel.category,
            "name": channel.name,
            "topic": channel.topic,
        },
        "dateRange": {"after": None, "before": None},
        "exportedAt": iso(datetime(2024, 10, 15, 3, 0, tzinfo=UTC)),
    }
    out.write(json.dumps(header, ensure_ascii=False, indent=2)[:-2])
    out.write(',\n  "messages": [\n')
    count = 0
    author_cache: dict[int, str] = {}
    for msg in messages:
        if count:
            out.write(",\n")
        out.write("    ")
        out.write(_message_json(msg, channel, author_cache))
        count += 1
    out.write(f'\n  ],\n  "messageCount": {count}\n}}\n')
    return count


# ---------------------------------------------------------------------------------------------------------
# What people say
# ---------------------------------------------------------------------------------------------------------
FOODS = [
    "rendang",
    "nasi goreng",
    "sambal matah",
    "martabak",
    "soto ayam",
    "ramen",
    "pancakes",
    "es cendol",
    "sate ayam",
    "mie ayam",
    "brownies",
    "gado-gado",
]
GAMES = [
    "Overcooked 2",
    "Stardew Valley",
    "Elden Ring",
    "Minecraft",
    "Valorant",
    "Lethal Company",
    "It Takes Two",
    "Palworld",
]
EMOJI = [
    "😂",
    "🔥",
    "❤️",
    "😋",
    "👀",
    "🙏",
    "😭",
    "💀",
    "👍",
    "✨",
    "<:naraHype:1180412999000000001>",
    "<:sambalSpicy:1180412999000000002>",
    "<a:naraDance:1180412999000000003>",
]

EN_POSITIVE = [
    "the {food} today looked amazing, saving the recipe",
    "that {game} run was so fun to watch {e}",
    "best stream this week honestly",
    "love how chill the cooking streams are {e}",
    "the new overlay looks really clean, great job",
    "thanks for the shoutout Nara!! made my day {e}",
    "tried your {food} recipe and my family loved it",
    "this community is so wholesome {e}",
    "congrats on 10k followers, well deserved!",
    "audio is way better now, thanks for fixing it",
    "lol the way you panicked in {game} {e}",
    "that clip is hilarious {e} {e}",
    "can't wait for the next {food} episode!",
    "great collab with Bima yesterday, more please",
    "your knife skills got so much better",
    "the co-op night was awesome, thanks for letting us join",
]
EN_NEUTRAL = [
    "what time is the stream tomorrow?",
    "is the {food} recipe in the description?",
    "which mic are you using now",
    "anyone playing {game} tonight?",
    "what temperature for the oven again",
    "is there a VOD for yesterday",
    "how long did the {food} take",
    "@everyone reminder: stream starts 7pm WIB",
    "what's the song at the start of the stream",
    "I'm from Malaysia btw, watching from KL",
    "does anyone know where to buy galangal in Berlin",
    "ok",
    "brb dinner",
    "the schedule is pinned in #announcements",
    "who won the giveaway?",
    "<@{m}> check this one",
]
EN_NEGATIVE = [
    "the audio was terrible again, couldn't hear anything over the game",
    "stream lagged so badly I gave up after 20 minutes",
    "honestly the {game} streams are boring, bring back cooking",
    "too many ads this week, it's getting annoying",
    "the {food} was way too salty, that recipe is wrong",
    "why did you delete my comment? that's unfair",
    "mods are rude here lately, not cool",
    "the music was so loud I had to mute the stream",
    "worst stream in a while, sorry but it was painfully slow",
    "the giveaway felt rigged tbh, same people win every time",
    "camera was blurry the whole time, really disappointing",
    "please stop screaming into the mic, it hurts",
    "this schedule change is frustrating, I missed the whole thing",
    "ugh the chat was toxic yesterday and nobody did anything",
    "the stream kept freezing every few minutes, really annoying",
    "I waited an hour and the stream got cancelled, not happy",
    "the {food} segment felt rushed and messy",
    "that sponsor read was so cringe, please no more",
    "hate the new alert sound, it's awful",
    "the game audio drowns out your voice every single time",
    "{game} again? so boring, skipping this one",
    "you ignored chat the whole stream, kinda sad",
]
ID_POSITIVE = [
    "{food} nya kelihatan enak banget {e}",
    "mantap kak, streamnya seru banget hari ini",
    "makasih kak resepnya, keluarga aku suka banget",
    "wkwk kocak banget pas main {game} {e}",
    "suaranya udah jernih sekarang, keren",
    "semangat terus kak Nara! {e}",
    "komunitas ini asik banget, betah di sini",
    "resep {food} kemarin berhasil, enak parah",
    "keren kak overlay barunya",
    "seneng banget bisa ikut main bareng",
    "gokil clip kemarin {e}",
    "terima kasih giveaway nya kak, senang sekali",
]
ID_NEUTRAL = [
    "besok live jam berapa kak?",
    "resep {food} ada di deskripsi ga?",
    "ada yang main {game} malam ini?",
    "kak pakai kompor apa?",
    "aku dari Surabaya, salam kenal semua",
    "jadwal live minggu ini udah keluar belum",
    "oke kak",
    "otw pulang kerja, nanti nonton",
    "itu beli bahannya di mana kak",
    "<@{m}> udah liat ini belum",
    "kalau ga pakai santan bisa ga kak",
    "siapa yang menang giveaway kemarin?",
]
ID_NEGATIVE = [
    "suaranya kecil banget, ga kedengeran",
    "streamnya ngelag parah, kecewa",
    "jujur makin membosankan kalau main {game} terus",
    "iklannya kebanyakan, ganggu banget",
    "{food} nya keasinan kak, resepnya salah",
    "modnya galak banget, ga asik",
    "kameranya buram terus, capek nontonnya",
    "jelek banget kualitas streamnya hari ini",
    "kenapa komen aku dihapus? ga adil",
    "musiknya terlalu keras, pusing dengernya",
    "giveaway nya ga jelas, yang menang itu-itu aja",
    "streamnya putus-putus terus, nyebelin",
    "udah nunggu sejam malah batal live, kecewa berat",
    "suara game nya nutupin suara kakak, ga jelas",
    "sponsor nya kepanjangan, bosen",
    "chat diabaikan terus, sedih deh",
    "{game} lagi? males nonton",
]
MIXED_POSITIVE = [
    "anjir that {food} looks so good {e}",
    "seru banget the {game} stream, love it",
    "best collab ever sih, mantap",
    "literally nangis liat clip ini {e} so wholesome",
    "the audio udah bagus banget now",
    "gila sih skillnya, insane clutch",
]
MIXED_NEUTRAL = [
    "btw besok stream jam berapa ya",
    "anyone mau mabar {game} malam ini?",
    "link resep {food} nya where ya",
    "wait itu pakai gula jawa or gula pasir?",
]
MIXED_NEGATIVE = [
    "audionya jelek banget today, so annoying",
    "lag parah, literally unwatchable",
    "sorry but {game} streamnya boring banget",
    "jujur the new schedule bikin kecewa",
    "kok mods nya rude sih, not cool",
    "stream hari ini so laggy, ga bisa ditonton",
    "the {food} keasinan banget, resepnya wrong kayaknya",
]
SPAM = [
    "𝐒𝐋𝐎𝐓 𝐆𝐀𝐂𝐎𝐑 PULAU777 hari ini maxwin terus!! deposit 10rb langsung cair 💰💰",
    "mau cuan? main di 𝐏𝐔𝐋𝐀𝐔𝟕𝟕𝟕 aja, gacor parah, wd berapapun dibayar",
    "P U L A U 7 7 7 slot gacor malam ini, rtp tinggi, buruan daftar",
    "Free Discord Nitro for 3 months 🎁 claim here before it expires: https://dlscord-gift.com/nitro/3m",
    "@everyone free nitro giveaway from staff https://discorcl.gift/claim?u=nara",
]
CLIP_WORDS = [
    "Brave",
    "Spicy",
    "Tiny",
    "Loud",
    "Happy",
    "Crispy",
    "Sleepy",
    "Golden",
    "Wombat",
    "Noodle",
    "Kappa",
    "PogChamp",
    "Chicken",
    "Mango",
    "Panda",
    "Rice",
]
_ID_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"


def clip_url(rng: random.Random) -> str:
    """Links shaped like the real ones (Twitch clip slugs, YouTube ids, TikTok video numbers)."""
    kind = rng.random()
    if kind < 0.5:
        slug = "".join(rng.sample(CLIP_WORDS, 4)) + "-" + "".join(rng.choices(_ID_CHARS[:62], k=16))
        return f"https://clips.twitch.tv/{slug}"
    if kind < 0.85:
        return "https://youtu.be/" + "".join(rng.choices(_ID_CHARS, k=11))
    return f"https://www.tiktok.com/@dapurnara/video/{rng.randrange(7 * 10**18, 8 * 10**18)}"


OPENERS = {
    "en": ["", "", "", "", "honestly ", "ok so ", "yo ", "btw "],
    "id": ["", "", "", "", "kak ", "btw ", "eh "],
}
CLOSERS = {
    "en": ["", "", "", "", " ...", " lol", " !!", " 🙏", " haha"],
    "id": ["", "", "", "", " ...", " wkwk", " sih", " deh", " 🙏"],
}

CHANNEL_MIX: dict[str, list[tuple[list[str], float]]] = {
    # (templates, weight) per channel
    "general": [
        (EN_POSITIVE, 30),
        (EN_NEUTRAL, 30),
        (EN_NEGATIVE, 3),
        (ID_POSITIVE, 6),
        (ID_NEUTRAL, 6),
        (ID_NEGATIVE, 1),
        (MIXED_POSITIVE, 8),
        (MIXED_NEUTRAL, 6),
        (MIXED_NEGATIVE, 2),
    ],
    "feedback": [
        (EN_POSITIVE, 25),
        (EN_NEUTRAL, 12),
        (EN_NEGATIVE, 14),
        (ID_POSITIVE, 6),
        (ID_NEUTRAL, 3),
        (ID_NEGATIVE, 5),
        (MIXED_POSITIVE, 4),
        (MIXED_NEUTRAL, 2),
        (MIXED_NEGATIVE, 5),
    ],
    "clips": [
        (EN_POSITIVE, 45),
        (EN_NEUTRAL, 15),
        (EN_NEGATIVE, 3),
        (ID_POSITIVE, 12),
        (ID_NEUTRAL, 4),
        (MIXED_POSITIVE, 15),
        (MIXED_NEGATIVE, 2),
    ],
    "ngobrol": [
        (ID_POSITIVE, 32),
        (ID_NEUTRAL, 32),
        (ID_NEGATIVE, 5),
        (MIXED_POSITIVE, 10),
        (MIXED_NEUTRAL, 8),
        (MIXED_NEGATIVE, 2),
        (EN_NEUTRAL, 2),
    ],
}
CHANNEL_SHARE = {"general": 0.40, "feedback": 0.16, "clips": 0.14, "ngobrol": 0.30}
CHANNELS = [
    Channel(GUILD_ID + 10, "general", "Talk about anything. Be nice."),
    Channel(GUILD_ID + 11, "feedback", "Tell Nara what worked and what didn't on stream"),
    Channel(GUILD_ID + 12, "clips", "Post your favourite moments"),
    Channel(GUILD_ID + 13, "ngobrol", "Ngobrol santai pakai bahasa Indonesia"),
]

FIRST = [
    "adit",
    "bima",
    "citra",
    "dewi",
    "eka",
    "fajar",
    "gilang",
    "hana",
    "indra",
    "joko",
    "kirana",
    "lukas",
    "maya",
    "nanda",
    "oscar",
    "putri",
    "rizky",
    "sari",
    "tomo",
    "umar",
    "vina",
    "wulan",
    "yoga",
    "zahra",
    "alex",
    "bella",
    "chris",
    "dana",
    "emma",
    "felix",
    "grace",
    "henry",
    "ivy",
    "jamie",
    "kai",
    "liam",
    "mia",
    "noah",
    "olivia",
    "priya",
    "quinn",
    "ruby",
    "sam",
    "tara",
    "uma",
    "victor",
    "will",
    "yuki",
    "zoe",
    "arif",
    "bayu",
    "dimas",
    "fitri",
    "galih",
    "hendra",
    "intan",
    "ketut",
    "lina",
    "made",
    "nur",
]
SUFFIX = ["", "_", "123", "gaming", "cooks", "99", "_id", "xo", "tv", "07"]


def make_members(rng: random.Random, count: int) -> tuple[list[Member], list[float]]:
    mod = Role(GUILD_ID + 100, "Moderator", "#E67E22", 5)
    sub = Role(GUILD_ID + 101, "Twitch Subscriber", "#9B59B6", 3)
    regular = Role(GUILD_ID + 102, "Regular", "#3498DB", 2)
    members: list[Member] = []
    weights: list[float] = []
    names = rng.sample(FIRST, k=min(count, len(FIRST)))
    while len(names) < count:
        names.append(rng.choice(FIRST) + str(len(names)))
    for index, base in enumerate(names):
        roles: list[Role] = []
        if index < 3:
            roles.append(mod)
        if rng.random() < 0.35:
            roles.append(sub)
        if rng.random() < 0.5:
            roles.append(regular)
        name = base + rng.choice(SUFFIX)
        members.append(
            Member(
                id=800_000_000_000_000_000 + index * 7_919_000_013,
                name=name,
                nickname=base.capitalize() if rng.random() < 0.4 else None,
                roles=tuple(roles),
                color=roles[0].color if roles else None,
                avatar=str(index % 6),
            )
        )
        weights.append(rng.paretovariate(1.2))  # a few very chatty members, a long tail of lurkers
    return members, weights


def fill(template: str, rng: random.Random, members: list[Member]) -> tuple[str, list[Member]]:
    mentioned: list[Member] = []
    text = template
    while "{e}" in text:
        text = text.replace("{e}", rng.choice(EMOJI), 1)
    if "{m}" in text:
        who = rng.choice(members)
        mentioned.append(who)
        text = text.replace("{m}", str(who.id))
    text = text.replace("{food}", rng.choice(FOODS)).replace("{game}", rng.choice(GAMES))
    lang = "en" if any(w in text for w in (" the ", "this ", " is ", "you", "stream ")) else "id"
    text = rng.choice(OPENERS[lang]) + text + rng.choice(CLOSERS[lang])
    if rng.random() < 0.12:
        text = text[:1].upper() + text[1:]
    return text, mentioned


def _activity_time(rng: random.Random, start: datetime, days: int) -> datetime:
    """Evenings in Jakarta are busy, stream nights (Mon/Thu cooking, Sat games) busier."""
    while True:
        day = rng.randrange(days)
        date = start + timedelta(days=day)
        weekday = date.astimezone(JAKARTA).weekday()
        busy = 2.5 if weekday in (0, 3, 5) else 1.0
        if rng.random() * 2.5 > busy:
            continue
        hour = rng.choices(
            range(24), weights=[2, 1, 1, 1, 1, 1, 2, 3, 3, 3, 3, 4, 5, 4, 4, 4, 5, 6, 8, 12, 14, 12, 8, 4]
        )[0]
        local = date.astimezone(JAKARTA).replace(
            hour=hour,
            minute=rng.randrange(60),
            second=rng.randrange(60),
            microsecond=rng.randrange(1000) * 1000,
        )
        return local.astimezone(UTC)


def generate(seed: int, total: int, members_count: int = 60, days: int = 42) -> dict[str, list[Message]]:
    rng = random.Random(seed)
    start = datetime(2024, 9, 2, tzinfo=JAKARTA).astimezone(UTC)
    members, weights = make_members(rng, members_count)
    bot = Member(id=GUILD_ID + 500, name="Sajen", nickname="Sajen", roles=(), is_bot=True, avatar="5")
    spam_names = ["pulau777_official", "gacor.maxwin", "nitro-staff", "slot.gacor88", "hadiah_nitro"]
    per_channel: dict[str, list[Message]] = {c.name: [] for c in CHANNELS}
    sequence = 0
    # people
    for _ in range(total):
        channel = rng.choices(CHANNELS, weights=[CHANNEL_SHARE[c.name] for c in CHANNELS])[0]
        author = rng.choices(members, weights=weights)[0]
        at = _activity_time(rng, start, days)
        sequence += 1
        msg = Message(id=snowflake(at, sequence), at=at, author=author, content="")
        roll = rng.random()
        if channel.name == "clips" and roll < 0.3:
            msg.content = clip_url(rng)
            if rng.random() < 0.6:
                msg.content += " " + fill(rng.choice(EN_POSITIVE + MIXED_POSITIVE), rng, members)[0]
        elif roll < 0.025:
            name = rng.choice(["IMG_2041.jpg", "masakan.png", "setup.jpg", "hasil_rendang.jpg"])
            msg.attachments = [
                {
                    "id": str(msg.id + 1),
                    "url": f"https://cdn.discordapp.com/attachments/{channel.id}/{msg.id + 1}/{name}",
                    "fileName": name,
                    "fileSizeBytes": rng.randrange(80_000, 3_000_000),
                }
            ]
        elif roll < 0.035:
            msg.stickers = [
                {
                    "id": "749054660769218631",
                    "name": "Wave",
                    "format": "Lottie",
                    "sourceUrl": "https://cdn.discordapp.com/stickers/749054660769218631.json",
                }
            ]
        else:
            pool = CHANNEL_MIX[channel.name]
            templates = rng.choices([p for p, _ in pool], weights=[w for _, w in pool])[0]
            msg.content, msg.mentions = fill(rng.choice(templates), rng, members)
            if 0.035 <= roll < 0.06:
                name = rng.choice(["plating.jpg", "rendang_attempt.jpg", "screenshot.png"])
                msg.attachments = [
                    {
                        "id": str(msg.id + 1),
                        "url": f"https://cdn.discordapp.com/attachments/{channel.id}/{msg.id + 1}/{name}",
                        "fileName": name,
                        "fileSizeBytes": rng.randrange(80_000, 3_000_000),
                    }
                ]
        if rng.random() < 0.04:
            msg.edited_at = at + timedelta(seconds=rng.randrange(20, 900))
        if rng.random() < 0.35:
            picks = rng.sample(list(_EMOJI_NAMES), k=rng.choice([1, 1, 1, 2, 2, 3]))
            msg.reactions = [(e, rng.choice([1, 1, 1, 2, 2, 3, 4, 6, 9])) for e in picks]
        per_channel[channel.name].append(msg)
    # the welcome bot, joins and pins: skipped by the analyzer, as the live bot skips them
    for _ in range(max(1, total // 60)):
        at = _activity_time(rng, start, days)
        sequence += 1
        who = rng.choice(members)
        per_channel["general"].append(
            Message(id=snowflake(at, sequence), at=at, author=who, content="", type="GuildMemberJoin")
        )
        sequence += 1
        per_channel["general"].append(
            Message(
                id=snowflake(at + timedelta(seconds=2), sequence),
                at=at + timedelta(seconds=2),
                author=bot,
                content=f"Welcome <@{who.id}> to Dapur Nara! Grab a role in #roles 🍳",
                mentions=[who],
            )
        )
    for name in ("general", "feedback"):
        at = start + timedelta(days=rng.randrange(days), hours=rng.randrange(24))
        sequence += 1
        per_channel[name].append(
            Message(
                id=snowflake(at, sequence), at=at, author=members[0], content="", type="ChannelPinnedMessage"
            )
        )
    # spam waves: fresh accounts posting the same thing in several channels within minutes
    for wave in range(max(1, total // 600)):
        at = _activity_time(rng, start, days)
        # a throwaway account made shortly before the wave (Discord ids carry their creation time)
        made = at - timedelta(minutes=rng.randrange(20, 300))
        spammer = Member(
            id=snowflake(made, wave),
            name=spam_names[wave % len(spam_names)],
            nickname=None,
            roles=(),
            avatar="0",
        )
        text = SPAM[3 + wave % 2] if "nitro" in spammer.name else SPAM[wave % 3]
        for offset, channel in enumerate(rng.sample(CHANNELS, k=3)):
            when = at + timedelta(seconds=40 * offset + rng.randrange(20))
            sequence += 1
            per_channel[channel.name].append(
                Message(id=snowflake(when, sequence), at=when, author=spammer, content=text)
            )
    for messages in per_channel.values():
        messages.sort(key=lambda m: m.id)
        _add_replies(rng, messages)
    return per_channel


def _add_replies(rng: random.Random, messages: list[Message]) -> None:
    recent: list[Message] = []
    for msg in messages:
        if msg.type == "Default" and msg.content and recent and rng.random() < 0.2:
            target = rng.choice(recent[-8:])
            if target.author.id != msg.author.id:
                msg.type = "Reply"
                msg.reply_to = target.id
                if rng.random() < 0.5 and target.author not in msg.mentions:
                    msg.mentions.append(target.author)
        if msg.type in ("Default", "Reply") and not msg.author.is_bot:
            recent.append(msg)


def write_all(out_dir: Path, seed: int, total: int) -> dict[str, int]:
    out_dir.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    per_channel = generate(seed, total)
    for channel in CHANNELS:
        path = out_dir / f"{channel.name}.json"
        with path.open("w", encoding="utf-8", newline="\n") as fp:
            counts[path.name] = write_channel_export(
                fp,
                guild_id=GUILD_ID,
                guild_name=GUILD_NAME,
                channel=channel,
                messages=per_channel[channel.name],
            )
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (one file per channel)")
    parser.add_argument("--seed", type=int, default=20240902)
    parser.add_argument("--messages", type=int, default=3600, help="messages written by people")
    args = parser.parse_args(argv)
    counts = write_all(args.out, args.seed, args.messages)
    size = sum((args.out / name).stat().st_size for name in counts)
    for name, count in counts.items():
        print(f"{args.out / name}: {count} messages", file=sys.stderr)
    print(f"total {sum(counts.values())} messages, {size / 1e6:.2f} MB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
