#!/usr/bin/env python3
"""Converts the tagged Brown corpus (NLTK layout: word/tag tokens) into plain readable text.

Usage: brown_to_text.py SOURCE_DIR TARGET_DIR

Each source document such as ``ca01`` becomes ``TARGET_DIR/ca01.txt`` with one sentence per line.
Tags are stripped (``jury/nn`` -> ``jury``) and tokens are rejoined with English spacing rules.
Only the Python standard library is used.
"""
import os
import re
import sys

DOCUMENT_NAME = re.compile(r"^c[a-r][0-9]{2}$")
ATTACH_LEFT = {".", ",", ";", ":", "?", "!", ")", "]", "}", "''", "'", "n't", "'s", "'re", "'ll", "'d", "'ve", "'m"}
ATTACH_RIGHT = {"(", "[", "{", "``"}
QUOTES = {"``": '"', "''": '"'}


def strip_tag(token):
    """Returns the word of a ``word/tag`` token; a token without a tag is returned unchanged."""
    slash = token.rfind("/")
    return token[:slash] if slash > 0 else token


def detokenize(words):
    """Joins words into a sentence: no space before closing punctuation or after opening marks."""
    out = []
    glue_next = True
    for word in words:
        text = QUOTES.get(word, word)
        if out and not glue_next and word not in ATTACH_LEFT:
            out.append(" ")
        out.append(text)
        glue_next = word in ATTACH_RIGHT
    return "".join(out)


def convert_document(source_path):
    """Returns the plain text of one tagged document, one sentence per line."""
    sentences = []
    with open(source_path, encoding="utf-8", errors="replace") as f:
        for line in f:
            tokens = line.split()
            if tokens:
                sentences.append(detokenize([strip_tag(t) for t in tokens]))
    return "\n".join(sentences) + "\n"


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    source, target = argv[1], argv[2]
    names = sorted(n for n in os.listdir(source) if DOCUMENT_NAME.match(n))
    os.makedirs(target, exist_ok=True)
    total = 0
    for name in names:
        text = convert_document(os.path.join(source, name))
        out_path = os.path.join(target, name + ".txt")
        tmp_path = out_path + ".tmp"
        with open(tmp_path, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp_path, out_path)
        total += len(text.encode("utf-8"))
    print(f"converted {len(names)} documents, {total} bytes, into {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
