"""Speech → word-timed transcripts for word-level captions.

``words`` (transcript files, importers) is plain Python. ``whisper`` runs faster-whisper from
the optional ``transcribe`` extra and is imported only when a clip has to be transcribed.
``campaign`` writes each auto-captioned clip's ``captions/<clip>.words.json`` before planning.
"""

from __future__ import annotations

# Whisper's language codes (faster-whisper's tokenizer list), so a spec can be checked without
# the extra installed.
WHISPER_LANGUAGES = frozenset((
    "af", "am", "ar", "as", "az", "ba", "be", "bg", "bn", "bo", "br", "bs", "ca", "cs", "cy", "da",
    "de", "el", "en", "es", "et", "eu", "fa", "fi", "fo", "fr", "gl", "gu", "ha", "haw", "he",
    "hi", "hr", "ht", "hu", "hy", "id", "is", "it", "ja", "jw", "ka", "kk", "km", "kn", "ko", "la",
    "lb", "ln", "lo", "lt", "lv", "mg", "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my", "ne", "nl",
    "nn", "no", "oc", "pa", "pl", "ps", "pt", "ro", "ru", "sa", "sd", "si", "sk", "sl", "sn", "so",
    "sq", "sr", "su", "sv", "sw", "ta", "te", "tg", "th", "tk", "tl", "tr", "tt", "uk", "ur", "uz",
    "vi", "yi", "yo", "zh", "yue",
))
INSTALL_HINT = 'word captions need the transcribe extra: pip install "vidcamp[transcribe]"'
