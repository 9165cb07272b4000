"""Starter writing frameworks for Year 2 and Year 6. Pure data: no ORM import.

They follow the structure of DfE's teacher assessment frameworks for writing at the end of key
stages 1 and 2 (statements at "working towards", "working at the expected standard" and "working
at greater depth", the greater-depth statements adding to the expected ones), written in our own
words, under strands a trust's working party would use. A trust edits them as a draft.
"""

from __future__ import annotations

# year group -> [(strand, [(code, level, text)])]
Starter = list[tuple[str, list[tuple[str, str, str]]]]

YEAR_2: Starter = [
    (
        "Composition",
        [
            (
                "WTS1",
                "WTS",
                "Writes sentences, mostly joined by 'and', about real or invented events.",
            ),
            (
                "EXS1",
                "EXS",
                "Writes simple connected narratives and accounts of real and imagined events.",
            ),
            ("EXS2", "EXS", "Uses co-ordination and some subordination (when, if, that, because)."),
            ("GDS1", "GDS", "Writes for different purposes, drawing on what they have read."),
        ],
    ),
    (
        "Grammar and punctuation",
        [
            ("WTS2", "WTS", "Marks some sentences with capital letters and full stops."),
            (
                "EXS3",
                "EXS",
                "Demarcates most sentences with capitals, full stops and some question marks.",
            ),
            ("EXS4", "EXS", "Uses present and past tense mostly correctly and consistently."),
            ("GDS2", "GDS", "Uses the punctuation taught at key stage 1 mostly correctly."),
        ],
    ),
    (
        "Spelling",
        [
            ("WTS3", "WTS", "Spells some common exception words and words with taught phonemes."),
            ("EXS5", "EXS", "Segments words into phonemes and spells many of them correctly."),
            ("EXS6", "EXS", "Spells many common exception words."),
            ("GDS3", "GDS", "Spells most common exception words and adds suffixes correctly."),
        ],
    ),
    (
        "Handwriting and presentation",
        [
            ("WTS4", "WTS", "Forms lower-case letters in the correct direction."),
            ("EXS7", "EXS", "Forms capital letters and digits of the right size and spacing."),
            ("GDS4", "GDS", "Uses the diagonal and horizontal strokes needed to join letters."),
        ],
    ),
]

YEAR_6: Starter = [
    (
        "Composition",
        [
            ("WTS1", "WTS", "Writes for a range of purposes with some sense of the reader."),
            ("EXS1", "EXS", "Writes effectively for a range of purposes and audiences."),
            ("EXS2", "EXS", "Describes settings, characters and atmosphere in narratives."),
            ("EXS3", "EXS", "Integrates dialogue to convey character and move the action on."),
            (
                "GDS1",
                "GDS",
                "Controls the level of formality deliberately, reflecting what they read.",
            ),
        ],
    ),
    (
        "Vocabulary and cohesion",
        [
            ("WTS2", "WTS", "Uses some devices to link ideas within and across paragraphs."),
            ("EXS4", "EXS", "Selects vocabulary and grammatical structures that fit the purpose."),
            (
                "EXS5",
                "EXS",
                "Uses a range of devices to build cohesion within and across paragraphs.",
            ),
            ("GDS2", "GDS", "Chooses the grammar and vocabulary that change and enhance meaning."),
        ],
    ),
    (
        "Grammar and punctuation",
        [
            (
                "WTS3",
                "WTS",
                "Uses capitals, full stops, question marks, commas for lists and apostrophes mostly correctly.",
            ),
            ("EXS6", "EXS", "Uses verb tenses consistently and correctly."),
            ("EXS7", "EXS", "Uses the punctuation taught at key stage 2 mostly correctly."),
            (
                "GDS3",
                "GDS",
                "Uses the full range of key stage 2 punctuation precisely, to enhance meaning.",
            ),
        ],
    ),
    (
        "Spelling",
        [
            ("WTS4", "WTS", "Spells most words from the Year 3-4 list correctly."),
            (
                "EXS8",
                "EXS",
                "Spells most words from the Year 5-6 list correctly; uses a dictionary to check.",
            ),
        ],
    ),
    (
        "Handwriting and presentation",
        [
            ("WTS5", "WTS", "Writes legibly."),
            ("EXS9", "EXS", "Keeps legibility, fluency and speed in joined handwriting."),
        ],
    ),
]


def generic(year_group: str) -> Starter:
    """A grid for another year group with the strands seed 000's working party named: a starting
    point for its authors, not a published standard."""
    y = year_group
    return [
        (
            "Composition and stamina",
            [
                (
                    "WTS1",
                    "WTS",
                    f"Sustains a piece of writing of the length expected in Year {y} with support.",
                ),
                (
                    "EXS1",
                    "EXS",
                    f"Sustains independent writing of the length expected in Year {y}.",
                ),
                ("EXS2", "EXS", "Organises writing for its purpose and reader."),
                ("GDS1", "GDS", "Adapts form and style deliberately for different readers."),
            ],
        ),
        (
            "Vocabulary, grammar and punctuation",
            [
                ("WTS2", "WTS", "Punctuates most sentences correctly."),
                (
                    "EXS3",
                    "EXS",
                    f"Uses the grammar and punctuation taught up to Year {y} accurately.",
                ),
                ("GDS2", "GDS", "Uses grammar and punctuation for effect, precisely."),
            ],
        ),
        (
            "Accuracy and spelling",
            [
                ("WTS3", "WTS", "Makes basic errors that sometimes obscure meaning."),
                ("EXS4", "EXS", "Makes few basic errors; spells taught words correctly."),
                ("GDS3", "GDS", "Spells ambitious vocabulary correctly."),
            ],
        ),
        (
            "Handwriting and presentation",
            [
                ("WTS4", "WTS", "Writes legibly."),
                ("EXS5", "EXS", "Presents work neatly and fluently."),
            ],
        ),
    ]


STARTERS: dict[str, Starter] = {"2": YEAR_2, "6": YEAR_6}
