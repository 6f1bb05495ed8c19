"""Write the example community export shipped in examples/ (deterministic from --seed).

"Dapur Nara" is the Discord server of Nara, an Indonesian streamer who cooks on Mondays and Thursdays and
plays co-op games the other nights. Six weeks of chat in four channels (#general, #feedback, #clips and the
Indonesian #ngobrol), about 60 members writing English, Indonesian and a mix of both: hype, praise, cooking
and gaming talk, questions, small talk, complaints on many topics (audio, lag, schedule, ads, camera, content,
moderation, giveaways, the chat itself), clips, replies, reactions, a few photo-only posts, a welcome bot and
system messages (skipped by the analyzer), and waves of spam from throwaway accounts: online gambling in
styled Unicode ("𝐒𝐋𝐎𝐓 𝐆𝐀𝐂𝐎𝐑 PULAU777") and fake Nitro scams. Comments are built from templates with many
alternatives, and no finished text is used more than MAX_REPEATS times. The text is original to this
example and dedicated to the public domain (CC0).

The files use DiscordChatExporter's JSON layout, one file per channel, as the real tool writes them:

    python scripts/make_example_export.py                 # writes examples/dapur-nara/*.json
    sentimeter analyze examples/dapur-nara/                # the whole server
    sentimeter analyze examples/dapur-nara/feedback.json   # one channel

`write_channel_export` is reused by benchmarks/bench.py to write large exports."""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable
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
# Templates: "{a|b|c}" picks one alternative ("{|a}" may leave it out); "{food}", "{game}", "{e}" (an emoji),
# "{m}" (a mention), "{n}", "{hour}", "{jam}", "{day}", "{hari}", "{price}", "{rank}" fill in. Every text here
# was written for this example (CC0). A finished text is used at most MAX_REPEATS times (short chat such as
# "lol" included), so the example reads like people, not like a loop.
MAX_REPEATS = 3

FOODS = ["rendang", "nasi goreng", "sambal matah", "martabak manis", "soto ayam", "ayam geprek", "pancakes",
         "es cendol", "sate ayam", "mie ayam", "brownies kukus", "gado-gado", "pisang goreng", "tempe"
         " mendoan",
         "nasi uduk", "bakso", "klepon", "seblak", "opor ayam", "pempek"]  # fmt: skip
GAMES = ["Overcooked 2", "Stardew Valley", "Elden Ring", "Minecraft", "Valorant", "Lethal Company",
         "It Takes Two", "Palworld", "Mobile Legends", "Genshin", "Phasmophobia", "Plate Up"]  # fmt: skip
EMOJI = ["😂", "🔥", "❤️", "😋", "👀", "🙏", "😭", "💀", "👍", "✨", "🤤", "🥲", "😤",
         "<:naraHype:1180412999000000001>", "<:sambalSpicy:1180412999000000002>",
         "<a:naraDance:1180412999000000003>"]  # fmt: skip
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
HARI = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
RANKS = ["Gold", "Plat", "Diamond", "Ascendant", "Epic", "Legend", "Mythic"]


def _slot(name: str, rng: random.Random) -> str | None:
    match name:
        case "food":
            return rng.choice(FOODS)
        case "game":
            return rng.choice(GAMES)
        case "e":
            return rng.choice(EMOJI)
        case "n":
            return str(rng.randint(2, 9))
        case "hour":
            return f"{rng.choice([6, 7, 7, 8, 8, 9])}{rng.choice(['pm', ' pm', 'pm WIB', ''])}"
        case "jam":
            return f"jam {rng.choice([6, 7, 7, 8, 8, 9])}{rng.choice(['', ' malam', ' WIB'])}"
        case "day":
            return rng.choice(DAYS)
        case "hari":
            return rng.choice(HARI)
        case "price":
            return rng.choice(["15rb", "20rb", "25rb", "35rb", "50rb", "12k", "18k"])
        case "rank":
            return rng.choice(RANKS)
    return None


# kind -> language -> templates. Complaints are "complaint/<topic>".
TALK: dict[str, dict[str, list[str]]] = {
    "hype": {
        "en": [
            "{LETS GOOO|let's gooo|lets go} {tonight is|today is} {food} night {e}",
            "{omg|yo|ayy} {she's|Nara's} live{!|!!| already?} {e}",
            "{congrats on|huge congrats on|so proud of you for} {10k|11k|the 12k}"
            " followers{!|!!}{| you earned it| well deserved}",
            "been waiting all {day|week} for {this|this stream|the {game} night}{| fr}",
            "{hyped|so hyped|lowkey hyped} for the {game} collab{| with Bima| on {day}}",
            "{that|this} {intro|opening|new intro song} {goes hard|slaps|is such a vibe} {e}",
            "{first time|first time ever} catching the stream live{, hi everyone|, hello from KL|!}",
            "just got home {just in time|right on time} {e}",
            "the {recap|highlight} video is {out|up}{ and it's so good| already?| go watch it}",
            "{subbed|resubbed} for {n} months{ today| now}, {love|loving} this place",
        ],
        "id": [
            "{akhirnya|yeay} live juga {kak|}{ {e}|!|!!}",
            "{gasss|gas terus} kak, {udah nungguin dari tadi|dari sore nungguin}",
            "selamat {kak|kak Nara} udah {10k|11 ribu|12 ribu} follower{!|, pantes banget}",
            "{ga sabar|gak sabar} nunggu {collab|mabar} {game} {hari {hari}|minggu depan}",
            "{pas banget|untung} baru pulang {kerja|kuliah}, langsung nonton {e}",
            "{intro|lagu pembuka} barunya {enak banget|nagih|keren parah} {e}",
            "{pertama kali|baru pertama kali} nonton live,"
            " {salam kenal|halo semua}{| dari Medan| dari Bandung}",
            "{rame banget|ramai sekali} chat malam ini {wkwk|haha|}{| {e}}",
        ],
        "mix": [
            "{let's go|lets gooo} {food} night{| akhirnya} {e}",
            "{finally|akhirnya} live, {udah nunggu|been waiting} dari tadi{| {e}}",
            "{congrats|selamat} kak, {10k|12k} followers{ well deserved| pantes banget}",
            "{hype banget|so hyped} buat {game} {malam ini|tonight}",
            "{gila|anjir} chatnya {rame|fast} banget tonight {e}",
        ],
    },
    "praise": {
        "en": [
            "the {food} {looked|turned out} {amazing|so good|unreal}"
            "{, saving the recipe|, my stomach is growling|}",
            "{audio is|the mic sounds} {way better|so much cleaner} {now|since the new mic},"
            " thanks for fixing it",
            "{love|really like} how {chill|calm|cozy} the cooking streams are{| {e}}",
            "the new overlay {looks|is} {really clean|so clean|super tidy}{, great job| ngl}",
            "thanks for the shoutout{ Nara|}!! {made my day|made my week} {e}",
            "tried your {food} recipe {yesterday|last night|for my family} and"
            " {it was a hit|everyone loved it|it actually worked}",
            "your knife skills {got|have gotten} so much {better|faster}{ since {day}|}",
            "{the|that} co-op night was {awesome|so much fun}, thanks for letting us join",
            "{good call|smart move} {putting|adding} the recipe in the description",
            "{appreciate|really appreciate} you reading chat even when it's {busy|chaos}",
            "{best|favourite} stream this week{ honestly| tbh|}",
        ],
        "id": [
            "{food}nya kelihatan {enak banget|mantap|menggoda} {e}",
            "makasih kak resepnya, {keluarga aku suka banget|ibu aku sampe minta lagi}",
            "suaranya udah {jernih|bening|enak didenger} sekarang, {keren|mantap}",
            "resep {food} {kemarin|minggu lalu} berhasil, enak {parah|banget}",
            "overlay barunya {rapi|keren} kak{|, suka}",
            "{seneng|senang} banget bisa ikut main bareng{| kemarin}",
            "{terima kasih|makasih} udah bacain chat satu-satu kak",
            "{cara|teknik} potong bawangnya {makin|tambah} cepet aja",
        ],
        "mix": [
            "{food}nya {looks so good|kelihatan enak} {e}",
            "the audio udah {bagus|jernih} banget now",
            "{best collab ever sih|collab kemarin best sih}, {mantap|keren}",
            "overlay {baru|barunya} clean banget, {good job|nice} kak",
        ],
    },
    "cooking": {
        "en": [
            "made {food} {tonight|for dinner|today} {following your stream|after watching} {e}",
            "{is|was} the {food} {spicy|sweet} enough? mine came out {bland|too sweet|perfect}",
            "pro tip: {toast|fry} the {spices|shallots} first, {changes everything|way more flavour}",
            "anyone {found|know} a {substitute|swap} for {galangal|kaffir lime leaves|gula jawa}"
            " {in the US|in Europe|abroad}?",
            "my {food} {never looks|still doesn't look} like yours lol",
            "{how|what} do you keep the {rice|batter} from {sticking|going soggy}?",
            "the trick with {food} is patience, {low heat|slow cooking} {all the way|for an hour}",
        ],
        "id": [
            "tadi masak {food} ikutin resep kakak, {berhasil|lumayan|agak gosong wkwk}",
            "{food} paling enak {pas hujan|pas sahur|buat bekal}",
            "bumbunya {ditumis|disangrai} dulu biar wangi, {tips dari ibu|kata nenekku}",
            "{beli|belanja} bahan {food} habis {price}, murah juga",
            "ada yang {tau|tahu} beli {daun salam|lengkuas|gula aren} {online|di mana} ga?",
            "{food} aku {keasinan dikit|kemanisan|pas banget} {wkwk|haha|}",
        ],
        "mix": [
            "{barusan|tadi} masak {food}, {turned out great|lumayan enak} {e}",
            "tips: bumbunya {toast dulu|disangrai first}, {way more wangi|beda banget}",
            "kalo ga ada {santan|gula jawa}, {can use|bisa pakai} {susu|brown sugar}?",
        ],
    },
    "gaming": {
        "en": [
            "anyone {up for|down for} {game} {tonight|later|after the stream}?",
            "finally hit {rank} in {Valorant|Mobile Legends} {e}",
            "{game} {update|patch} {dropped|is out}{, the new map is wild|, servers are dying|}",
            "we {need|should do} another {game} night{ soon| on {day}|}",
            "{the|that} boss in {Elden Ring|{game}} took me {n} hours{ lol|, never again|}",
            "{who|anyone} {has|got} a {Minecraft|Stardew} server{ we can join|}?",
            "Nara {playing|in} {Overcooked|Plate Up} {is pure chaos|yelling orders} {e}",
            "{duo|trio} queue anyone? I'm {rank}{| {e}}",
        ],
        "id": [
            "ada yang mau mabar {game} {malam ini|nanti}?",
            "{akhirnya|yes} naik {rank} {juga|} {e}",
            "{game} lagi maintenance ya? {ga bisa login|dari tadi loading}",
            "push rank {bareng|yuk} {nanti {jam}|malam ini}",
            "{bos|boss} {game} susah banget, {udah {n} kali mati|nyerah dulu}",
            "server {Minecraft|Stardew} {komunitas|kita} masih {jalan|buka} ga?",
        ],
        "mix": [
            "anyone mau mabar {game} {malam ini|tonight}?",
            "push rank {yuk|bareng}, I'm {rank}",
            "{game} update baru {kocak banget|wild sih} {e}",
        ],
    },
    "question": {
        "en": [
            "what time is the stream {tomorrow|on {day}}?",
            "is the {food} recipe in the description{| or pinned}?",
            "which {mic|camera|pan} are you using {now|these days}?",
            "is there a VOD for {yesterday|{day}}'s stream?",
            "how long did the {food} take {in total|start to finish}?",
            "what's the song {at the start|in the intro|during the cooking part}?",
            "who won the {giveaway|raffle} {last week|on {day}}?",
            "{do|will} you ever do a {baking|street food|dessert} stream?",
            "can {I|we} post {my|our} {food} {pics|photos} in #clips or is there a channel for that?",
            "where do I get the {Regular|Sub} role?",
        ],
        "id": [
            "besok live {jam berapa|jam brp} kak?",
            "resep {food} ada di deskripsi {ga|gak}?",
            "kak pakai {kompor|wajan|panci} {apa|merk apa}?",
            "{itu|bahannya} beli di mana kak?",
            "kalau {ga|tanpa} pakai {santan|MSG} {bisa ga|tetap enak ga} kak?",
            "{siapa|yang} menang giveaway {kemarin|minggu lalu}?",
            "jadwal live minggu ini {udah keluar|ada} belum?",
            "VOD {kemarin|hari {hari}} ada di youtube ga kak?",
        ],
        "mix": [
            "btw besok {stream|live} {jam berapa|what time} ya?",
            "link resep {food}nya {where|di mana} ya?",
            "wait itu pakai gula jawa {or|atau} gula pasir?",
            "{ada|is there} VOD {buat|for} yesterday?",
        ],
    },
    "chat": {
        "en": [
            "{brb|be right back}, {dinner|grabbing food|feeding the cat}",
            "{good morning|morning|gm} from {KL|Singapore|Manila|Sydney|Berlin}{| {e}}",
            "{it's|its} {raining|so hot|freezing} here {today|again}",
            "{lol|lmao|haha} {{m}|} {you're|ur} not wrong",
            "{just|finally} finished {work|my shift|an exam}, {time to relax|so tired}",
            "{anyone else|who else} {watching|here} from {work|school} {e}",
            "{that|this} chat is {chaos|unhinged} {tonight|today} {e}",
            "{{m}|} {check this one|look at this|you'll like this}",
            "{night|gn|good night} everyone{, see you {day}|!|}",
            "{happy|hbd} birthday {{m}|}{!!| {e}}",
        ],
        "id": [
            "{otw|lagi otw} pulang {kerja|kampus}, nanti nonton",
            "{pagi|selamat pagi} semua{| {e}}",
            "{di sini|disini} {hujan deres|panas banget|mati lampu} {wkwk|}",
            "{wkwk|wkwkwk} {{m}|} {bener juga|ada-ada aja}",
            "{{m}|} udah {liat|lihat} ini belum",
            "{selamat|met} malam semua, {tidur dulu|pamit dulu}",
            "aku dari {Surabaya|Makassar|Jogja|Pontianak}, salam kenal {semua|}",
            "lagi {nunggu|ngantri} {ojol|makanan} {wkwk|haha|}",
            "{selamat ulang tahun|hbd} {{m}|}{!!| {e}}",
        ],
        "mix": [
            "{brb|bentar} makan dulu",
            "{ok|oke} {noted|siap} {kak|}",
            "{lol|wkwk} {{m}|} {so true|bener banget}",
            "{btw|eh} {I'm|aku} from {Malaysia|Singapore}, {salam kenal|hi all}",
        ],
    },
    # -- complaints, by topic (what a moderator should see) --
    "complaint/audio": {
        "en": [
            "the audio was {terrible|awful|really bad} {again|tonight}, couldn't hear {anything|you} over the"
            " game",
            "{your mic|the mic} {keeps clipping|is peaking} every time you laugh, {it hurts|ouch}",
            "the {music|background music} was so loud I had to mute the stream",
            "game audio drowns out your voice {every single time|the whole stream}, {please fix|so annoying}",
            "{voice was|you were} way too quiet {the whole stream|tonight},"
            " {volume at 100|turned it all the way up} and still nothing",
            "{the|that} new alert sound is {awful|ear-splitting}, {please change it|I jump every time}",
        ],
        "id": [
            "suaranya kecil banget, {ga kedengeran|ga kedengaran} {sama sekali|apa-apa}",
            "musiknya terlalu keras, {pusing dengernya|suara kakak ketutup}",
            "mic nya kresek kresek terus {dari tadi|pas masak}, {ganggu banget|ga nyaman}",
            "suara game nya nutupin suara kakak, {ga jelas|capek dengernya}",
        ],
        "mix": [
            "audionya jelek banget {today|tonight}, so annoying",
            "{the mic|mic nya} {kresek|crackling} terus, {annoying banget|ga enak didenger}",
        ],
    },
    "complaint/tech": {
        "en": [
            "stream lagged so badly I gave up after {n}0 minutes",
            "the stream kept freezing every {few|couple of} minutes, really annoying",
            "{buffering|lag} {non stop|constantly} tonight, {unwatchable|I gave up}",
            "the stream crashed twice and {the VOD is broken|nobody said anything}, frustrating",
        ],
        "id": [
            "streamnya ngelag parah, {kecewa|ga bisa ditonton}",
            "streamnya putus-putus terus, {nyebelin|capek}",
            "{dari tadi|malam ini} buffering terus, {kesel|padahal internet aku aman}",
        ],
        "mix": [
            "lag parah, literally unwatchable",
            "stream {hari ini|tonight} so laggy, ga bisa ditonton",
        ],
    },
    "complaint/schedule": {
        "en": [
            "{this|the} schedule change is frustrating, I missed the whole thing",
            "I waited {an hour|{n}0 minutes} and the stream got cancelled, not happy",
            "{stream|you} started {n}0 minutes late again, {please just post the real time|annoying}",
            "{no|zero} announcement {before|about} cancelling {on {day}|yesterday}?"
            " {really disappointing|not cool}",
        ],
        "id": [
            "udah nunggu {sejam|{n}0 menit} malah batal live, kecewa {berat|banget}",
            "jadwalnya {molor|ngaret} terus, {capek nungguin|kesel}",
            "{kenapa|kok} live hari {hari} dibatalin {tanpa info|mendadak}? {kecewa|sedih}",
        ],
        "mix": [
            "jujur the new schedule bikin kecewa",
            "{stream|live} {ngaret|late} lagi, {so annoying|capek nunggu}",
        ],
    },
    "complaint/ads": {
        "en": [
            "too many ads this week, it's getting annoying",
            "that sponsor read was {so long|way too long|cringe}, please no more",
            "{three|{n}} midrolls in one hour is {ridiculous|too much}",
            "{the|another} VPN {ad|sponsor} {again|every stream}? {skip|kinda annoying}",
        ],
        "id": [
            "iklannya kebanyakan, {ganggu banget|males nonton}",
            "sponsor nya kepanjangan, bosen",
            "{endorse|promosi} pinjol {lagi|terus}? {ga suka|ga banget} kak",
        ],
        "mix": [
            "iklannya {too many|kebanyakan} tonight, so annoying",
        ],
    },
    "complaint/video": {
        "en": [
            "camera was blurry the whole time, really disappointing",
            "the {facecam|cooking cam} was so dark {I couldn't see the pan|you couldn't see anything},"
            " {annoying|frustrating}",
            "{dropped frames|frame drops} {all stream|nonstop}, {looks awful|hard to watch}",
        ],
        "id": [
            "kameranya buram terus, capek nontonnya",
            "{gambarnya|kualitasnya} {pecah|burik} banget {hari ini|malam ini}, {kecewa|sayang banget}",
        ],
        "mix": [
            "kameranya {blurry|buram} terus, {disappointing|kecewa} sih",
        ],
    },
    "complaint/content": {
        "en": [
            "honestly the {game} streams are boring, bring back cooking",
            "{worst|the worst} stream in a while, sorry but it was painfully slow",
            "the {food} segment felt rushed and messy",
            "{game} again? so boring, skipping this one",
            "you ignored chat the whole stream, kinda sad",
        ],
        "id": [
            "jujur makin membosankan kalau main {game} terus",
            "{food}nya keasinan kak, {resepnya salah|kayaknya kebanyakan garam}",
            "{game} lagi? {males nonton|bosen}",
            "chat diabaikan terus, sedih deh",
        ],
        "mix": [
            "sorry but {game} streamnya boring banget",
            "the {food} keasinan banget, resepnya wrong kayaknya",
        ],
    },
    "complaint/moderation": {
        "en": [
            "why did you delete my {comment|message}? that's unfair",
            "mods are {rude|way too strict} here lately, not cool",
            "got timed out for {asking a question|one emoji}?? {ridiculous|that's unfair}",
        ],
        "id": [
            "modnya galak banget, ga asik",
            "kenapa komen aku dihapus? ga adil",
        ],
        "mix": [
            "kok mods nya rude sih, not cool",
        ],
    },
    "complaint/giveaway": {
        "en": [
            "the giveaway felt rigged tbh, same people win every time",
            "still {haven't got|no sign of} my giveaway prize from {last month|{day}},"
            " {kinda annoying|disappointing}",
        ],
        "id": [
            "giveaway nya ga jelas, yang menang itu-itu aja",
            "hadiah giveaway {bulan lalu|kemarin} belum {dikirim|sampai} juga, {kecewa|kesel}",
        ],
        "mix": [],
    },
    "complaint/community": {
        "en": [
            "ugh the chat was toxic yesterday and nobody did anything",
            "{people|some people} {spamming|backseating} {the whole stream|nonstop} and"
            " {nobody cared|it ruined it}",
        ],
        "id": [
            "chatnya toxic banget {kemarin|tadi}, {ga nyaman|males}",
        ],
        "mix": [],
    },
}

COMPLAINT_TOPICS = {"audio": 5, "tech": 4, "schedule": 4, "ads": 3, "content": 3, "video": 3,
                    "moderation": 2, "giveaway": 2, "community": 1}  # fmt: skip
LANGUAGE_SHARE = {
    "general": {"en": 0.6, "id": 0.15, "mix": 0.25},
    "feedback": {"en": 0.5, "id": 0.25, "mix": 0.25},
    "clips": {"en": 0.55, "id": 0.2, "mix": 0.25},
    "ngobrol": {"en": 0.05, "id": 0.75, "mix": 0.2},
}
KIND_SHARE = {
    "general": {
        "hype": 12,
        "praise": 8,
        "cooking": 10,
        "gaming": 16,
        "question": 14,
        "chat": 32,
        "complaint": 5,
    },
    "feedback": {"hype": 5, "praise": 34, "question": 8, "chat": 4, "complaint": 38},
    "clips": {"hype": 34, "praise": 16, "gaming": 22, "chat": 14, "complaint": 3},
    "ngobrol": {
        "hype": 8,
        "praise": 6,
        "cooking": 16,
        "gaming": 12,
        "question": 14,
        "chat": 38,
        "complaint": 5,
    },
}
CLIP_COMMENTS = [
    "{lmao|lol} {the|this} {panic|scream} at {2:14|the end|the fire alarm} {e}",
    "{this|that} {food} flip {is|was} {legendary|clean}",
    "{clip of the week|clip of the year} {right here|fr} {e}",
    "{the|this} moment {chat|everyone} {lost it|went feral} {e}",
    "{wkwk|ngakak} {pas|waktu} {panci|wajannya} {kebakar|jatuh} {e}",
    "{mantap|gokil} clip {nya|ini} {e}",
    "{anjir|lol} {the|this} clutch {di|in} {game} {e}",
]
SPAM_GAMBLING = [
    "𝐒𝐋𝐎𝐓 𝐆𝐀𝐂𝐎𝐑 PULAU777 {hari ini|malam ini} maxwin {terus|lagi}!! deposit {price} langsung cair 💰",
    "mau cuan? main di 𝐏𝐔𝐋𝐀𝐔𝟕𝟕𝟕 aja, {gacor parah|lagi gacor}, wd {berapapun|berapa aja} dibayar",
    "P U L A U 7 7 7 slot gacor {malam ini|hari ini}, rtp {tinggi|98%}, {buruan daftar|link di bio}",
    "🎰 𝘚𝘓𝘖𝘛 𝘎𝘈𝘊𝘖𝘙 PULAU777 {bonus new member 100%|freespin tiap hari} {depo|deposit} {price} 🎰",
]
SPAM_SCAM = [
    "Free Discord Nitro for {3 months|a year} 🎁 claim here before it expires:"
    " https://dlscord-gift.com/nitro/{n}m",
    "@everyone free Nitro giveaway from staff https://discorcl.gift/claim?u=nara{n}",
    "{hey|hi} I'm leaving discord, giving away my Nitro codes, first come first served:"
    " https://dlscord.gift/{n}x",
]
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def fill(template: str, rng: random.Random, members: list[Member]) -> tuple[str, list[Member]]:
    """A template with its alternatives picked and its slots filled (innermost braces first)."""
    mentioned: list[Member] = []

    def one(match: re.Match[str]) -> str:
        body = match.group(1)
        if body == "m":
            who = rng.choice(members)
            mentioned.append(who)
            return f"<@{who.id}>"
        value = _slot(body, rng)
        return value if value is not None else rng.choice(body.split("|"))

    text = template
    while "{" in text:
        text = _PLACEHOLDER.sub(one, text)
    text = " ".join(text.split())
    if rng.random() < 0.1:
        text = text[:1].upper() + text[1:]
    return text, [m for m in mentioned if f"<@{m.id}>" in text]


def say(rng: random.Random, channel: str, members: list[Member]) -> tuple[str, list[Member]]:
    """One comment for ``channel``: a kind of talk, a language, a template."""
    shares = KIND_SHARE[channel]
    kind = rng.choices(list(shares), weights=list(shares.values()))[0]
    if kind == "complaint":
        kind = "complaint/" + rng.choices(list(COMPLAINT_TOPICS), weights=list(COMPLAINT_TOPICS.values()))[0]
    langs = LANGUAGE_SHARE[channel]
    lang = rng.choices(list(langs), weights=list(langs.values()))[0]
    templates = TALK[kind][lang] or TALK[kind]["en"]
    return fill(rng.choice(templates), rng, members)


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
    used: Counter[str] = Counter()

    def fresh(make: Callable[[], tuple[str, list[Member]]]) -> tuple[str, list[Member]]:
        """A comment not yet written MAX_REPEATS times (a few tries, then whatever came last)."""
        for _ in range(40):
            text, mentions = make()
            if used[text] < MAX_REPEATS:
                break
        used[text] += 1
        return text, mentions

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
                comment, msg.mentions = fresh(lambda: fill(rng.choice(CLIP_COMMENTS), rng, members))
                msg.content = f"{msg.content} {comment}" if rng.random() < 0.5 else f"{comment} {msg.content}"
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
            msg.content, msg.mentions = fresh(lambda where=channel.name: say(rng, where, members))
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
    for wave in range(max(1, total // 400)):
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
        pool = SPAM_SCAM if "nitro" in spammer.name else SPAM_GAMBLING
        text = fill(rng.choice(pool), rng, members)[0]
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
