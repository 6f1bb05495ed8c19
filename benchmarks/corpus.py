"""A fixed, seeded corpus of Discord-like comments for the benchmarks.

Mixed lengths (one word to a few sentences), emoji and custom emoji, user/role/channel mentions, links, a
bit of Markdown, English, Indonesian and the two mixed, and a sprinkle of gambling spam. The same seed always
gives the same texts, so figures from different runs and machines compare."""

from __future__ import annotations

import random

SEED = 1234

EN_WORDS = [
    "the",
    "stream",
    "was",
    "really",
    "good",
    "today",
    "and",
    "I",
    "loved",
    "the",
    "new",
    "overlay",
    "but",
    "the",
    "audio",
    "was",
    "a",
    "bit",
    "quiet",
    "sometimes",
    "honestly",
    "this",
    "is",
    "the",
    "best",
    "community",
    "ever",
    "thanks",
    "for",
    "the",
    "giveaway",
    "can't",
    "wait",
    "for",
    "tomorrow",
    "lol",
    "that",
    "clip",
    "is",
    "hilarious",
    "why",
    "is",
    "the",
    "chat",
    "so",
    "slow",
    "the",
    "game",
    "looks",
    "amazing",
    "I",
    "hate",
    "when",
    "it",
    "lags",
    "please",
    "fix",
    "the",
    "mic",
    "boring",
    "terrible",
    "awesome",
    "great",
    "bad",
    "sad",
    "happy",
    "love",
    "annoying",
    "wholesome",
    "cute",
    "fun",
    "disappointing",
    "excellent",
    "what",
    "time",
    "does",
    "it",
    "start",
    "who",
    "won",
    "did",
    "anyone",
    "see",
    "that",
    "bro",
    "no",
    "way",
    "this",
    "is",
    "insane",
]
ID_WORDS = [
    "streamnya",
    "seru",
    "banget",
    "hari",
    "ini",
    "aku",
    "suka",
    "overlay",
    "barunya",
    "tapi",
    "suaranya",
    "agak",
    "kecil",
    "kadang",
    "jujur",
    "komunitas",
    "ini",
    "paling",
    "asik",
    "makasih",
    "giveaway",
    "nya",
    "ga",
    "sabar",
    "buat",
    "besok",
    "wkwk",
    "clipnya",
    "kocak",
    "kenapa",
    "chatnya",
    "sepi",
    "gamenya",
    "keren",
    "aku",
    "benci",
    "kalau",
    "ngelag",
    "tolong",
    "benerin",
    "micnya",
    "bosen",
    "jelek",
    "mantap",
    "bagus",
    "sedih",
    "senang",
    "kecewa",
    "ganggu",
    "gokil",
    "lucu",
    "parah",
    "jam",
    "berapa",
    "mulai",
    "siapa",
    "yang",
    "menang",
    "ada",
    "yang",
    "liat",
    "itu",
    "bro",
    "ga",
    "mungkin",
    "gila",
    "sih",
]
SENTENCES_EN = [
    "this is the best stream ever!!",
    "the audio was terrible again, couldn't hear anything",
    "what time is the stream tomorrow?",
    "I don't like the new schedule at all",
    "not bad, but the ending was kinda boring",
    "thanks for the shoutout, made my day",
    "why is everyone so toxic today",
    "ok",
    "lol",
    "gg",
]
SENTENCES_ID = [
    "streamnya seru banget, mantap kak!",
    "suaranya kecil banget, ga kedengeran",
    "besok live jam berapa kak?",
    "jujur makin membosankan",
    "tidak jelek sih, tapi agak lama",
    "makasih kak shoutoutnya, seneng banget",
    "kenapa chatnya toxic banget hari ini",
    "oke kak",
    "wkwkwk",
]
SPAM = [
    "𝐒𝐋𝐎𝐓 𝐆𝐀𝐂𝐎𝐑 PULAU777 hari ini maxwin!! deposit 10rb langsung cair",
    "main di P U L A U 7 7 7 aja, gacor parah, wd berapapun dibayar",
    "Free Discord Nitro for 3 months 🎁 https://dlscord-gift.com/nitro",
]
EMOJI = [
    "😂",
    "🔥",
    "❤️",
    "😭",
    "👀",
    "🙏",
    "💀",
    "👍",
    "✨",
    "😡",
    "<:pog:123456789012345678>",
    "<a:dance:223456789012345678>",
]


def _words(rng: random.Random, pool: list[str], n: int) -> str:
    return " ".join(rng.choice(pool) for _ in range(n))


def comment(rng: random.Random) -> str:
    """One comment. Lengths follow chat: mostly short, a long tail of paragraphs."""
    roll = rng.random()
    if roll < 0.004:
        return rng.choice(SPAM)
    language = rng.random()
    sentences, words = (
        (SENTENCES_EN, EN_WORDS)
        if language < 0.55
        else (SENTENCES_ID, ID_WORDS)
        if language < 0.85
        else (SENTENCES_EN + SENTENCES_ID, EN_WORDS + ID_WORDS)
    )
    length = rng.random()
    if length < 0.35:
        text = rng.choice(sentences)
    elif length < 0.8:
        text = _words(rng, words, rng.randint(3, 14))
    elif length < 0.97:
        text = rng.choice(sentences) + " " + _words(rng, words, rng.randint(10, 40))
    else:
        text = (
            " ".join(rng.choice(sentences) for _ in range(rng.randint(3, 8)))
            + " "
            + _words(rng, words, rng.randint(20, 60))
        )
    extra = rng.random()
    if extra < 0.15:
        text = f"<@{rng.randrange(10**17, 10**18)}> {text}"
    elif extra < 0.18:
        text = f"{text} <#{rng.randrange(10**17, 10**18)}>"
    elif extra < 0.21:
        text = f"{text} https://clips.twitch.tv/Clip{rng.randrange(10**6)}"
    elif extra < 0.23:
        text = f"**{text}**"
    if rng.random() < 0.3:
        text += " " + " ".join(rng.choice(EMOJI) for _ in range(rng.randint(1, 3)))
    return text


def corpus(n: int, seed: int = SEED) -> list[str]:
    rng = random.Random(seed)
    return [comment(rng) for _ in range(n)]
