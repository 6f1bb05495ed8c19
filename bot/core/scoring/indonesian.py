"""Indonesian rules for the VADER-style scorer: informal spellings, negators, degree words, reduplication and
affix stripping.

Everything here is hand-written for this project (no third-party word lists). The learned word weights live in
``lexicons/id_lexicon.tsv`` (rebuilt by ``scripts/build_id_lexicon.py``); the hand-written seed weights in
``HAND_LEXICON`` below are used both as the prior for that learning and as a fallback for informal words the
training data never shows.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterator

# Informal spellings and abbreviations -> the canonical form that the lexicons and rules use.
SLANG: dict[str, str] = {
    # negators
    "ga": "gak",
    "g": "gak",
    "gk": "gak",
    "gak": "gak",
    "ngga": "gak",
    "nggak": "gak",
    "enggak": "gak",
    "engga": "gak",
    "kagak": "gak",
    "ndak": "gak",
    "nda": "gak",
    "gx": "gak",
    "gaada": "gak ada",
    "tdk": "tidak",
    "tak": "tidak",
    "bkn": "bukan",
    "blm": "belum",
    "blum": "belum",
    "jgn": "jangan",
    # degree words
    "bgt": "banget",
    "bngt": "banget",
    "bgtt": "banget",
    "bangettt": "banget",
    "sgt": "sangat",
    "skli": "sekali",
    "bener2": "benar",
    "bner": "benar",
    "bener": "benar",
    "bnr": "benar",
    # everyday abbreviations
    "yg": "yang",
    "dgn": "dengan",
    "dg": "dengan",
    "utk": "untuk",
    "krn": "karena",
    "karna": "karena",
    "tp": "tapi",
    "tpi": "tapi",
    "jg": "juga",
    "aja": "saja",
    "aj": "saja",
    "sj": "saja",
    "udah": "sudah",
    "udh": "sudah",
    "sdh": "sudah",
    "dah": "sudah",
    "lg": "lagi",
    "sm": "sama",
    "bs": "bisa",
    "bsa": "bisa",
    "jd": "jadi",
    "jdi": "jadi",
    "dr": "dari",
    "trs": "terus",
    "trus": "terus",
    "emg": "memang",
    "emang": "memang",
    "knp": "kenapa",
    "gmn": "gimana",
    "kalo": "kalau",
    "klo": "kalau",
    "org": "orang",
    "byk": "banyak",
    "bnyk": "banyak",
    "sy": "saya",
    "gw": "gue",
    "gua": "gue",
    "pdhl": "padahal",
    "bkin": "bikin",
    "bgmn": "bagaimana",
    "tq": "thanks",
    "thx": "thanks",
    "makasi": "makasih",
    "mksh": "makasih",
    "trims": "makasih",
    # sentiment words
    "bgs": "bagus",
    "mantul": "mantap",
    "mantab": "mantap",
    "mantep": "mantap",
    "mantaap": "mantap",
    "jlk": "jelek",
    "jelex": "jelek",
    "kece": "keren",
    "kren": "keren",
    "gajelas": "gak jelas",
    "gaje": "gak jelas",
    "gabut": "bosan",
    "bosen": "bosan",
    "males": "malas",
    "seneng": "senang",
    "nyesel": "menyesal",
    "kesel": "kesal",
    "sebel": "kesal",
    "cape": "capek",
    "capai": "capek",
    "asyik": "asik",
    "rekomen": "rekomendasi",
    "rekom": "rekomendasi",
    "recomended": "recommended",
    "recommend": "recommended",
    "anjay": "anjir",
    "anjrit": "anjir",
    "njir": "anjir",
}

# Words that flip the valence of the sentiment word after them (VADER's N_SCALAR applies), after SLANG.
NEGATORS: frozenset[str] = frozenset({"tidak", "bukan", "gak", "belum", "jangan", "tanpa"})

# Degree words placed BEFORE the word they modify (VADER's B_INCR / B_DECR apply).
PRE_BOOSTERS: dict[str, float] = {
    "sangat": 0.293,
    "amat": 0.293,
    "terlalu": 0.293,
    "paling": 0.293,
    "sungguh": 0.293,
    "benar": 0.293,
    "makin": 0.293,
    "semakin": 0.293,
    "super": 0.293,
    "begitu": 0.293,
    "agak": -0.293,
    "sedikit": -0.293,
    "lumayan": -0.293,
    "cukup": -0.293,
}
# Degree words placed AFTER the word they modify ("bagus banget", "enak sekali", "jelek parah").
POST_BOOSTERS: dict[str, float] = {"banget": 0.293, "sekali": 0.293, "parah": 0.293, "amat": 0.293}
# "kurang bagus" means "not good": a weakening negator. Handled like a negator with its own scalar.
WEAK_NEGATORS: dict[str, float] = {"kurang": -0.6}

# Contrastive conjunctions: VADER's "but" rule (words before x0.5, after x1.5).
CONTRAST: frozenset[str] = frozenset({"tapi", "tetapi", "namun", "sayangnya", "but"})

# Laughter: a tone marker, never allowed to cancel an insult (see Scorer).
_LAUGH_RE = re.compile(
    r"^(?:(?:wk)+w?k?|(?:ha){2,}h?|(?:he){2,}h?|(?:hi){2,}h?|(?:a?wok)+|(?:xi){2,}|kwk(?:wk)*)$"
)

# Function words used for language detection (and never given a learned weight).
STOPWORDS: frozenset[str] = frozenset(
    [
        "yang",
        "dan",
        "di",
        "ini",
        "itu",
        "tidak",
        "gak",
        "aku",
        "saya",
        "kamu",
        "ke",
        "dari",
        "untuk",
        "dengan",
        "ada",
        "juga",
        "sudah",
        "saja",
        "bisa",
        "karena",
        "kalau",
        "tapi",
        "jadi",
        "lagi",
        "sama",
        "nya",
        "banget",
        "dong",
        "deh",
        "sih",
        "kok",
        "ya",
        "kan",
        "mau",
        "apa",
        "nih",
        "tuh",
        "gue",
        "lu",
        "lo",
        "kita",
        "kami",
        "mereka",
        "akan",
        "sangat",
        "pada",
        "atau",
        "belum",
        "bukan",
        "jangan",
        "harus",
        "buat",
        "orang",
        "kenapa",
        "gimana",
        "lebih",
        "masih",
        "sekali",
        "terus",
        "lah",
        "pun",
        "nggak",
        "enggak",
        "yg",
        "bgt",
        "aja",
        "udah",
        "kalo",
        "gk",
        "ga",
        "tdk",
        "jg",
        "dgn",
        "utk",
        "krn",
        "tp",
        "lg",
        "emang",
        "gw",
        "gua",
        "banget",
        "dalam",
        "oleh",
        "adalah",
        "seperti",
        "hanya",
        "karna",
        "kayak",
        "kaya",
        "biar",
        "agar",
        "supaya",
        "sampai",
        "sini",
        "situ",
        "sana",
        "begitu",
        "gitu",
        "gini",
        "banyak",
        "semua",
        "setelah",
        "sebelum",
        "tetapi",
        "namun",
        "pernah",
        "baru",
        "kalian",
        "anda",
        "dia",
        "beliau",
        "punya",
        "tempat",
    ]
)

# Words that carry no sentiment of their own but that SmSA's reviews and complaints tie to a label (complaints
# are often questions: "kenapa ...", "berapa lama ..."; reviews of Sundanese restaurants are mostly positive).
# They are never learned and never scored in Indonesian comments, so neutral chat ("besok stream jam berapa
# ya", "itu pakai gula jawa?") stays neutral. Tokens containing digits are excluded from learning as well.
_QUESTION_WORDS = (
    "apa apakah berapa berapakah kapan kapankah dimana mana manakah siapa siapakah gimana bagaimana kenapa "
    "mengapa knp gmn bgmn"
)
_PRONOUNS = "aku saya kamu dia kita kami mereka gue gw lu loe elu anda kalian beliau engkau kakak abang mbak"
_TIME_WORDS = (
    "besok kemarin kemaren lusa nanti sekarang skrg tadi barusan malam malem pagi siang sore subuh minggu "
    "hari jam bulan tahun detik menit pekan senin selasa rabu kamis jumat sabtu"
)
_NUMBERS = (
    "nol satu dua tiga empat lima enam tujuh delapan sembilan sepuluh sebelas seratus seribu sejuta ribu "
    "juta puluh belas ratus"
)
_CHAT_PARTICLES = "ya sih dong deh kok nih tuh kan lah loh lho yuk ayo eh toh mah kah"
# everyday verbs of logistics chat ("pakai kompor apa?", "ada yang main malam ini?")
_EVERYDAY_VERBS = "pakai pake main beli lihat liat pergi pulang datang kerja masak bikin"
# forms of address and chat shorthand that English shares
_ADDRESS_AND_SHORTHAND = (
    "kak bang mas mba bro sis gan agan min mimin om tante pak bu bapak ibu bos bund bunda lo oh ah nah hmm "
    "btw otw brb rb jt weekend today tomorrow tonight yesterday"
)
# place and ethnic names (not "malang", which also means "unlucky")
_PLACES = (
    "jawa sunda bali jakarta surabaya bandung medan jogja yogyakarta jogjakarta padang batak betawi "
    "makassar semarang solo bogor depok bekasi tangerang indonesia malaysia singapura singapore sumatra "
    "sumatera kalimantan sulawesi papua aceh lombok manado palembang pekanbaru riau banten cirebon garut "
    "madura minang bugis palu kupang ambon pontianak balikpapan samarinda jambi lampung bengkulu jatim "
    "jabar jateng cina china jepang korea india thailand arab"
)
# Clearly Indonesian: also evidence for the language guess (see Scorer).
NEUTRAL_ID_MARKERS: frozenset[str] = frozenset(
    " ".join([_QUESTION_WORDS, _PRONOUNS, _TIME_WORDS, _NUMBERS, _CHAT_PARTICLES, _EVERYDAY_VERBS]).split()
)
NEUTRAL_WORDS: frozenset[str] = NEUTRAL_ID_MARKERS | frozenset(f"{_ADDRESS_AND_SHORTHAND} {_PLACES}".split())
# Phrases whose words mean something else on their own: "salah satu" is "one of", not "wrong"; "berapa lama"
# asks "how long", it does not complain that something is slow.
NEUTRAL_PHRASES: frozenset[str] = frozenset({"salah satu", "berapa lama"})

# Hand-written seed weights (VADER's -4..+4 scale) for common Indonesian comment words, many of them informal
# forms the training data lacks. Learning starts from these and is pulled towards them.
HAND_LEXICON: dict[str, float] = {
    # positive
    "bagus": 1.9,
    "mantap": 2.5,
    "keren": 2.2,
    "hebat": 2.5,
    "luar biasa": 2.8,
    "terbaik": 3.0,
    "suka": 1.7,
    "senang": 2.0,
    "bahagia": 2.7,
    "puas": 2.0,
    "enak": 2.0,
    "lezat": 2.5,
    "nyaman": 2.0,
    "ramah": 2.0,
    "lucu": 1.5,
    "ngakak": 1.5,
    "asik": 1.8,
    "gokil": 1.8,
    "seru": 2.0,
    "kocak": 1.5,
    "cantik": 2.0,
    "indah": 2.2,
    "sukses": 2.2,
    "makasih": 1.8,
    "terima kasih": 1.8,
    "recommended": 2.2,
    "rekomendasi": 1.5,
    "membantu": 1.8,
    "bermanfaat": 2.2,
    "informatif": 1.8,
    "semangat": 1.8,
    "cinta": 2.5,
    "sayang": 1.8,
    "top": 2.0,
    "juara": 2.2,
    "josss": 2.0,
    "jos": 2.0,
    "mantab": 2.5,
    "pintar": 1.8,
    "pinter": 1.8,
    "sempurna": 3.0,
    "rapi": 1.5,
    "bersih": 1.5,
    "murah": 1.0,
    "worth it": 2.0,
    "sabar": 1.2,
    "setuju": 1.2,
    "kangen": 1.2,
    "bangga": 2.2,
    "menarik": 1.8,
    "inspiratif": 2.2,
    "menghibur": 2.0,
    "berkualitas": 2.0,
    "memuaskan": 2.2,
    "cocok": 1.3,
    "jago": 2.0,
    "adil": 1.5,
    # negative
    "jelek": -2.0,
    "buruk": -2.5,
    "terburuk": -3.2,
    "kecewa": -2.5,
    "mengecewakan": -2.7,
    "sampah": -2.6,
    "bosan": -1.5,
    "membosankan": -2.0,
    "malas": -1.2,
    "sedih": -1.8,
    "benci": -3.0,
    "marah": -2.2,
    "kesal": -2.0,
    "menyesal": -2.0,
    "rugi": -2.0,
    "ribet": -1.5,
    "lemot": -2.0,
    "lelet": -2.0,
    "rusak": -2.0,
    "mahal": -1.0,
    "hancur": -2.5,
    "kacau": -2.0,
    "kasar": -2.0,
    "capek": -1.2,
    "payah": -2.2,
    "parah": -1.5,
    "busuk": -2.5,
    "basi": -1.5,
    "garing": -1.5,
    "lebay": -1.2,
    "alay": -1.2,
    "norak": -1.5,
    "cupu": -1.5,
    "bodoh": -2.5,
    "goblok": -3.0,
    "tolol": -3.0,
    "bego": -2.5,
    "gila": -1.0,
    "anjing": -2.5,
    "bangsat": -3.0,
    "brengsek": -3.0,
    "kampret": -2.0,
    "sialan": -2.5,
    "penipu": -3.0,
    "tipu": -2.5,
    "bohong": -2.2,
    "hoax": -2.0,
    "hoaks": -2.0,
    "kotor": -2.0,
    "jorok": -2.2,
    "bau": -1.5,
    "lambat": -1.5,
    "telat": -1.5,
    "clickbait": -2.2,
    "iklan": -0.6,
    "doang": -0.6,
    "gak jelas": -1.8,
    "nyebelin": -2.0,
    "menjijikkan": -2.8,
    "jijik": -2.5,
    "muak": -2.5,
    "takut": -1.5,
    "sakit": -1.8,
    "susah": -1.5,
    "sulit": -1.2,
    "gagal": -2.2,
    "salah": -1.5,
    "pusing": -1.5,
    "ngelag": -1.8,
    "masalah": -1.2,
    "kurang": -1.2,
    "lama": -0.6,
    "mengganggu": -2.0,
    "ganggu": -1.8,
    "toxic": -2.2,
    "najis": -2.5,
    "unfaedah": -2.0,
}


# Chat words (hand-written, VADER's scale) laid over the learned list: SmSA's reviews rarely show them, or
# show them with another sense ("gas" as fuel, "gila" as an insult where chat mostly means amazement).
CHAT_LEXICON: dict[str, float] = {
    # hype and praise
    "gila": 0.5,
    "anjir": 0.0,
    "gas": 1.5,
    "gaskeun": 1.8,
    "gacor": 1.5,
    "merinding": 1.5,
    "salut": 2.0,
    "mulus": 1.8,
    "stabil": 1.2,
    "nagih": 1.5,
    "candu": 1.2,
    "goks": 1.8,
    "epik": 2.0,
    "santuy": 0.8,
    "cuan": 1.0,
    "pecah": 1.2,
    # complaints without a negative word: "too X" forms, audio/video faults, rigging, put-downs
    "kegedean": -1.5,
    "kekecilan": -1.5,
    "kejauhan": -1.2,
    "kedeketan": -1.0,
    "kelamaan": -1.5,
    "kemahalan": -2.0,
    "kecepetan": -1.2,
    "kepanjangan": -1.0,
    "kebanyakan": -0.8,
    "kelewatan": -1.5,
    "keasinan": -1.2,
    "kemanisan": -1.0,
    "ketutup": -0.8,
    "ngaco": -1.8,
    "ngawur": -1.8,
    "gak kedengeran": -1.5,
    "gak kedengaran": -1.5,
    "gak keliatan": -1.5,
    "gak kelihatan": -1.5,
    "gak fair": -1.8,
    "asal jadi": -1.8,
    "kresek": -1.2,
    "berisik": -1.5,
    "bising": -1.5,
    "buram": -1.5,
    "burik": -1.8,
    "patah": -1.0,
    "settingan": -1.8,
    "pilih kasih": -2.0,
    "php": -1.5,
    "zonk": -1.5,
    "ampas": -2.0,
    "rungkad": -1.5,
    "beban": -1.5,
    "noob": -1.2,
    "sotoy": -1.5,
    "sok asik": -1.8,
    "caper": -1.2,
    "nangis": -1.2,
    "galau": -1.5,
    "bete": -1.5,
    "stres": -1.8,
    "bantat": -1.2,
    "gosong": -1.5,
    "hambar": -1.5,
    "apes": -1.5,
    "sial": -1.8,
    "afk": -1.0,
    "ngelag": -1.8,
    "belum dikirim": -1.5,
    "gak dikirim": -1.5,
    "gak bales": -1.2,
    "gak dibales": -1.2,
    "mati total": -2.0,
    "ilang": -1.0,
    "dimundurin": -1.0,
    "diundur": -1.0,
    "ditunda": -0.8,
}


def is_laughter(word: str) -> bool:
    """``wkwk``, ``hahaha``, ``hehe``, ``awokawok``... (lower-cased input)."""
    return len(word) >= 4 and _LAUGH_RE.match(word) is not None


_RUN3 = re.compile(r"(.)\1{2,}")


def squeeze_runs(word: str, keep: int) -> str:
    """Collapse runs of 3+ identical characters to ``keep`` characters ("bangeeet" -> "banget")."""
    return _RUN3.sub(lambda m: m.group(1) * keep, word)


def unreduplicate(word: str) -> str:
    """ "kata-kata" -> "kata", "bagus2" -> "bagus", "kata-katanya" -> "kata", "berhati-hati" -> "berhati".

    Returns the word unchanged when it is not a reduplication.
    """
    if "-" in word:
        left, _, right = word.partition("-")
        right = right.split("-", 1)[0]
        if len(left) >= 2 and right and (right.startswith(left) or left.endswith(right)):
            return left
        return word
    if len(word) >= 4 and word.endswith("2") and word[:-1].isalpha():
        return word[:-1]
    return word


def normalize_word(word: str) -> str:
    """Canonical form of one lower-cased Indonesian token: slang map, reduplication, letter floods."""
    mapped = SLANG.get(word)
    if mapped is not None:
        return mapped
    base = unreduplicate(word)
    if base != word:
        return SLANG.get(base, base)
    if _RUN3.search(word):
        squeezed = squeeze_runs(word, 1)
        return SLANG.get(squeezed, squeezed)
    return word


_PARTICLES = ("lah", "kah", "pun", "tah")
_POSSESSIVES = ("nya", "ku", "mu")
_SUFFIXES = ("kan", "an", "i")
# prefix -> replacement candidates for the root's first letter (nasal assimilation: meny+apu -> sapu).
_PREFIXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("menge", ("",)),
    ("meng", ("", "k")),
    ("meny", ("s",)),
    ("mem", ("p", "")),
    ("men", ("t", "")),
    ("me", ("",)),
    ("penge", ("",)),
    ("peng", ("", "k")),
    ("peny", ("s",)),
    ("pem", ("p", "")),
    ("pen", ("t", "")),
    ("per", ("",)),
    ("pe", ("",)),
    ("ber", ("",)),
    ("be", ("",)),
    ("ter", ("",)),
    ("di", ("",)),
    ("ke", ("",)),
    ("se", ("",)),
)
_MIN_ROOT = 4


def _strip_suffixes(word: str) -> Iterator[str]:
    yield word
    for part in _PARTICLES:
        if word.endswith(part) and len(word) - len(part) >= _MIN_ROOT:
            word = word[: -len(part)]
            yield word
            break
    for part in _POSSESSIVES:
        if word.endswith(part) and len(word) - len(part) >= _MIN_ROOT:
            word = word[: -len(part)]
            yield word
            break
    for part in _SUFFIXES:
        if word.endswith(part) and len(word) - len(part) >= _MIN_ROOT:
            yield word[: -len(part)]


def _strip_prefix(word: str) -> Iterator[str]:
    for prefix, replacements in _PREFIXES:
        if word.startswith(prefix):
            rest = word[len(prefix) :]
            for first in replacements:
                candidate = first + rest
                if len(candidate) >= _MIN_ROOT:
                    yield candidate


def stem_candidates(word: str) -> list[str]:
    """Possible roots of an affixed word, least aggressive first ("kekecewaan" -> ... "kecewa").

    The caller keeps the first candidate its lexicon knows (a dictionary-based stemmer).
    """
    stems = list(_strip_suffixes(word))
    out: list[str] = stems[1:]
    for stem in stems:
        out.extend(_strip_prefix(stem))
    for stem in stems:
        for once in _strip_prefix(stem):
            out.extend(_strip_prefix(once))
    seen: set[str] = {word}
    unique: list[str] = []
    for candidate in out:
        if candidate not in seen:
            seen.add(candidate)
            unique.append(candidate)
    return unique


def find_root(word: str, known: Container[str]) -> str | None:
    """The first form of ``word`` (itself, then its stem candidates) that ``known`` contains."""
    if word in known:
        return word
    for candidate in stem_candidates(word):
        if candidate in known:
            return candidate
    return None
