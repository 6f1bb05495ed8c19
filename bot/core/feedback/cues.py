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

# Negators: "ga lucu", "not funny", "teu rame" turn praise into a complaint.
NEGATORS: tuple[str, ...] = (
    "ga", "gak", "nggak", "ngga", "enggak", "engga", "gk", "g", "tidak", "tak", "kagak", "kaga", "ndak",
    "teu", "te", "henteu", "moal", "not", "isn't", "wasn't", "aren't", "no", "never", "kurang", "less",
    "barely", "hardly", "nothing", "nobody", "doesn't", "don't", "didn't", "cannot", "can't", "cant",
)
# fmt: on
