"""Word lists of how members complain, praise, play and ask, in English and Indonesian (with some Sundanese
and Javanese) chat: the knowledge the feedback detector is built on.

Hand-written for this project (CC0). Entries are normalised the way ``features.words`` normalises text (lower
case, letters repeated three or more times collapsed to one, "lagi2"/"itu-itu" split into two words), so they
can be written naturally. Multi-word entries match consecutive words. A family is one feature of the model:
its weight is learned (``scripts/train_feedback.py``), the words are not.
"""

from __future__ import annotations

# fmt: off

# -- topics: what a complaint is about ----------------------------------------------------------------------
TOPIC_WORDS: dict[str, tuple[str, ...]] = {
    "audio": (
        "audio", "audionya", "soundnya", "sound", "sounds", "mic", "mics", "microphone", "volume", "voice",
        "voices", "loud",
        "louder", "quiet", "quieter", "echo", "echoes", "hiss", "static", "peaking", "clipping",
        "clips out", "muffled", "earrape", "ear rape", "ears", "earbuds", "headphones", "mixing", "mix",
        "desync", "out of sync", "muted", "mute", "copyright", "left channel", "right channel", "bass",
        "music", "background music", "suara", "suaranya",
        "sound nya", "mic nya", "micnya", "volume nya",
        "volumenya", "kresek", "kresek kresek", "berisik",
        "brisik", "bising", "kedengeran", "kedengaran",
        "denger", "dengernya", "kuping", "telinga", "musik", "musiknya", "lagu", "lagunya", "backsound",
        "bgm", "instrumen", "instrumennya", "sember", "cempreng", "pelan", "kenceng", "kencengan",
        "kekencengan", "kegedean", "kekecilan",
    ),
    "video": (
        "video quality", "quality", "resolution", "720p", "480p", "360p", "1080p", "blurry", "blur",
        "pixelated", "pixel", "frame", "frames", "fps", "framerate", "frame drops", "dropped frames",
        "focus", "out of focus", "lighting", "light", "dark",
        "camera", "cam", "webcam", "angle", "angles",
        "shaky", "zoom", "zoomed", "overlay covers",
        "facecam", "cropped", "crop", "kamera", "kameranya",
        "gambar", "gambarnya", "burik", "buram", "goyang", "goyang goyang", "gelap", "kualitas",
        "kualitasnya", "resolusi", "patah patah", "pecah",
        "ngeblur", "angle nya", "pencahayaan", "cahaya",
        "kameramen", "kameramennya",
    ),
    "schedule": (
        "late", "later", "schedule", "scheduled",
        "delayed", "delay", "postponed", "cancelled", "canceled",
        "cancel", "cancels", "moved", "rescheduled",
        "on time", "every week", "weeks", "months", "hiatus",
        "upload schedule", "uploads", "uploaded", "going live",
        "went live", "start", "started", "starts",
        "waiting", "waited", "wait", "ghosted", "no stream", "no upload", "no video", "telat", "ngaret",
        "jadwal", "jadwalnya", "molor", "batal",
        "dibatalin", "diundur", "ditunda", "nunggu", "nungguin",
        "lama", "kelamaan", "kapan", "upload", "aplod", "apload", "uplod", "jarang", "libur", "mulai",
        "jam",
    ),
    "ads": (
        "ad", "ads", "advert", "adverts", "advertisement", "sponsor", "sponsors", "sponsored",
        "sponsorship", "sponsor read", "sponsor segment", "midroll", "midrolls", "mid roll", "promo",
        "promotion", "vpn", "brand", "brands",
        "paid promotion", "shill", "shilling", "affiliate", "iklan",
        "iklannya", "endorse", "endorsan", "endorsnya", "endors", "paid promote", "promosi", "pinjol",
        "judol", "judi", "judi online",
    ),
    "merch": (
        "merch", "merchandise", "hoodie", "hoodies", "shirt",
        "shirts", "tshirt", "apron", "mug", "plushie",
        "price", "prices", "priced", "expensive", "overpriced", "shipping", "shipped", "ship", "order",
        "ordered", "refund", "commission", "commissions", "course", "courses", "bundle", "kit", "store",
        "shop", "dollars", "bucks", "paid", "size", "sizes", "harga", "harganya", "mahal", "kemahalan",
        "ongkir", "dikirim", "kirim", "pesan", "pesanan",
        "kaos", "kaosnya", "jaket", "baju", "merchnya",
        "bahan", "bahannya", "luntur", "kelas", "komisi", "rb", "ribu", "jt", "juta", "refund",
    ),
    "giveaway": (
        "giveaway", "giveaways", "winner", "winners", "won",
        "rigged", "raffle", "draw", "prize", "prizes",
        "picked", "random pick", "pemenang", "pemenangnya", "menang", "undian", "undiannya", "diundi",
        "hadiah", "hadiahnya", "settingan", "ga transparan", "gak transparan", "diumumin",
    ),
    "moderation": (
        "mod", "mods", "moderator", "moderators", "admin", "admins", "ban", "banned", "bans", "banning",
        "mute", "muted", "timeout", "timed out",
        "kicked", "deleted my", "rules", "rule", "power tripping",
        "power trip", "favoritism", "favouritism", "staff", "modnya", "adminnya", "dibanned", "diban",
        "dikick", "dimute", "dihapus", "aturan", "peraturan", "pilih kasih",
    ),
    "community": (
        "chat", "community", "server", "members", "member", "people here", "everyone here", "drama",
        "cliques", "clique", "friend group", "fanwar", "fan war", "fanwars", "backseat", "backseating",
        "backseaters", "toxic", "elitist", "gatekeeping", "dead chat", "chat is dead", "komunitas",
        "komunitasnya", "chatnya", "servernya", "member nya", "bocil", "bocah", "fanboy", "ribut",
        "toxic semua",
    ),
    "tech": (
        "overlay", "overlays", "bot", "bots", "link", "links", "broken", "frozen", "freezing", "froze",
        "crashed", "crash", "crashes", "lag", "laggy",
        "lagging", "tps", "server lag", "queue", "buffering",
        "stream froze", "stream died", "dropped", "disconnect", "disconnected", "404", "dead link",
        "level bot", "error", "bug", "bugged", "glitch",
        "ngelag", "nge lag", "macet", "error nya", "eror",
        "rusak", "linknya", "ngefreeze", "freeze", "putus", "putus putus",
    ),
    "content": (
        "content", "video", "videos", "vid", "vids",
        "stream", "streams", "episode", "episodes", "format",
        "clickbait", "thumbnail", "title", "repetitive",
        "same", "boring", "reaction", "reacting", "react",
        "recipe", "review", "reviews", "guest", "intro",
        "editing", "edit", "filler", "rushed", "segment",
        "ai", "prank", "pranks", "challenge", "topic", "topics", "tutorial", "tutorials", "guide",
        "lesson", "lessons", "upload", "uploads", "konten", "kontennya", "videonya",
        "streamnya", "isinya", "itu itu aja", "gitu gitu aja", "itu itu", "judulnya", "judul",
        "thumbnailnya", "bahasannya", "obrolannya", "resep", "resepnya", "penjelasannya", "editan",
        "editannya", "prank", "receh", "faedah", "faedahnya", "bahas", "ngebahas",
    ),
    "other": (
        "credit", "credits", "credited", "traced",
        "tracing", "stole", "stolen", "plagiarism", "plagiat",
        "guest", "collab", "nyolong", "jiplak", "ngejiplak",
    ),
}

# Words that insult or demean a person: the message itself is hostile (topic "toxicity").
INSULTS: tuple[str, ...] = (
    "idiot", "idiots", "stupid", "dumb", "dumbass",
    "moron", "morons", "braindead", "brain dead", "loser",
    "losers", "clown", "clowns", "pathetic", "trash streamer", "fraud", "hack",
    "no talent", "talentless", "ugly", "fat", "disgusting person", "shut up", "stfu", "kys", "retard",
    "retarded", "pig", "dogwater", "bozo", "noob", "noobs", "bot lmao",
    "get a job", "nobody asked", "who asked", "you suck",
    "u suck", "ur trash", "you're trash", "anjing",
    "anjg", "anjeng", "ajg", "babi", "bangsat", "bgst",
    "goblok", "goblog", "gblk", "tolol", "tll", "bego",
    "bodoh", "bodo", "dongo", "dungu", "idiot",
    "sampah", "kampret", "kampungan", "norak", "alay", "lebay",
    "jelek", "bacot", "bacod", "berisik lu", "diem lu", "beban", "beban tim", "noob", "nub", "cupu",
    "geblek", "sinting", "gila lu", "otak udang",
    "ga ada otak", "gak ada otak", "muka tembok", "kontol",
    "memek", "jancok", "jancuk", "cok", "asu", "bajingan", "brengsek", "najis", "tai", "taik", "setan",
    "monyet", "kampang", "bencong", "banci", "lonte", "pecundang", "munafik", "caper", "sok", "pea",
    "songong", "sombong", "belagu", "kucel", "dekil", "pembohong", "tukang bohong", "penipu", "tae",
    "tai kucing", "komuk", "sok imut", "sok keren", "sok asik", "gblg", "blok", "bloon", "oon", "odong",
    "budeg", "buta", "dasar", "koplak", "sableng", "stres", "gelo", "belegug", "bolot", "jurig", "aneh",
    "mupeng", "rakus", "serakah", "bodoh banget", "lemot", "liar", "fake", "fraud", "liar liar",
    # English abuse and contempt
    "slut", "whore", "bitch", "bitches", "bastard", "asshole", "assholes", "dick", "dickhead", "prick",
    "cunt",
    "twat", "wanker", "jerk", "fool", "foolish", "arrogant", "sheep", "piece of shit", "fuck you", "f u",
    "screw you", "go die", "kill yourself", "drop dead", "attention whore", "sellout", "has been", "creep",
    "creepy", "weirdo", "simp", "incel", "degenerate", "scumbag", "trash human", "ratio", "cope", "seethe",
    "skill issue", "touch grass", "get a life", "nobody cares", "no one cares", "shut your", "stfu",
    # Indonesian, Sundanese and Javanese abuse
    "tolil", "toll", "goblok lu", "bego lu", "tolol lu", "ngaco", "ngarang", "bacol", "kere", "miskin",
    "ndeso", "deso", "tot", "kntl", "ktl", "komtol", "mmk", "jembut", "jembutan", "sia",
    "siah", "ampas", "ngelunjak", "nglunjak", "sok ganteng", "sok cantik", "sok tau", "sok tahu",
    "sok pinter", "sok suci", "sok alim", "sok kaya", "jablay", "pelakor", "gatel", "gatal", "murahan",
    "pelacur", "perek", "lc", "dungu", "idiot lu", "bego banget", "goblok banget", "tolol banget",
    "ga punya otak", "gak punya otak", "gapunya otak", "ga punya malu", "gak punya malu", "ga tau malu",
    "gak tau malu", "tak tahu malu", "gapunya harga diri", "ga punya harga diri", "malu maluin",
    "malu2in", "memalukan", "kurang ajar", "biadab", "bejat", "iblis", "dajjal", "kafir", "munafik",
    "kunyuk", "cebong", "kadrun", "buzzer", "buzer", "pansos", "caper", "lebay lu", "alay lu", "norak lu",
    "asw", "asu", "jancok", "cuk", "cok", "kirik", "ndasmu", "matamu", "raimu", "gundulmu", "belegug",
    "goblog", "sia goblog", "aing", "anying", "anjir lu", "lieur", "gelo", "edan", "sinting", "stres",
    "stress", "gila lu", "gak waras", "ga waras", "sakit jiwa",
    # sexual harassment and body shaming (toxicity when aimed at a person in the video)
    "mesum", "cabul", "sange", "sangean", "sagne", "birahi", "konak", "crot", "bokep", "bkep", "ngewe",
    "ewe", "tobrut", "tobyut", "bohay", "montok", "semok", "toket", "tete", "nenen", "bokong", "pantat",
    "body nya", "bodynya", "bodinya", "mengkel", "bulet padet", "jebol", "buntingin",
    "hamilin", "perkosa", "perkaos", "diperkosa", "ngaceng", "coli", "sepong", "penyepong", "penyevonk",
    "homo", "maho", "gendut", "gembrot", "kurus kering", "cebol", "dekil", "burik",
    "muka tua", "mukanya tua", "keliatan tua", "kelihatan tua", "kaya nenek", "kayak nenek", "nenek nenek",
    "tante tante", "om om", "pedo", "pedofil", "predator", "tits", "boobs", "nude", "naked",
)

# Complaint words and phrases: dissatisfaction, disappointment, fault-finding.
COMPLAINT: tuple[str, ...] = (
    "disappointed", "disappointing", "disappointment",
    "unacceptable", "ridiculous", "terrible", "awful",
    "horrible", "worst", "unwatchable", "unlistenable",
    "painful", "annoying", "distracting", "frustrating",
    "waste", "waste of time", "sold out", "sellout",
    "fell off", "washed", "lazy", "low effort", "rushed",
    "overpriced", "rip off", "ripoff", "scam", "scammed", "rigged", "unfair", "not fair", "biased",
    "not fun", "not fun anymore", "no fun", "getting old",
    "repetitive", "boring", "bored", "mid", "meh",
    "cringe", "clickbait", "misleading", "wrong", "incorrect", "mistake", "mistakes", "error", "errors",
    "broken", "doesn't work", "does not work", "not working",
    "never", "nothing", "no update", "no updates",
    "ignored", "ignore", "ignoring", "ignores", "nobody replies", "no one replies", "no response",
    "ghosted", "couldn't hear", "could not hear", "can't hear", "cant hear", "can barely hear",
    "barely hear", "hard to hear", "hard to see", "can't see",
    "cant see", "hurts", "my ears", "too loud",
    "too quiet", "too much", "too many", "too long", "too fast", "too slow", "way too", "so loud",
    "so quiet", "is a lot", "kind of ironic",
    "ironic", "make it make sense", "what happened", "where did",
    "used to be", "old videos", "the old", "miss the old", "anymore", "not the same", "lately",
    "these days", "now it's", "every video is", "every stream is", "every episode", "just reacting",
    "no effort", "for once", "should be illegal", "not okay", "not ok", "disrespectful", "invasive",
    "unprofessional", "hard to trust", "sus",
    "shady", "not a giveaway", "still haven't", "still hasn't",
    "still not", "still no", "hasn't shipped", "haven't received", "never arrived", "no wip", "refund",
    "tone deaf", "cash grab", "greedy", "sold", "kecewa", "kecewa berat", "ngecewain", "mengecewakan",
    "parah", "payah", "jelek", "jelek bgt", "ancur", "hancur", "ga jelas", "gak jelas", "nggak jelas",
    "tidak jelas", "gajelas", "ga mutu", "gak mutu", "ga bermutu", "ga berbobot", "gak berbobot",
    "ga ada faedahnya", "ga penting", "gak penting", "ga seru", "gak seru", "udah ga seru", "ngga seru",
    "bosen", "bosan", "ngebosenin", "membosankan",
    "males", "males nonton", "muak", "capek", "capek bgt",
    "eneg", "ganggu", "ganggu bgt", "mengganggu", "ngeganggu", "sakit kuping", "sakit telinga",
    "ga kedengeran", "gak kedengeran", "ga kedengaran", "gak kedengaran", "ga kedengeran sama sekali",
    "ketutup", "kalah sama", "ga etis", "gak etis", "ga sopan", "gak sopan", "ga transparan",
    "gak transparan", "ga fair", "gak fair", "curang", "settingan", "penipuan", "nipu", "tipu", "php",
    "bohong", "boong", "mana janjinya", "katanya", "ga ada kabar", "gak ada kabar", "belum dikirim",
    "blm dikirim", "ga dibales", "gak dibales", "ga bales", "gak bales", "ga pernah", "gak pernah",
    "nggak pernah", "asal jadi", "asal asalan", "muter muter", "kebanyakan", "kelamaan", "kemahalan",
    "kegedean", "kekecilan", "kekencengan", "kepanjangan", "kurang", "makin ga", "makin gak",
    "makin ke sini", "makin kesini", "sekarang cuma", "skrg cuma", "mulu", "melulu", "terus terusan",
    "lagi lagi", "itu itu aja", "gitu gitu aja", "itu itu doang", "diulang ulang", "ga ada variasi",
    "gak ada variasi", "ga ada", "gak ada", "clickbait", "jijik", "risih", "ilfeel", "turun", "menurun",
    "gagal", "pelit", "mata duitan", "matre", "apaan", "apaan sih", "ga guna", "gak guna", "percuma",
    "rugi", "nyesel", "nyesal", "tolong", "tolong dong", "please stop", "pls stop", "stop", "jangan",
    "gimik", "gimmick", "settingan", "rekayasa",
    "dibuat buat", "direkayasa", "boong", "bohong", "palsu",
    "fake", "scripted", "staged", "staging",
    "ga lucu", "galucu", "gak lucu", "tidak lucu", "ga menarik",
    "gak menarik", "tidak menarik", "ulangan",
    "siaran ulang", "video lama", "konten lama", "upload ulang",
    "reupload", "re upload", "di upload lagi", "diupload lagi", "kurang kerjaan", "ga bermanfaat",
    "tidak bermanfaat", "ga ada manfaatnya", "mubazir", "mubadzir", "sia sia", "miris", "heran", "mles",
    "jijik", "njijiki", "garing", "kaku", "maksa", "dipaksain", "ga kreatif", "gak kreatif",
    "kehabisan ide", "kehabisan konten", "views doang",
    "demi konten", "demi views", "cari views", "ceplak",
    "ngecap", "teu ngeunah", "teu ngenaheun", "teu lucu",
    "teu rame", "te rame", "asa bosen", "ga nyambung",
    "gak nyambung", "ngawur", "salah", "keliru", "kebalik", "ga sesuai", "gak sesuai", "penyesatan",
    "menyesatkan", "hoax", "hoaks", "pencitraan", "pansos", "lebay", "alay", "norak", "overacting",
    "cringe", "ga suka", "gak suka", "ga respect", "not funny", "unfunny", "fake views", "bought views",
    "overrated", "annoying", "so annoying", "worst", "hate this", "hate it", "i hate", "sucks", "suck",
    "garbage", "trash", "awful", "stupid",
    "pointless", "no point", "useless", "worthless", "unbearable", "makes no sense", "doesn't make sense",
    "nonsense", "ruined", "ruin",
    # English
    "shit", "shitty", "crap", "crappy", "bs", "bullshit", "fucking shit", "piece of shit", "wtf", "dafuq",
    "epic fail", "fail", "failed", "dislike", "disliked", "dislikes", "thumbs down", "mediocre", "irritating",
    "cringey", "cringy", "cringe worthy", "getting old", "not funny anymore", "buys views", "buy views",
    "bought views", "buys her views", "buys his views", "fake views", "view bots", "autotune", "auto tune",
    "can't sing", "cant sing", "no talent", "irrelevant", "still relevant", "inaccurate", "unrealistic",
    "wank", "remove this", "unsubscribe", "unsubscribed", "unsub", "unsubbed", "gross", "ugh", "yikes",
    "lame", "weak", "hate this song", "hate this video", "hate it when", "hate her", "hate him", "hate you",
    "dont like", "don't like", "do not like", "didn't like", "didnt like", "wasted", "waste of", "pathetic",
    "embarrassing", "cheap", "low quality", "poor quality", "sloppy", "amateur", "amateurish", "copied",
    "ripped off", "stole", "stolen", "rip off", "overhyped", "over hyped", "sold out", "who cares",
    "so what", "isn't even", "isnt even", "not real", "fake af", "makes me sick", "sick of",
    "tired of", "fed up", "enough with", "enough of", "stop it", "just stop", "stop doing", "stop making",
    "stop posting", "why would", "why does this", "why do you always", "why is this", "how is this",
    "who made this", "what is this", "what was that", "worse", "worst video", "worst song", "sucks dick",
    "drink bleach", "want to die", "ears bleed", "my ears", "no sense", "nonsense video",
    # Indonesian, Sundanese and Javanese
    "gk lucu", "ngk lucu", "ngak lucu", "ora lucu", "teu lucu", "kurang lucu", "apa sih", "apasih",
    "apaan sih", "apa sih ini", "tontonan apa", "ga mutu", "gak mutu", "ga bermutu", "mutunya", "ngaco",
    "ngarang", "jayus", "basi", "basi banget", "bosenin", "ngebosenin", "bosen liat", "bosen banget",
    "bosan liat", "kehabisan ide", "kehabisa ide", "kehabisan bahan", "miskin ide", "ga ada ide",
    "video lama",
    "vidio lama", "video lami", "konten lama", "konten lamo", "video ulang", "di up lagi", "diup lagi",
    "di up ulang", "di upload ulang", "upload ulang", "udah di upload", "sudah di upload", "udh di up",
    "udah di up", "siaran ulang", "tayangan ulang", "ulangan", "duplikat", "setingan", "settingan",
    "boongan", "bohongan", "dibohongin", "diboongin", "pembohong", "pembodohan", "membodohi", "pencitraan",
    "gak real", "ga real", "te real", "teu real", "tidak real", "ga masuk akal", "gak masuk akal",
    "nggak masuk akal", "tidak masuk akal", "ga logis", "gak logis", "ga higienis", "tidak higienis",
    "tidak higenis", "jorok", "menjijikkan", "menjijikan", "jijik banget", "geleh", "rujit", "kurang seru",
    "teu seru", "kurang rame", "ga rame", "ga menarik lagi", "gak menarik lagi", "kagak menarik",
    "kurang menarik", "gaje", "gak jls", "ga jls", "gk jelas", "gk jls", "ga pnting", "ga ada manfaatnya",
    "gak bermanfaat", "tiada manfaat", "nyebelin", "menyebalkan", "sebel", "kesel", "bikin kesel",
    "bikin emosi", "emosi", "dikecewakan", "buruk", "terburuk", "amatir", "amatiran", "murahan",
    "sinetron", "kayak sinetron", "terlalu drama", "dibuat dibuat", "di buat buat", "terlalu dibuat",
    "cari views", "cari viewers", "cri viewers", "haus views", "haus validasi", "numpang tenar",
    "ikut ikutan", "latah", "meniru", "niru", "nyontek", "copas", "comot", "nyomot", "ga kreatif",
    "hoream", "embung", "elek", "ra mutu", "ra jelas", "ora jelas", "nggilani", "mbosenke", "mboseni",
    "unfaedah", "ga berfaedah", "gak berfaedah", "ga ada faedah", "ga ada akhlak", "gak ada akhlak",
    "ga ada adab", "ga sopan", "tidak sopan", "kurang sopan", "ga pantes", "gak pantes", "ga pantas",
    "tidak pantas", "ga layak", "tidak layak", "ga etis", "berdosa", "dosa", "haram", "mubazir",
    "buang buang", "buang makanan", "ga tega", "gak tega", "kejam", "sadis",
    "ga ngotak", "gak ngotak", "ga mikir", "gak mikir", "unsubscribe", "unsub", "unsubs", "berhenti nonton",
    "ga nonton lagi", "males nonton", "males liat", "muak liat", "eneg liat", "eneq", "ilfil", "ilfeel",
    "cringe banget", "norak banget", "lebay banget", "alay banget", "sok asik", "maksa banget",
    "ga natural", "gak natural", "kaku banget", "garing banget", "garing bgt", "ga ada lucunya",
    "gak ada lucunya", "ga kocak", "gak kocak", "ga rapi", "berantakan", "asal asalan", "ngasal",
    "sembarangan", "ga profesional", "gak profesional", "tidak profesional", "ngecewain", "turun kualitas",
    "kualitas turun", "makin jelek", "makin parah", "makin aneh", "makin ga jelas", "udah ga seru",
    "ga kayak dulu", "gak kayak dulu", "ga kaya dulu", "gak kaya dulu", "kayak dulu lagi", "kaya dulu lagi",
    "kangen yang dulu", "rindu yang dulu", "beda sama dulu", "dulu lebih", "lebih bagus dulu",
)

# Persistence and repetition: the complaint is about a pattern ("every single time", "telat mulu").
PERSIST: tuple[str, ...] = (
    "again", "every time", "every single time", "every single", "everytime", "always", "still",
    "constantly", "keeps", "keep", "same", "every week", "every stream", "every video", "each time",
    "third time", "for the third time", "once again", "as usual", "yet again", "all the time", "mulu",
    "melulu", "terus", "lagi lagi", "tiap",
    "setiap", "selalu", "sering", "terus terusan", "berkali kali",
    "udah kesekian", "kesekian kalinya", "lagi",
)

# Sarcasm and exasperation markers.
SARCASM: tuple[str, ...] = (
    "🙂", "🙃", "🙄", "😑", "😒", "🤡",
    "😐", "🥱", "😤", "great another", "oh great", "great job", "nice one",
    "love that for us", "love how", "love that", "sure",
    "totally", "wow", "thanks for nothing", "good job",
    "classic", "of course", "yeah right", "ok", "okay", "cool cool", "lmao ok", "so much for", "truly",
    "what a surprise", "shocking", "mantap", "keren banget ya", "hebat", "bagus ya", "makasih loh",
    "ya ampun", "yaudah", "oke",
    "🗿", "🤮", "🤢", "👎", "🙂‍↔️", "-_-", "smh", "sure buddy", "sure jan", "ok boomer", "nice try",
    "bravo", "slow clap", "genius", "pinter banget", "pinter bgt", "hebat banget", "keren banget",
    "mantap sekali", "luar biasa", "bagus banget ya", "pinter ya", "hebat ya", "mantul", "halah", "alah",
    "preet", "prett", "cih", "cuih", "cuh", "cuhh", "yaelah", "yaelah bang", "ckck", "ckckck", "haduh",
    "aduh", "astaga", "astagfirullah", "astaghfirullah", "ya allah", "naudzubillah", "amit amit",
)

# Hype and praise written with negative-looking words; laughter.
HYPE: tuple[str, ...] = (
    "can't wait", "cant wait", "cannot wait", "can not wait", "goes hard", "go hard", "went hard",
    "hard af", "sick", "insane", "crazy", "nuts",
    "wild", "unreal", "illegal", "criminal", "ate", "slay",
    "slayed", "served", "killed it", "killing it",
    "murdered", "dead", "i'm dead", "im dead", "i'm crying",
    "im crying", "crying", "screaming", "obsessed", "addicted", "disgusting", "filthy", "nasty", "evil",
    "demon", "monster", "beast", "savage", "menace", "unhinged", "cursed", "goated", "goat", "banger",
    "fire", "lit", "pog", "poggers", "kekw", "lul",
    "omegalul", "lmao", "lmfao", "lol", "haha", "hahaha",
    "rofl", "💀", "😂", "🤣", "🔥", "😭 best", "best",
    "love", "loved", "w", "huge w", "peak", "hype", "hyped",
    "gak sabar", "ga sabar", "nggak sabar", "udah ga sabar",
    "gila", "gila sih", "gokil", "gokill", "anjir",
    "anjay", "anjai", "njir", "bjir", "wkwk", "wkwkwk", "wk", "awokawok", "keren", "mantap", "mantul",
    "gacor", "sadis", "brutal", "parah sih", "merinding", "ngakak", "ketawa", "lucu", "kocak", "pecah",
    "juara", "terbaik", "suka", "seru",
)

# Gameplay: dying, losing and killing inside a game is not feedback.
GAMEPLAY: tuple[str, ...] = (
    "died", "die", "dying", "death", "deaths", "killed",
    "kill", "kills", "boss", "bosses", "raid", "raids",
    "rank", "ranked", "push rank", "match", "matches",
    "lobby", "camper", "headshot", "respawn", "spawn",
    "wipe", "wiped", "lost", "lose", "losing", "loss", "lap", "crashed out", "dnf", "teammates", "team",
    "enemy", "enemies", "feeding", "feed", "nerf", "nerfed", "buff", "buffed", "patch", "meta", "gacha",
    "pull", "pulls", "50/50", "banner", "run", "pb", "wr", "speedrun", "hardcore", "creeper", "zombie",
    "mati", "kalah", "menang", "rungkad", "dibantai", "bantai", "musuh", "mabar", "push", "rank nya",
    "bintang", "turun bintang", "war", "ranked", "tim", "tim gue", "afk", "ngefeed", "savage", "maniac",
    "hero", "item", "build", "skin",
)

# Third parties outside the creator's control.
THIRD_PARTY: tuple[str, ...] = (
    "moonton", "riot", "mojang", "microsoft", "devs", "developers", "developer", "dev", "the label",
    "label", "agency", "fia", "stewards", "stewarding",
    "apple", "samsung", "google", "epic", "valve", "ea",
    "ubisoft", "hoyoverse", "mihoyo", "nintendo", "sony", "resellers", "scalpers", "ticketing",
    "government", "pemerintah", "developer nya", "devnya",
)

# The speaker's own life: first person, misfortune not aimed at anyone.
PERSONAL: tuple[str, ...] = (
    "my", "i", "i'm", "im", "me",
    "myself", "mine", "my internet", "my wifi", "my connection", "my phone",
    "my pc", "my laptop", "my mom", "my cat", "my dog", "my exam", "exam", "exams", "quiz", "finals",
    "homework", "work", "school", "gue", "gw", "gua", "aku", "saya", "ku", "hp gue", "hp aku", "sinyal",
    "kuota", "wifi gue", "laptop gue", "ujian", "uts",
    "uas", "tugas", "pr", "kerja", "sekolah", "kuliah",
    "sedih", "galau", "sakit",
)

# The creator, the content and the staff as the target of a remark.
TARGET: tuple[str, ...] = (
    "you", "your", "you're", "youre", "u", "ur",
    "yall", "y'all", "you guys", "streamer", "host", "hosts",
    "creator", "channel", "the stream", "the video", "this video", "this stream", "this episode",
    "the mods", "mods", "admin", "the server", "this server", "bang", "bg", "bng", "kak", "ka", "kakak",
    "min", "mimin", "admin", "lu", "lo", "elu", "elo",
    "loe", "kamu", "km", "kalian", "bro", "om", "mas",
    "mba", "mbak", "teh", "kang", "akang", "bu", "pak", "abang", "ente", "sampeyan",
    "the video", "this song", "the song", "the singer", "the artist", "the editor", "editor", "the cameraman",
    "cameraman", "kameramen", "editornya", "admin nya", "adminnya", "youtuber", "konten kreator",
    "content creator", "channel ini", "chanel", "channelnya", "kontennya", "videonya", "vidionya", "kang",
    "aa", "mang", "akang", "teteh", "neng", "cak", "mbak", "dik", "dek", "kau", "anda", "kalian",
    "sampean", "koe", "kowe", "maneh", "sia", "silaing", "ente", "bapak", "ibu", "ustadz", "ustad",
)

# Questions, requests and suggestions phrased as such.
ASKING: tuple[str, ...] = (
    "how do", "how to", "how can", "what is", "what's",
    "whats", "when is", "when's", "where is", "is the",
    "is there", "are you", "are there", "does anyone", "anyone", "can you", "could you", "would you",
    "can we", "could we", "will you", "will there", "do you", "did you", "any chance", "is it",
    "suggestion", "idea", "request", "would be cool", "would be nice", "maybe", "pls add", "please add",
    "can someone", "apa", "apakah", "gimana", "bagaimana",
    "kapan", "dimana", "di mana", "kenapa", "knp",
    "ada yang", "ada yg", "bisa gak", "bisa ga", "bisa nggak",
    "boleh", "request", "saran", "usul", "coba",
    "mau tanya", "nanya", "tanya", "bang kapan", "kak kapan", "min kapan", "siapa",
)

# Thanks, praise and affection.
PRAISE: tuple[str, ...] = (
    "thanks", "thank you", "thx", "ty", "love",
    "love you", "amazing", "awesome", "great", "good", "nice",
    "beautiful", "best", "favorite", "favourite", "proud", "congrats", "congratulations", "well done",
    "helpful", "perfect", "wholesome", "cute",
    "adorable", "talented", "makasih", "terima kasih", "trims",
    "mksh", "bagus", "keren", "mantap", "mantul", "cakep", "cantik", "ganteng", "lucu", "semangat",
    "sukses", "berkah", "aamiin", "amin", "salut", "top", "the best", "suka", "sehat selalu", "enak",
)

# Contesting words: the speaker disputes or corrects what was shown or said (weak on their own).
CONTEST: tuple[str, ...] = (
    "kok", "masa", "masak", "bukan", "harusnya",
    "seharusnya", "mending", "padahal", "katanya", "ternyata",
    "dulu", "cuma", "doang", "aja", "serius", "beneran", "emang", "sih", "why", "actually", "instead",
    "supposed to", "should", "shouldn't", "should've", "but", "tapi", "tp", "only", "just", "literally",
    "used to", "even", "seriously", "really", "again", "smh", "bruh", "bro", "tbh", "honestly", "ngl",
)

# Rhetorical questions and dismissive asks: the question is a complaint ("why do you always…", "kok … sih").
RHETORIC: tuple[str, ...] = (
    "why do you always", "why do you keep", "why does it always", "why is it always", "why would you",
    "why would anyone", "why does this", "why is this", "how is this", "how does this", "who asked",
    "who made this", "who thought", "what is this", "what was that", "what's the point", "whats the point",
    "is this a joke", "are you serious", "are you kidding", "you kidding me", "seriously", "really?",
    "kok", "kok gitu", "kok bisa", "kok malah", "napa", "ngapain", "buat apa", "untuk apa", "gimana sih",
    "apa sih", "apaan", "apaan sih", "masa", "masak", "masa sih", "emang boleh", "emangnya", "mana ada",
    "mana janjinya", "dari kapan", "sejak kapan", "biar apa", "maksudnya apa", "maksudnya", "kenapa gak",
    "kenapa ga", "kenapa nggak", "knp gak", "knp ga", "kapan lagi", "mana", "naon", "kunaon", "kumaha",
    "ari", "ari maneh", "opo", "ngopo", "piye",
)

# Should, stop, better: the speaker tells the creator what to do instead ("harusnya", "mending", "gak usah").
SHOULD: tuple[str, ...] = (
    "should", "shouldn't", "should've", "should have", "should not", "should not have", "shouldn't have",
    "need to", "needs to", "no need to", "please stop", "pls stop", "stop", "just stop", "don't do",
    "dont do", "do better", "try harder", "instead", "rather", "harusnya", "seharusnya", "mestinya",
    "mending", "mendingan", "lebih baik", "gak usah", "ga usah", "gausah", "gk usah", "nggak usah",
    "tidak usah", "ndak usah", "jangan", "jgn", "janganlah", "stop dong", "tolong dong", "tolong",
    "coba deh", "coba dong", "yang bener", "yg bener", "nu bener", "bener dikit", "benerin", "perbaiki",
    "diperbaiki", "ganti", "gantiin", "di ganti", "diganti", "kurangin", "dikurangin", "kecilin",
    "gedein", "balik lagi", "kembali lagi", "kaya dulu", "kayak dulu", "lagi dong", "atuh", "teh atuh",
    "ulah", "entong", "aja deh", "udahan", "udahlah", "berhenti",
)

# Laughter: a message that laughs is rarely a complaint (teasing, a joke); spellings are folded by
# ``features.words`` ("wkwkwk", "awokawok" -> "wkwk"; "hahaha", "hehe" -> "haha").
LAUGH: tuple[str, ...] = (
    "wkwk", "haha", "lol", "lmao", "lmfao", "rofl", "lul", "kekw", "omegalul", "😂", "🤣", "😹", "😆",
    "😁", "ngakak", "ngakak parah", "ketawa", "xixi", "xixixi", "hihi", "jir", "kocak", "🤭",
)

# Wishes, prayers, blessings and polite requests: the speaker hopes for something, not complains.
WISH: tuple[str, ...] = (
    "semoga", "smoga", "moga", "moga moga", "mudah mudahan", "mudah2an", "insyaallah", "insya allah",
    "inshallah", "aamiin", "amiin", "amin", "sehat selalu", "sehat terus", "lancar terus", "sukses terus",
    "berkah", "barakallah", "hope", "i hope", "hopefully", "wish", "i wish you", "please make",
    "pls make", "can you make", "could you make", "next video", "part 2", "next part", "lanjut", "lanjutkan",
    "ditunggu", "request", "req", "bikin lagi", "buat lagi", "mampir", "salam dari", "salam kenal",
    "izin", "ijin", "punten", "sampurasun", "assalamualaikum",
)

# Negators: "ga lucu", "not funny", "teu rame" turn praise into a complaint.
NEGATORS: tuple[str, ...] = (
    "ga", "gak", "nggak", "ngga", "enggak", "engga", "gk", "g", "tidak", "tak", "kagak", "kaga", "ndak",
    "teu", "te", "henteu", "moal", "not", "isn't", "wasn't", "aren't", "no", "never", "kurang", "less",
    "barely", "hardly", "nothing", "nobody", "doesn't", "don't", "didn't", "cannot", "can't", "cant",
    "ngk", "ngak", "nggk", "gk", "tdk", "ora", "dak", "kgk", "nda", "gx", "tida", "tidah", "hanteu",
    "moal", "bukan", "dont", "doesnt", "didnt", "isnt", "wasnt", "aint", "ain't", "neither",
)
# fmt: on
