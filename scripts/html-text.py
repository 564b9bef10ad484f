#!/usr/bin/env python3
"""Parses an HTML file as a browser's tokenizer would (Python's html.parser) and prints JSON with the
element names found and the text of every element outside <style>: used by the tests to check that text
from data comes out of the report exactly as it went in, and never as markup.

Usage: scripts/html-text.py FILE.html
"""
import html.parser
import json
import sys


class Collector(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.texts, self.in_style = [], [], 0

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "style":
            self.in_style += 1

    def handle_endtag(self, tag):
        if tag == "style":
            self.in_style -= 1

    def handle_data(self, data):
        if not self.in_style and data.strip():
            self.texts.append(data.strip())


collector = Collector()
with open(sys.argv[1], encoding="utf-8") as file:
    collector.feed(file.read())
print(json.dumps({"tags": sorted(set(collector.tags)), "texts": collector.texts}, ensure_ascii=False))
